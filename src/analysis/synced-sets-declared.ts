/**
 * The sets a stack's `networkSetSync` declares (synced-sets.ts marks the rules that refer to them). Apart from
 * synced-sets.ts because it parses the controller's config (src/sync/config.ts): analysing manifests
 * (`report --manifests`, whose start-up is measured against node's own) recognises synced sets by their labels
 * alone and does not load the parser.
 */
import type { NetworkSetSyncConfig } from "../config/types.js";
import { parseSyncConfig } from "../sync/config.js";
import { labelsFor } from "../sync/networkset.js";
import type { SyncedSet } from "./synced-sets.js";

/**
 * The sets a stack's `networkSetSync` declares: one per mapping, labelled as the controller labels it. None when
 * the section is absent or disabled (the stack deploys no controller, so nothing keeps any set in step).
 */
export function declaredSyncedSets(sync: Pick<NetworkSetSyncConfig, "enabled" | "controllerConfig"> | undefined): SyncedSet[] {
  if (sync === undefined || !sync.enabled) return [];
  // Validated when the stack config was parsed (src/config/networkset-sync.ts): this parse does not fail.
  const cfg = parseSyncConfig(sync.controllerConfig, "networkSetSync");
  return cfg.mappings.map((m) => ({ name: m.set, labels: labelsFor(m), service: m.service, declared: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
