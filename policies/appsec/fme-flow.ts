// FME Flow's workloads: queue only from core, engine only from core and only to its database and share.
import { FmeFlow } from "../../examples/fme-flow/index.js";
import { external } from "../externals.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "appsec",
  name: "fme-flow",
  build(scope, { tier }) {
    new FmeFlow(scope, "FmeFlow", {
      tier,
      database: external("fme-database"),
      fileShare: external("fme-file-share"),
    });
  },
});
