/**
 * `calico-baseline inventory --from-stack <stack> [--outputs FILE|-] [--dry-run]`: refreshes the stack's own
 * inventory from what `pulumi up` learnt. multipass assigns the VMs their addresses at launch, so after an up
 * the stack outputs `nodes` and `registry` hold the real ones; this writes them into the inventory file the
 * stack is analysed over (its node addresses and the `registry` external), leaving the rest of the file as it
 * is. The outputs come from `--outputs FILE`, from standard input with `--outputs -`, or, without `--outputs`,
 * from running `pulumi stack output --json --stack <stack>` (the Pulumi CLI must be on PATH). Both
 * `pulumi stack output --json` and `pulumi stack export` documents are read.
 *
 * Exit codes: 0 refreshed (or nothing to change), 1 a user error (nothing written).
 */
import { spawnSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { randomBytes } from "node:crypto";
import { loadStackConfig } from "../../config/load.js";
import { deploymentFacts } from "../../facts/index.js";
import { UserError } from "../../model/problem.js";
import { parseCommandArgs } from "../args.js";
import { parseStackOutputs, refreshInventory } from "../inventory-refresh.js";
import type { CliIo } from "../main.js";
import { readStackInventory } from "../stack-input.js";

export const summary = "refresh a stack's inventory (node and registry addresses) from its Pulumi stack outputs";

const USAGE = `usage: calico-baseline inventory --from-stack STACK [--outputs FILE|-] [--dry-run]

  --from-stack STACK  the stack whose inventory (calico-baseline:policies.inventory, else
                      policies/inventory.<stack>.yaml) gets the addresses its last pulumi up reported
  --outputs FILE      'pulumi stack output --json' (or 'pulumi stack export') saved to FILE; '-' reads it
                      from standard input; without it, runs 'pulumi stack output --json --stack STACK'
  --dry-run           print what would change, write nothing

  e.g.  pulumi stack output --json --stack dev | calico-baseline inventory --from-stack dev --outputs -

exit: 0 refreshed or already current, 1 user error (nothing written)`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === "string" ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

function runPulumi(stack: string, cwd: string): string {
  const r = spawnSync("pulumi", ["stack", "output", "--json", "--stack", stack], { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.error !== undefined) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    throw new UserError([
      {
        path: "--outputs",
        message: missing ? "no --outputs given and the Pulumi CLI is not on PATH" : `pulumi stack output failed: ${r.error.message}`,
        hint: `pass the outputs yourself: pulumi stack output --json --stack ${stack} > outputs.json, then --outputs outputs.json (or pipe them with --outputs -)`,
      },
    ]);
  }
  if (r.status !== 0) {
    throw new UserError([{ path: "--outputs", value: (r.stderr || r.stdout).trim().split("\n").slice(0, 3).join(" "), message: `pulumi stack output --stack ${stack} exited with ${String(r.status)}`, hint: "select a deployed stack and log in to its backend (pulumi login), or pass --outputs" }]);
  }
  return r.stdout;
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const v = parseCommandArgs(args, { "from-stack": { type: "string" }, outputs: { type: "string" }, "dry-run": { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } }, USAGE);
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const stack = v["from-stack"];
  if (stack === undefined || stack === "") throw new UserError([{ path: "--from-stack", message: "--from-stack is required", hint: USAGE }]);
  const config = loadStackConfig(stack, { cwd: io.cwd });
  const facts = deploymentFacts(config);
  const { file } = readStackInventory(config, io.cwd);
  if (facts.nodes.known && facts.nodes.addresses === "config") {
    io.out(`stack ${stack}: its nodes and their addresses come from its cluster config (${facts.nodes.nodes.map((n) => n.host ?? n.name).join(", ")}); nothing to refresh in ${file}`);
    return 0;
  }
  const source = v.outputs === undefined ? `pulumi stack output --json --stack ${stack}` : v.outputs === "-" ? "standard input" : v.outputs;
  let text: string;
  if (v.outputs === undefined) text = runPulumi(stack, io.cwd);
  else if (v.outputs === "-") text = await (io.readStdin ?? readStdin)();
  else {
    const abs = isAbsolute(v.outputs) ? v.outputs : join(io.cwd, v.outputs);
    try {
      text = readFileSync(abs, "utf8");
    } catch (e) {
      throw new UserError([{ path: "--outputs", value: v.outputs, message: `cannot be read: ${(e as Error).message}`, hint: "give the file pulumi stack output --json was saved to, or - for standard input" }]);
    }
  }
  const outputs = parseStackOutputs(text, source);
  const abs = isAbsolute(file) ? file : join(io.cwd, file);
  const before = readFileSync(abs, "utf8");
  const result = refreshInventory(before, file, facts, outputs, source);
  if (result.changes.length === 0) {
    io.out(`${file} already has the addresses stack ${stack} reports`);
    return 0;
  }
  for (const c of result.changes) io.out(`  ${c}`);
  if (v["dry-run"]) {
    io.out(`(dry run: ${file} not written)`);
    return 0;
  }
  // Written next to the file and renamed over it: a failed write leaves the old inventory whole.
  const tmp = join(dirname(abs), `.inventory.tmp-${randomBytes(6).toString("hex")}`);
  writeFileSync(tmp, result.text);
  renameSync(tmp, abs);
  io.out(`refreshed ${file} from ${source} (${result.changes.length} change${result.changes.length === 1 ? "" : "s"})`);
  return 0;
}
