// The external networks policies refer to (policies/externals.ts), as labelled GlobalNetworkSets.
import { GlobalNetworkSet } from "../../components/global-network-set.js";
import { EXTERNAL_LABEL, EXTERNALS } from "../externals.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "platform",
  name: "external-networks",
  build(scope) {
    for (const e of EXTERNALS) {
      new GlobalNetworkSet(scope, e.name, { name: e.name, labels: { [EXTERNAL_LABEL]: e.name }, nets: e.nets });
    }
  },
});
