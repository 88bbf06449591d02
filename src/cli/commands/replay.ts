/**
 * `calico-baseline replay --flows FILE [--stack dev] [--format text|md|json]`: every observed flow against the
 * stack's synthesised policies in the would-be view (staged policies count as enforced), through the analysis
 * engine. Lists denied flows with their explain trail grouped by namespace and app, rule hit counts and unused
 * rules, and the promotion verdict. The exit code is the verdict's: 0 safe to promote; 3 NOT safe to promote
 * (a flow allowed today would be denied, a staged Deny was recorded, a flow is undecidable, or no flow was
 * replayed: the CI gate); 1 a user error (bad flags, malformed flow lines, bad config).
 */
import { isAbsolute, join } from "node:path";
import { type Problem, UserError } from "../../model/problem.js";
import { evaluatorForManifests } from "../../analysis/flows/evaluator-adapter.js";
import { type FlowFormat, type ImportResult, importFlowFile } from "../../analysis/flows/import.js";
import { assessPromotion, tiersWithStagedPolicies } from "../../analysis/flows/promotion.js";
import { replayFlows } from "../../analysis/flows/replay.js";
import { REPORT_FORMATS, type ReportFormat, formatReplay } from "../../analysis/flows/replay-format.js";
import { parseCommandArgs } from "../args.js";
import { EXIT, exitHelp } from "../exit-codes.js";
import type { CliIo } from "../main.js";
import { loadStack } from "../stack-input.js";
import { stackInventories, stackObjects } from "./report.js";

export const summary = "replay observed flows (Whisker/Goldmane JSON lines or CSV) against the stack's proposed policies";

const USAGE = `usage: calico-baseline replay --flows FILE [--stack dev] [--format text|md|json] [--inventory FILE] [--flows-format json|csv]

  --flows FILE        Whisker/Goldmane JSON lines or CSV (docs/flows.md)
  --stack NAME        stack whose policies are synthesised (default: dev)
  --format F          text (default), md (PR comment) or json (stable, docs/flows.md)
  --inventory FILE    a declared inventory YAML or a 'kubectl get ... -A -o json' dump adding workloads, nodes,
                      namespace labels to the stack's own inventory (as for report)

${exitHelp("replay")}`;

/** Exit code when the promotion verdict is "NOT safe to promote". */
export const EXIT_BREAKING = EXIT.UNSAFE;

/** The problems of the `--flows` / `--flows-format` pair that replay and recommend share. */
export function flowsOptionProblems(flows: string | undefined, flowsFormat: string | undefined): Problem[] {
  const problems: Problem[] = [];
  if (flows === undefined) problems.push({ path: "--flows", message: "is required", hint: "give the exported flow file (JSON lines or CSV)" });
  if (flowsFormat !== undefined && flowsFormat !== "json" && flowsFormat !== "csv") {
    problems.push({ path: "--flows-format", value: flowsFormat, message: "unknown flow format", hint: "use json or csv" });
  }
  return problems;
}

/** Imports `--flows` (relative to the working directory), reporting problems under the name the user gave. */
export function importFlowsArg(cwd: string, flows: string, flowsFormat: string | undefined): Promise<ImportResult> {
  return importFlowFile(isAbsolute(flows) ? flows : join(cwd, flows), flowsFormat as FlowFormat | undefined, flows);
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const values = parseCommandArgs(
    args,
    {
      flows: { type: "string" },
      stack: { type: "string", default: "dev" },
      format: { type: "string", default: "text" },
      inventory: { type: "string" },
      "flows-format": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const problems = flowsOptionProblems(values.flows, values["flows-format"]);
  if (!REPORT_FORMATS.includes(values.format as ReportFormat)) problems.push({ path: "--format", value: values.format, message: "unknown format", hint: `use ${REPORT_FORMATS.join(", ")}` });
  if (problems.length > 0) throw new UserError(problems);

  const stack = values.stack;
  const loaded = loadStack(stack, io.cwd);
  const config = loaded.config;
  const manifests = stackObjects(loaded).map((o) => o.object as Record<string, unknown>);
  const inventory = stackInventories(loaded, io.cwd, values.inventory);
  const flowsArg = values.flows as string;
  const imported = await importFlowsArg(io.cwd, flowsArg, values["flows-format"]);

  const evaluator = evaluatorForManifests(manifests, { inventory, flows: imported.flows });
  const replay = replayFlows(imported.flows, evaluator, { view: "would-be" });
  const promotion = assessPromotion(imported.flows, replay, config.policies, stack, tiersWithStagedPolicies(manifests));
  io.out(formatReplay({ replay, promotion, flowsFile: flowsArg, stack }, values.format as ReportFormat));
  // The exit code follows the verdict printed above, never a count of its own: "NOT safe to promote" is 3.
  return promotion.safe ? EXIT.OK : EXIT_BREAKING;
}
