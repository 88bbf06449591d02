/**
 * Pulumi.yaml as the Pulumi CLI reads it: the nodejs language host options that run this ESM TypeScript
 * program through tsx, and a `config:` block the project-file schema accepts (pulumi/pulumi
 * sdk/go/common/workspace/project.json: a declaration has only type/items/description/secret/default/value,
 * type is string|integer|boolean|array, and a key with neither default nor value is required in every stack).
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, CONFIG_NAMESPACE, parseStackConfig } from "../../src/config/index.js";
import { UserError } from "../../src/model/problem.js";

const ROOT = process.cwd();
const project = parseYaml(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as {
  name: string;
  runtime: { name: string; options: Record<string, unknown> };
  main: string;
  config: Record<string, Record<string, unknown>>;
};
const DECLARATION_ATTRIBUTES = ["type", "items", "description", "secret", "default", "value"];

/** What the engine hands the program: the stack's values, and each declared key's default where unset. */
function engineView(stackValues: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...stackValues };
  for (const [key, decl] of Object.entries(project.config)) {
    const full = `${project.name}:${key}`;
    if (merged[full] === undefined && decl["default"] !== undefined) merged[full] = decl["default"];
  }
  return merged;
}

describe("Pulumi.yaml", () => {
  it("runs the ESM entry point through tsx, not the CommonJS-only built-in ts-node", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { type?: string };
    expect(pkg.type).toBe("module");
    expect(project.runtime.name).toBe("nodejs");
    expect(project.runtime.options).toEqual({ typescript: false, nodeargs: "--import=tsx", packagemanager: "npm" });
    // `main` names the file the language host imports (an explicit entry point skips package.json lookup).
    expect(existsSync(join(ROOT, project.main))).toBe(true);
    expect(project.main).toBe("src/deployment/index.ts");
    // `--import=tsx` resolves from the project's node_modules.
    expect(() => createRequire(join(ROOT, "package.json")).resolve("tsx")).not.toThrow();
  });

  it("declares exactly the program's config keys in the project namespace, each with a schema-valid declaration", () => {
    expect(project.name).toBe(CONFIG_NAMESPACE);
    expect(Object.keys(project.config).sort()).toEqual([...CONFIG_KEYS].sort());
    for (const [key, decl] of Object.entries(project.config)) {
      for (const attr of Object.keys(decl)) expect(DECLARATION_ATTRIBUTES, `${key}.${attr}`).toContain(attr);
      // Values are objects, which the schema cannot type; a type here would make the engine reject them.
      expect(decl["type"], key).toBeUndefined();
      expect(typeof decl["description"], key).toBe("string");
      // Without a default the engine stops any stack that leaves the key out, before the program can
      // report it with a hint.
      expect(decl["default"], key).toEqual({});
    }
  });

  it("the defaults leave validation to the program: a stack without optional keys parses, a missing cluster is explained", () => {
    const minimal = engineView({
      [`${CONFIG_NAMESPACE}:cluster`]: { type: "multipass" },
      [`${CONFIG_NAMESPACE}:registry`]: { bridgeCidr: "10.91.52.0/24" },
    });
    const config = parseStackConfig(minimal, "dev");
    expect(config.monitoring.enabled).toBe(true);
    expect(config.policies.mode).toBe("enforce");

    try {
      parseStackConfig(engineView({}), "empty");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).problems).toEqual([
        expect.objectContaining({ path: `${CONFIG_NAMESPACE}:cluster.type`, message: "is required" }),
        expect.objectContaining({ path: `${CONFIG_NAMESPACE}:registry.bridgeCidr` }),
      ]);
    }
  });
});
