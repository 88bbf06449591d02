/**
 * Reads `Pulumi.<stack>.yaml` from the project directory without the Pulumi CLI (offline: `npm start`,
 * the CLI). Secrets stay encrypted: they become `SecretValue {secret: true, value: undefined}`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { UserError } from "../model/problem.js";
import { isObj } from "./fields.js";
import { parseStackConfig } from "./parse.js";
import type { StackConfig } from "./types.js";

/** Stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function listStacks(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.([^.]+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function loadStackConfig(stack: string, opts?: { cwd?: string }): StackConfig {
  const dir = opts?.cwd ?? process.cwd();
  const file = [`Pulumi.${stack}.yaml`, `Pulumi.${stack}.yml`].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (file === undefined) {
    const stacks = existsSync(dir) ? listStacks(dir) : [];
    throw new UserError([
      {
        path: "",
        file: join(dir, `Pulumi.${stack}.yaml`),
        value: stack,
        message: `stack "${stack}" has no configuration file`,
        hint: stacks.length > 0 ? `existing stacks: ${stacks.join(", ")}` : `no Pulumi.<stack>.yaml in ${dir}; run from the project directory`,
      },
    ]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (e) {
    throw new UserError([{ path: "", file, message: `is not valid YAML: ${(e as Error).message}`, hint: "fix the YAML syntax" }]);
  }
  const config = isObj(doc) ? doc["config"] : undefined;
  if (doc !== null && doc !== undefined && (!isObj(doc) || (config !== undefined && config !== null && !isObj(config)))) {
    throw new UserError([{ path: "config", file, message: "must be a map of config keys", hint: "put settings under a top-level config: key" }]);
  }
  try {
    return parseStackConfig(isObj(config) ? config : {}, stack, { secretsRequired: false });
  } catch (e) {
    if (e instanceof UserError) {
      throw new UserError(e.problems.map((p) => ({ ...p, file })), e.message.split("\n")[0]);
    }
    throw e;
  }
}
