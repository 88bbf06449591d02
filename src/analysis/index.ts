/**
 * The analysis engine's public API (docs/analysis.md): read manifests and an inventory, evaluate flows
 * with Calico's tier semantics, compute connectivity, diff two policy sets, check lockout invariants,
 * render reports. Pure: no cdk8s, no Pulumi.
 */
export { type AdminKind, ADMIN_KINDS, adminKindEnforced, adminTierOf } from "./admin-policies.js";
export { type AdminLint, type AdminLintId, lintAdminPolicies } from "./admin-lint.js";
export { notEnforcedFlows } from "./not-enforced.js";
export { type AnalysisInput, analyse, loadInventory, loadManifests, parseManifestText } from "./analyse.js";
export { ConnSet } from "./connset.js";
export { type Connectivity, type PeerInfo, computeConnectivity } from "./connectivity.js";
export { type DiffResult, type FlowChange, type GroupChange, diffModels } from "./diff.js";
export { type Decision, type DirectionResult, type FlowQuery, type FlowResult, type Step, evaluateFlow, explain, resolvePeers } from "./evaluate.js";
export { type ExpectFlowOptions, FlowExpectation, FlowExpectationError, expectFlow } from "./expect-flow.js";
export { type EndpointQuery, type Invariant, type InvariantResult, type InvariantStatus, checkInvariants, defaultInvariants } from "./invariants.js";
export {
  EMPTY_INVENTORY,
  type Inventory,
  type InventoryExternal,
  type InventoryNamespace,
  type InventoryNode,
  type InventoryWorkload,
  inventoryFromObjects,
  mergeInventories,
  parseInventory,
} from "./inventory.js";
export { type Endpoint, type Model, buildModel } from "./model.js";
export { type PolicyModel, type ReadOptions, type SourcedObject, readPolicies, sourced, stagedView } from "./policies.js";
export { type Report, buildReport } from "./report.js";
export { type RenderReportsInput, type RenderReportsOutput, renderReports } from "./render-reports.js";
export { formatDiffText, formatExplain, formatInvariantFailure, formatReportText } from "./formatters/text.js";
export { mermaidGraph, renderMarkdownDiff, renderMarkdownReport } from "./formatters/md.js";
export { diffJson, explainJson, reportJson } from "./formatters/json.js";
export { renderSvgMatrix } from "./formatters/svg.js";
