import { describe, expect, it } from "vitest";
import { UserError } from "../../src/model/problem.js";
import { DEFAULT_GRACE_SECONDS, OWNER_LABEL, parseSyncConfig } from "../../src/sync/config.js";

function problemsOf(raw: unknown): { path: string; message: string; hint: string }[] {
  try {
    parseSyncConfig(raw, "sync.yaml");
  } catch (e) {
    if (e instanceof UserError) return e.problems.map((p) => ({ path: p.path, message: p.message, hint: p.hint }));
    throw e;
  }
  throw new Error("expected a UserError");
}

const minimal = { consul: { address: "http://127.0.0.1:8500" }, mappings: [{ service: "postgres", set: "consul-postgres" }] };

describe("sync config", () => {
  it("fills the defaults of the issue: passingOnly true, 30 minutes of grace, empty answers held, in-cluster credentials", () => {
    const c = parseSyncConfig(minimal, "sync.yaml");
    expect(c.mappings).toEqual([{ service: "postgres", set: "consul-postgres", passingOnly: true, graceSeconds: DEFAULT_GRACE_SECONDS, allowEmpty: false, labels: {}, path: "mappings[0]" }]);
    expect(DEFAULT_GRACE_SECONDS).toBe(1800);
    expect(c.kubernetes.kubeconfig).toBeUndefined();
    expect(c.consul.address).toBe("http://127.0.0.1:8500");
    expect(c.consul.waitSeconds).toBe(300);
  });

  it("takes --kubeconfig over the file's kubernetes.kubeconfig, and the consul datacenter as each mapping's default", () => {
    const c = parseSyncConfig({ ...minimal, consul: { address: "https://consul:8501/", datacenter: "dc2" }, kubernetes: { kubeconfig: "/a" }, mappings: [{ service: "db", set: "db", datacenter: "dc9" }, { service: "web", set: "web" }] }, "f", { kubeconfig: "/b" });
    expect(c.kubernetes.kubeconfig).toBe("/b");
    expect(c.consul.address).toBe("https://consul:8501");
    expect(c.mappings.map((m) => m.datacenter)).toEqual(["dc9", "dc2"]);
  });

  it("reports every problem at once, each with its path and a hint", () => {
    const ps = problemsOf({
      consul: { address: "consul:8500", token: "hunter2", waitSeconds: 900, tls: { certFile: "/c" } },
      kubernetes: { leaseDurationSeconds: 10, renewSeconds: 10 },
      sync: { debounceMilis: 5 },
      mappings: [{ service: "bad name", set: "Consul_DB", graceSeconds: -1, passingOnly: "yes", labels: { [OWNER_LABEL]: "x", "bad key!": "v", ok: "not valid value!" } }, "oops"],
      extra: 1,
    });
    const paths = ps.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "extra",
        "consul.address",
        "consul.token",
        "consul.waitSeconds",
        "consul.tls.keyFile",
        "kubernetes.renewSeconds",
        "sync.debounceMilis",
        "mappings[0].service",
        "mappings[0].set",
        "mappings[0].graceSeconds",
        "mappings[0].passingOnly",
        `mappings[0].labels.${OWNER_LABEL}`,
        "mappings[0].labels.bad key!",
        "mappings[0].labels.ok",
        "mappings[1]",
      ]),
    );
    expect(ps.find((p) => p.path === "sync.debounceMilis")?.hint).toBe('did you mean "debounceMillis"?');
    expect(ps.find((p) => p.path === "mappings[0].set")?.hint).toBe('did you mean "consul-db"?');
    for (const p of ps) expect(p.hint).not.toBe("");
  });

  it("never quotes an inline token in its problems", () => {
    try {
      parseSyncConfig({ ...minimal, consul: { address: "http://c:8500", token: "s3cr3t-token" } }, "sync.yaml");
      throw new Error("expected a UserError");
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).not.toContain("s3cr3t-token");
      expect((e as Error).message).toContain("consul.tokenFile");
    }
  });

  it("refuses ten mappings to one set, naming each mapping after the first", () => {
    const mappings = Array.from({ length: 10 }, (_, i) => ({ service: `svc${i}`, set: "shared" }));
    const ps = problemsOf({ ...minimal, mappings });
    expect(ps.map((p) => p.path)).toEqual(Array.from({ length: 9 }, (_, i) => `mappings[${i + 1}].set`));
    expect(ps[0]?.message).toContain("10 mappings write \"shared\"");
  });

  it("requires consul.address and a non-empty mappings list, and refuses an empty file", () => {
    expect(problemsOf({ mappings: [] }).map((p) => p.path)).toEqual(["consul.address", "mappings"]);
    expect(problemsOf(null).map((p) => p.path)).toEqual(["", "consul.address", "mappings"]);
  });

  it("refuses TLS settings with an http:// address and a URL with a path or credentials", () => {
    expect(problemsOf({ ...minimal, consul: { address: "http://c:8500", tls: { caFile: "/ca" } } }).map((p) => p.path)).toEqual(["consul.tls"]);
    expect(problemsOf({ ...minimal, consul: { address: "https://u:p@c:8501/v1" } }).map((p) => p.path)).toEqual(["consul.address"]);
  });
});
