/**
 * Observed flows: import (Whisker/Goldmane JSON lines, CSV), replay against proposed policies, recommendation
 * of staged policies as code, and the promotion gate. See docs/flows.md.
 */
export type {
  DirectionVerdict,
  FlowAction,
  FlowEndpoint,
  FlowEndpointKind,
  FlowEvaluator,
  FlowPolicyHit,
  FlowProtocol,
  FlowQuery,
  FlowVerdict,
  ObservedFlow,
  PolicyView,
  RuleRef,
  TrailStep,
} from "./model.js";
export { endpointKey, flowKey, formatEndpoint, formatFlow, labelsKey } from "./model.js";
export { type FlowFormat, type ImportResult, detectFormat, importFlowFile, importFlowText, traceVerdict } from "./import.js";
export { identityLabels } from "./labels.js";
export { type PortMergeOptions, type PortRange, formatPortRange, mergePorts, portInRanges, unionRanges } from "./ports.js";
export { type AdapterOptions, evaluatorForManifests } from "./evaluator-adapter.js";
export { type DeniedFlow, type DeniedGroup, type ReplayOptions, type ReplayResult, type RuleHits, replayFlows, ruleId } from "./replay.js";
export { REPLAY_JSON_VERSION, REPORT_FORMATS, type ReportFormat, formatReplay } from "./replay-format.js";
export { POLICIES_CONFIG_KEY, type PromotionAssessment, type StagedScope, assessPromotion, stagedScopes, tiersWithStagedPolicies } from "./promotion.js";
export { type RecommendOptions, type RecommendationPlan, planRecommendation } from "./recommend.js";
export { type Manifest, planToManifests } from "./recommend-manifests.js";
export { type RenderedRecommendation, renderRecommendation } from "./recommend-render.js";
