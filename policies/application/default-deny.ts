// Calico's documented default deny for every pod outside the excluded (system) namespaces, DNS excepted.
import { DefaultDeny } from "../../components/default-deny.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "application",
  name: "default-deny",
  build(scope, { tier, settings }) {
    new DefaultDeny(scope, "DefaultDeny", { tier, excludedNamespaces: settings.defaultDenyExcludedNamespaces });
  },
});
