/**
 * `calico-baseline recommend --flows FILE --namespace NS [--per-workload] [--out DIR]`: writes staged policies
 * as code (a TypeScript module built from components/ plus its cases file) that allow exactly the observed
 * flows of one namespace, up to the port-merge rules of docs/flows.md. Then replays the same flows against
 * the recommendation and fails if any of them would be denied (the recommender checking itself).
 * Exit codes: 0 written; 4 written, but the cases name endpoints the policies directory's inventory.yaml does
 * not declare (the entries to add are printed; `npm test` rejects the cases until they are added);
 * 3 the self-check failed (nothing written); 1 user error.
 */
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative } from "node:path";
import { UserError } from "../../model/problem.js";
import { isDns1123Label } from "../../model/validate/context.js";
import { checkPlanAgainstStack, describeSkipped, planRecommendation } from "../../analysis/flows/recommend.js";
import { formatFlow } from "../../analysis/flows/model.js";
import { trailText } from "../../analysis/flows/replay-format.js";
import { parseCommandArgs } from "../args.js";
import { flowsOptionProblems, importFlowsArg } from "./replay.js";
import { loadStack } from "../stack-input.js";
import { stackInventories, stackObjects } from "./report.js";
import { renderRecommendation } from "../../analysis/flows/recommend-render.js";
import { planToManifests } from "../../analysis/flows/recommend-manifests.js";
import { replayFlows } from "../../analysis/flows/replay.js";
import { evaluatorForManifests } from "../../analysis/flows/evaluator-adapter.js";
import { formatInventoryGaps, inventoryGaps } from "../../analysis/flows/inventory-gaps.js";
import { EMPTY_INVENTORY, type Inventory } from "../../analysis/inventory.js";
import { declaredInventoryFromText } from "../../analysis/analyse.js";
import { changesEnforced, enforcedChanges } from "../../analysis/flows/recommend-check.js";
import { resolveStackNetworkSets } from "../../analysis/flows/stack-sets.js";
import { readPolicies } from "../../analysis/policies.js";
import { readInputFile } from "../../io/files.js";
import { ensureDir, writeFileAtomic } from "../../io/write.js";
import type { CliIo } from "../main.js";
import { EXIT, exitHelp } from "../exit-codes.js";

export const summary = "write staged policies (TypeScript + cases) that allow exactly the observed flows of a namespace";

const USAGE = `usage: calico-baseline recommend --flows FILE --namespace NS [--per-workload] [--out DIR] [--stack dev] [--inventory FILE] [--flows-format json|csv] [--force] [--dry-run]

  --flows FILE        Whisker/Goldmane JSON lines or CSV (docs/flows.md)
  --namespace NS      the namespace to recommend policies for
  --per-workload      application-tier boundary + one appsec-tier policy per deployment (default: one namespace policy)
  --out DIR           policies directory: writes DIR/<tier>/recommended-<NS>.ts and .cases.yaml (default: policies)
  --stack NAME        stack whose baseline the cases are checked against (default: dev)
  --inventory FILE    a declared inventory YAML or a kubectl dump adding workloads, nodes, namespace labels
  --force             overwrite existing files
  --dry-run           print the files instead of writing them

${exitHelp("recommend")}`;

/** Exit code when the files were written but the cases name endpoints the declared inventory lacks. */
export const EXIT_INVENTORY_GAPS = EXIT.INVENTORY_GAPS;
/** Exit code when the recommendation does not allow the flows it was made from (nothing written). */
export const EXIT_SELF_CHECK = EXIT.UNSAFE;

/**
 * The inventory `npm test` resolves the cases in: `inventory.yaml` of the policies directory the cases go to
 * (test/policies/catalog.test.ts reads it there). Missing: nothing is declared.
 */
