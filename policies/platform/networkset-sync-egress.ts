// The Consul -> GlobalNetworkSet controller (docs/networkset-sync.md) reaches Consul and the API server, when the
// stack deploys it (calico-baseline:networkSetSync.enabled); nothing is rendered otherwise. The lockout
// invariants networkset-sync-consul and networkset-sync-apiserver check the whole baseline lets it through.
import { NetworkSetSyncEgress } from "../../components/networkset-sync-egress.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "platform",
  name: "networkset-sync-egress",
  build(scope, { tier, settings }) {
    const s = settings.networkSetSync;
    if (s === undefined) return;
    new NetworkSetSyncEgress(scope, "NetworkSetSync", { tier, namespace: s.namespace, consulCidrs: s.consulCidrs, consulPort: s.consulPort });
  },
});
