// The nodes pull from the private registry (its CIDRs and TCP port come from the stack config); pods are
// denied it unless the stack says they pull too (calico-baseline:registry.podPulls).
import { PrivateRegistryEgress } from "../../components/private-registry-egress.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "platform",
  name: "registry-egress",
  build(scope, { tier, settings }) {
    new PrivateRegistryEgress(scope, "Registry", {
      tier,
      cidrs: settings.registry.cidrs,
      port: settings.registry.port,
      podPulls: settings.registry.podPulls === true,
    });
  },
});
