/**
 * The labels and annotations of the GlobalNetworkSets `calico-baseline sync-networksets` writes. In a module of
 * their own so that the analysis (src/analysis/synced-sets.ts), which recognises such sets, does not load the
 * controller's config parser with them (the CLI's `report` start-up). src/sync/config.ts re-exports them.
 */
/** The label every set the controller writes carries; it never creates, updates or deletes a set without it. */
export const OWNER_LABEL = "networkset-sync.calico-baseline.io/owner";
/** The value of OWNER_LABEL: the controller's name. */
export const OWNER_VALUE = "calico-baseline";
/** Labels the controller sets itself: the Consul service (and datacenter) a set mirrors. */
export const SERVICE_LABEL = "networkset-sync.calico-baseline.io/service";
export const DATACENTER_LABEL = "networkset-sync.calico-baseline.io/datacenter";
/** Annotation holding `{cidr: first-missing ISO time}` for the addresses inside their grace period. */
export const PENDING_ANNOTATION = "networkset-sync.calico-baseline.io/pending-removals";
/** Prefix of the labels and annotations that belong to the controller (mappings may not set them). */
export const RESERVED_PREFIX = "networkset-sync.calico-baseline.io/";
