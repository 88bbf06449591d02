/** An inventory file that yields nothing is an error, never an empty inventory the lockout gate passes on (issue 11, defect 2). */
import { describe, expect, it } from "vitest";
import { declaredInventoryFromText, inventoryFromText } from "../../src/analysis/analyse.js";
import { UserError } from "../../src/model/problem.js";

function problemsOf(f: () => unknown): { path: string; message: string; file?: string; hint: string }[] {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e.problems.map((p) => ({ path: p.path, message: p.message, hint: p.hint, ...(p.file === undefined ? {} : { file: p.file }) }));
    throw e;
  }
  throw new Error("expected a UserError");
}

describe("inventoryFromText refuses input that yields nothing", () => {
  it("an empty file (or one of comments and empty documents) is an error naming the file", () => {
    for (const text of ["", "# nothing\n", "---\n---\n"]) {
      expect(problemsOf(() => inventoryFromText(text, "inv.yaml"))).toEqual([expect.objectContaining({ file: "inv.yaml", path: "", message: "the inventory file is empty" })]);
    }
  });

  it("a list of numbers ([1,2,3]) is one problem per element, by index", () => {
    expect(problemsOf(() => inventoryFromText("[1,2,3]", "inv.json")).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "[0]: not a Kubernetes object (no kind)",
      "[1]: not a Kubernetes object (no kind)",
      "[2]: not a Kubernetes object (no kind)",
    ]);
  });

  it("a declared inventory followed by a second YAML document is refused, naming both documents by the line they start on", () => {
    const text = "namespaces:\n  - name: shop\n---\nfoo: 1\n";
    expect(problemsOf(() => inventoryFromText(text, "inv.yaml")).map((p) => `${p.path}: ${p.message}`)).toEqual([
      "(document at line 1): a declared inventory must be the only document of its file",
      "(document at line 3): not a Kubernetes object (no kind)",
    ]);
  });

  it("a declared inventory that declares nothing ({} or namespaces: []) is an error", () => {
    for (const text of ["{}", "namespaces: []\nnodes: []\n"]) {
      expect(problemsOf(() => inventoryFromText(text, "inv.yaml"))[0]!.message).toBe("the inventory declares no namespace, node or external network");
    }
  });

  it("a dump of objects none of which is a namespace, workload or node is an error", () => {
    const text = JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }] });
    expect(problemsOf(() => inventoryFromText(text, "dump.json"))[0]!.message).toBe("the inventory dump holds no namespace, workload, node or synced GlobalNetworkSet");
  });

  it("a real declared inventory and a real dump still load", () => {
    expect(inventoryFromText("namespaces:\n  - name: shop\n    workloads: [{ name: web, labels: { app: web } }]\n", "inv.yaml").workloads.map((w) => w.name)).toEqual(["web"]);
    const dump = JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }] });
    expect(inventoryFromText(dump, "dump.json").namespaces.map((n) => n.name)).toEqual(["shop"]);
  });
});

describe("declaredInventoryFromText (recommend's policies/inventory.yaml)", () => {
  it("refuses an empty file and extra documents, accepts one declared document", () => {
    expect(problemsOf(() => declaredInventoryFromText("", "policies/inventory.yaml"))[0]!.message).toBe("the inventory file is empty");
    expect(problemsOf(() => declaredInventoryFromText("namespaces: [{ name: a }]\n---\nnodes: []\n", "policies/inventory.yaml"))).toEqual([
      expect.objectContaining({ path: "(document at line 2)", message: "a declared inventory must be the only document of its file" }),
    ]);
    expect(declaredInventoryFromText("namespaces: [{ name: a }]\n", "policies/inventory.yaml").namespaces.map((n) => n.name)).toEqual(["a"]);
  });
});
