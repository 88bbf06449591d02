/**
 * `calico-baseline synth --stack <name> [--out dist]`: renders the stack's baseline to `<out>/<stack>/`
 * (one YAML file per tier chart in apply order, plus monitoring.yaml). On any invalid object it prints every
 * problem and writes nothing. `npm start` runs it for the dev stack.
 */
import { resolve } from "node:path";
import { loadStackConfig } from "../../config/index.js";
import { UserError } from "../../model/problem.js";
import { MONITORING_FILE, synthMonitoring } from "../../rendering/monitoring.js";
import { synthBaseline, writeStack, type ObjectFile, type TextFile } from "../../rendering/synth.js";
import type { CliIo } from "../main.js";

export const summary = "render a stack's baseline to <out>/<stack>/ as YAML, one file per tier in apply order";

const USAGE = "usage: calico-baseline synth --stack <name> [--out <dir>]  (default --out dist)";

interface SynthArgs {
  readonly stack: string;
  readonly out: string;
}

function parseArgs(args: readonly string[]): SynthArgs {
  let stack: string | undefined;
  let out = "dist";
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") {
        throw new UserError([{ path: flag, message: `${flag} needs a value`, hint: USAGE }]);
      }
      return v;
    };
    if (flag === "--stack") stack = value();
    else if (flag === "--out") out = value();
    else throw new UserError([{ path: a, value: a, message: "unknown argument", hint: USAGE }]);
  }
  if (stack === undefined) throw new UserError([{ path: "--stack", message: "--stack is required", hint: USAGE }]);
  return { stack, out };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(USAGE);
    return 0;
  }
  const { stack, out } = parseArgs(args);
  const config = loadStackConfig(stack, { cwd: io.cwd });
  const charts = synthBaseline(config.policies);
  const files: ObjectFile[] = [...charts];
  if (config.monitoring.enabled) files.push({ file: MONITORING_FILE, objects: synthMonitoring() });
  // Files derived from the charts (reports, invariant results) go here, so they are written atomically
  // with the YAML.
  const extras: TextFile[] = [];
  const dir = resolve(io.cwd, out, stack);
  writeStack(dir, files, extras);
  const count = files.reduce((n, f) => n + f.objects.length, 0);
  io.out(`wrote ${count} objects in ${files.length} files to ${dir}`);
  for (const f of files) io.out(`  ${f.file} (${f.objects.length})`);
  return 0;
}