function declaredInventory(outDir: string, cwd: string): { inventory: Inventory; file: string } {
  const path = join(outDir, "inventory.yaml");
  const file = relative(cwd, path) || path;
  if (!existsSync(path)) return { inventory: EMPTY_INVENTORY, file };
  return { inventory: declaredInventoryFromText(readInputFile(path, file, { what: "inventory file" }), file), file };
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const values = parseCommandArgs(
    args,
    {
      flows: { type: "string" },
      namespace: { type: "string" },
      "per-workload": { type: "boolean", default: false },
      out: { type: "string", default: "policies" },
      stack: { type: "string", default: "dev" },
      inventory: { type: "string" },
      "flows-format": { type: "string" },
      force: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    USAGE,
  );
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const problems = flowsOptionProblems(values.flows, values["flows-format"]);
  if (values.namespace === undefined || !isDns1123Label(values.namespace)) {
    problems.push({ path: "--namespace", value: values.namespace ?? null, message: "must name a namespace", hint: "e.g. --namespace shop" });
  }
  if (problems.length > 0) throw new UserError(problems);
  const namespace = values.namespace as string;

  const imported = await importFlowsArg(io.cwd, values.flows as string, values["flows-format"]);
  const stack = loadStack(values.stack, io.cwd);
  const inventory = stackInventories(stack, io.cwd, values.inventory);
  const stackModel = readPolicies(stackObjects(stack));
  // Ends that are the stack's network sets become rules on those sets (src/analysis/flows/stack-sets.ts).
  const flows = resolveStackNetworkSets(imported.flows, stackModel, inventory);
  const plan = planRecommendation(flows, namespace, { perWorkload: values["per-workload"] });
  if (plan.planned.length === 0 && plan.skipped.length === 0) {
    throw new UserError([
      { path: "--namespace", value: namespace, message: `no flow in ${values.flows as string} starts or ends at a workload of this namespace`, hint: "check the namespace name, or export flows that cover it" },
    ]);
  }
  const outDir = isAbsolute(values.out) ? values.out : join(io.cwd, values.out);

  // Self-check: the recommendation alone (with the stack's network sets its rules select), evaluated as if
  // promoted, must allow every flow it was made from.
  const promoted = planToManifests(plan, "enforce");
  const sets = stackObjects(stack)
    .map((o) => o.object as Record<string, unknown>)
    .filter((o) => o["kind"] === "NetworkSet" || o["kind"] === "GlobalNetworkSet");
  const ownEvaluator = evaluatorForManifests([...sets, ...promoted], { flows: plan.planned });
  const own = replayFlows(plan.planned, ownEvaluator, { view: "enforced" });
  if (own.totals.denied > 0 || own.totals.undecidable > 0) {
    io.err(`self-check FAILED: replaying the flows against the recommendation denies ${own.totals.denied} and cannot decide ${own.totals.undecidable}; nothing was written:`);
    for (const f of plan.planned) {
      const v = ownEvaluator.evaluate(f, "enforced");
      if (v.undecidable !== undefined) io.err(`  ${formatFlow(f)} (line ${f.firstLine}): cannot decide: ${v.undecidable}`);
      else if (!v.allowed) io.err(`  ${formatFlow(f)} (line ${f.firstLine}): denied: ${!v.egress.allowed ? `egress: ${trailText(v.egress)}` : `ingress: ${trailText(v.ingress)}`}`);
    }
    return EXIT_SELF_CHECK;
  }
  // Stack check: the baseline (minus an earlier version of this recommendation) plus the recommendation.
  // By namespace/name only: an earlier version may be staged or enforced (mode changes the kind, not the name).
  const ours = new Set(promoted.map((m) => `${m.metadata.namespace ?? ""}/${m.metadata.name}`));
  const baseline = stackObjects(stack)
    .map((o) => o.object as Record<string, unknown>)
    .filter((o) => {
      const meta = (o["metadata"] ?? {}) as { name?: string; namespace?: string };
      return !ours.has(`${meta.namespace ?? ""}/${meta.name ?? ""}`);
    });
  const probes = plan.cases.map((c) => c.flow);
  const stackEvaluator = evaluatorForManifests([...baseline, ...promoted], { inventory, flows: [...plan.planned, ...probes] });
  const checked = checkPlanAgainstStack(plan, stackEvaluator);
  // The recommendation, staged as it is written, must change no enforced verdict (src/analysis/flows/recommend-check.ts).
  const enforced = enforcedChanges({
    baseline: baseline.map((object) => ({ object, file: "baseline" })),
    recommended: planToManifests(plan, "stage").map((object) => ({ object, file: "recommendation" })),
    inventory,
    flows: [...plan.planned, ...probes],
    calicoMinor: stack.config.policies.calicoMinor,
  });
  if (changesEnforced(enforced)) {
    io.err(`self-check FAILED: the staged recommendation changes what stack ${values.stack} enforces today; nothing was written:`);
    for (const c of enforced.pairs.changes) io.err(`  ${c.src} => ${c.dst}: ${c.added.isEmpty() ? "" : `newly allowed ${c.added.toString()} `}${c.removed.isEmpty() ? "" : `newly denied ${c.removed.toString()}`}`.trimEnd());
    if (enforced.pairs.omitted > 0) io.err(`  ... and ${enforced.pairs.omitted} more endpoint pair(s)`);
    for (const f of enforced.flows) io.err(`  ${formatFlow(f.flow)}: ${f.before ? "allowed" : "denied"} today, ${f.after ? "allowed" : "denied"} with the recommendation`);
    return EXIT_SELF_CHECK;
  }
  // Cases keep endpoints the inventory lacks (they are the only test of those flows); the user is told the
  // exact entries to add, and the exit code says the cases do not pass `npm test` yet.
  const declared = declaredInventory(outDir, io.cwd);
  const gaps = inventoryGaps(checked.plan.cases, declared.inventory, inventory);
  const rendered = renderRecommendation(checked.plan, { policiesDir: outDir, root: io.cwd, flowsFile: values.flows as string });

  if (values["dry-run"]) {
    for (const f of rendered.files) io.out(`${f.path.endsWith(".ts") ? "//" : "#"} ${f.path}\n${f.content}`);
  } else {
    const targets = rendered.files.map((f) => ({ file: join(outDir, f.path), content: f.content }));
    const existing = targets.filter((t) => existsSync(t.file));
    if (existing.length > 0 && !values.force) {
      throw new UserError(existing.map((t) => ({ path: "--out", value: relative(io.cwd, t.file), message: "file exists", hint: "pass --force to overwrite, or --out another policies directory" })));
    }
    for (const t of targets) {
      const shown = relative(io.cwd, t.file) || t.file;
      ensureDir(dirname(t.file), dirname(shown), "--out");
      writeFileAtomic(t.file, t.content, shown, { field: "--out", overwrite: true });
      io.out(`wrote ${shown}`);
    }
  }
  if (!rendered.files.some((f) => f.path.endsWith(".cases.yaml"))) io.out("note: no flow has a cases-file reference (<ns>/<workload>, host:, net:), so no cases file was written");
  io.out(
    `${plan.policies.length} polic${plan.policies.length === 1 ? "y" : "ies"}, ${checked.plan.cases.length} case(s); ` +
      `${plan.planned.length} flow(s) allowed, ${plan.skipped.length} not allowed`,
  );
  for (const n of plan.notes) io.out(`note: ${n}`);
  for (const s of plan.skipped) io.out(`not allowed: ${describeSkipped(s)}`);
  io.out(`self-check: replaying the ${plan.planned.length} allowed flow(s) against the recommendation gives zero denials; staged, it changes no enforced verdict of stack ${values.stack}`);
  if (checked.droppedProbes.length > 0) {
    io.out(`${checked.droppedProbes.length} deny case(s) dropped: stack ${values.stack} allows those ports before the recommendation is consulted`);
  }
  if (checked.deniedByStack.length > 0) {
    io.err(`warning: stack ${values.stack} denies ${checked.deniedByStack.length} observed flow(s) whatever this recommendation says (left out of the cases):`);
    for (const d of checked.deniedByStack) {
      const side = !d.verdict.egress.allowed ? `egress: ${trailText(d.verdict.egress)}` : `ingress: ${trailText(d.verdict.ingress)}`;
      io.err(`  ${formatFlow(d.flow)}\n    ${side}`);
    }
  }
  if (gaps.length > 0) {
    io.err(`${values["dry-run"] ? "" : "files written, but "}${formatInventoryGaps(gaps, declared.file)}`);
    return EXIT_INVENTORY_GAPS;
  }
  return 0;
}
