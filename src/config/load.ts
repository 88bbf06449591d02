/**
 * Reads `Pulumi.<stack>.yaml` from the project directory without the Pulumi CLI (offline: `npm start`,
 * the CLI). Secrets stay encrypted: they become `SecretValue {secret: true, value: undefined}`.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { readInputFile } from "../io/files.js";
import { parseYamlDocuments } from "../io/yaml.js";
import { UserError } from "../model/problem.js";
import { isObj } from "./fields.js";
import { checkLocalInputs, localInputsError } from "./local-inputs.js";
import { parseStackConfig } from "./parse.js";
import { checkStackName } from "./stack-name.js";
import type { StackConfig } from "./types.js";

/** Stacks that have a `Pulumi.<stack>.yaml` in `dir`, sorted. */
export function listStacks(dir: string): string[] {
  return readdirSync(dir)
    .map((f) => /^Pulumi\.([^.]+)\.ya?ml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

export function loadStackConfig(stack: string, opts?: { cwd?: string }): StackConfig {
  // The name becomes a path: check it before it is used in one.
  checkStackName(stack);
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
  // Read under the input limits (size, aliases, nesting): a stack file is one small YAML document.
  const docs = parseYamlDocuments(readInputFile(file, file, { what: "stack configuration file" }), file);
  if (docs.length > 1) {
    throw new UserError([{ path: "", file: `${file}:${docs[1]?.line ?? 1}`, message: "holds more than one YAML document", hint: "a stack file is one YAML map with a config: key; remove the extra --- document" }]);
  }
  const doc = docs[0]?.value;
  const config = isObj(doc) ? doc["config"] : undefined;
  if (doc !== null && doc !== undefined && (!isObj(doc) || (config !== undefined && config !== null && !isObj(config)))) {
    throw new UserError([{ path: "config", file, message: "must be a map of config keys", hint: "put settings under a top-level config: key" }]);
  }
  try {
    const parsed = parseStackConfig(isObj(config) ? config : {}, stack, { secretsRequired: false });
    const local = checkLocalInputs(parsed, dir);
    if (local.length > 0) throw localInputsError(stack, local);
    return parsed;
  } catch (e) {
    if (e instanceof UserError) {
      throw new UserError(e.problems.map((p) => ({ ...p, file })), e.message.split("\n")[0]);
    }
    throw e;
  }
}
