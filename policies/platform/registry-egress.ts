// Nodes and pods may pull from the private registry (its CIDRs and TCP port come from the stack config).
import { PrivateRegistryEgress } from "../../components/private-registry-egress.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "platform",
  name: "registry-egress",
  build(scope, { tier, settings }) {
    new PrivateRegistryEgress(scope, "Registry", { tier, cidrs: settings.registry.cidrs, port: settings.registry.port });
  },
});
