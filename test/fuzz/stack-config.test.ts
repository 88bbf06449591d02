// Fuzz target: the stack config parser (parseStackConfig on raw values, as both loaders feed it) and the
// offline loader (loadStackConfig on stack-file text). Property: a StackConfig or a UserError whose every
// problem names a config path, never another exception, never a secret's plain text in the message; at most
// CPU_MS_PER_CASE CPU ms per case for stack files up to ~100 KB (test/fuzz/support.ts). FUZZ_RUNS=20000 for more.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES_DIR } from "../../policies/catalog.js";
import { DecryptedSecret } from "../../src/config/fields.js";
import { loadStackConfig, parseStackConfig, type RawStackConfig } from "../../src/config/index.js";
import { UserError } from "../../src/model/problem.js";
import { expectResultOrUserError, params, timeout } from "./support.js";
import { aliasBomb, cyclicAlias, deepNesting, yamlSoup } from "./yaml-arbitraries.js";

const ROOT = join(POLICIES_DIR, "..");
const MARK = "hunter2-do-not-print";
const temps: string[] = [];
afterAll(() => {
  for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The repository's stack configs, as raw config maps: the seeds that mutations start from. */
const SEEDS: RawStackConfig[] = ["Pulumi.dev.yaml", "Pulumi.prod.yaml"].map((f) => (parse(readFileSync(join(ROOT, f), "utf8")) as { config: RawStackConfig }).config);

/** Values that tend to break parsers and the target systems. */
const INTERESTING: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "", "-", ".", "..", "--bridged", "-oProxyCommand=x", "0.0.0.0/0", "::/0", "10.42.0.0/16", "10.42.0.1/16", "fd00::/56", "10.43.0.0/24", "300.1.1.1",
    "a".repeat(300), "x/../../etc", "0x50", "1e3", "NaN", "null", "true", "4G", "0", "-1", 65536, 0, -1, 1.5, 2 ** 53 + 1, Number.MAX_VALUE, true, false, null,
    [], {}, [[]], [{}], ["10.0.0.0/8", "10.0.0.0/8"],
    { secure: "v1:abc" }, { secure: "" }, { secure: "", value: MARK }, { secure: "v1:x", value: MARK }, { secure: 5 }, { value: "plain" },
    { cidr: "10.42.0.0/16" }, [{ cidr: "10.42.0.0/17" }, { cidr: "10.42.0.0/18" }], "\u0000", "é", "\ud800",
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path (key list) in a value, for mutations. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (typeof v === "object" && v !== null) for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

type Mutation = { kind: "set" | "delete" | "add"; pick: number; key: string; value: unknown };

function mutate(seed: RawStackConfig, mutations: readonly Mutation[]): RawStackConfig {
  const root = structuredClone(seed) as Record<string, unknown>;
  for (const m of mutations) {
    const all = paths(root).filter((p) => p.length > 0);
    const path = all[m.pick % all.length] as (string | number)[];
    let parent: Record<string | number, unknown> = root;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (m.kind === "delete") {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else if (m.kind === "add" && typeof parent[last] === "object" && parent[last] !== null && !Array.isArray(parent[last])) {
      (parent[last] as Record<string, unknown>)[m.key] = m.value;
    } else {
      parent[last] = m.value;
    }
  }
  return root;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("set", "set", "delete", "add"),
  pick: fc.nat(),
  key: fc.constantFrom("type", "podCidr", "serviceCidr", "ipPools", "bridgeCidr", "cidrs", "host", "password", "privateKey", "image", "namePrefix", "mode", "tiers", "bogus"),
  value: INTERESTING,
}) as fc.Arbitrary<Mutation>;

function checkParse(raw: RawStackConfig, opts: { secretsRequired: boolean }): void {
  const r = expectResultOrUserError(JSON.stringify(raw)?.length ?? 0, () => parseStackConfig(raw, "fuzz", opts), () => JSON.stringify(raw).slice(0, 500));
  if (r instanceof UserError) {
    expect(r.message).not.toContain(MARK);
    for (const p of r.problems) expect(p.path, r.message).toMatch(/^calico-baseline:[a-z]+/);
  }
}

describe("fuzz: parseStackConfig", { timeout: timeout(600, 2000) }, () => {
  it("mutations of the repository's stack configs: a config or a UserError with config paths, no secret echoed", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (seed, ms, secretsRequired) => {
        checkParse(mutate(seed, ms), { secretsRequired });
      }),
      params(500),
    );
  });
  it("arbitrary values under the config keys", () => {
    const key = fc.constantFrom("calico-baseline:cluster", "calico-baseline:registry", "calico-baseline:calico", "calico-baseline:monitoring", "calico-baseline:policies", "calico-baseline:bogus", "kubernetes:context");
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(INTERESTING, fc.anything({ maxDepth: 3 }))), fc.boolean(), (raw, secretsRequired) => {
        checkParse(raw, { secretsRequired });
      }),
      params(300),
    );
  });
  it("the engine's decrypted secrets anywhere: never echoed", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SEEDS), fc.array(mutation.map((m) => ({ ...m, value: new DecryptedSecret(MARK) })), { minLength: 1, maxLength: 3 }), (seed, ms) => {
        checkParse(mutate(seed, ms), { secretsRequired: true });
      }),
      params(100),
    );
  });
});

describe("fuzz: loadStackConfig", { timeout: timeout(600, 2000) }, () => {
  it("any stack-file text: a config or a UserError naming the file, never a trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "cb-fuzz-stack-"));
    temps.push(dir);
    const dev = readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8");
    const text = fc.oneof(
      yamlSoup,
      aliasBomb,
      cyclicAlias,
      deepNesting,
      // The real file with a random slice replaced by soup.
      fc.tuple(fc.nat({ max: dev.length }), fc.nat({ max: 40 }), yamlSoup).map(([at, cut, soup]) => dev.slice(0, at) + soup + dev.slice(at + cut)),
    );
    fc.assert(
      fc.property(text, (t) => {
        writeFileSync(join(dir, "Pulumi.fuzz.yaml"), t);
        const r = expectResultOrUserError(t.length, () => loadStackConfig("fuzz", { cwd: dir }), () => JSON.stringify(t.slice(0, 300)));
        if (r instanceof UserError) for (const p of r.problems) expect(p.file ?? "", r.message).toContain("Pulumi.fuzz.yaml");
      }),
      params(300),
    );
  });
});
