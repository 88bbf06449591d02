// The fme namespace talks to itself, and out only to its database and file share; appsec narrows it further.
import { NamespaceIsolation } from "../../components/namespace-isolation.js";
import { Port } from "../../components/port.js";
import { external } from "../externals.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "application",
  name: "fme-isolation",
  build(scope, { tier }) {
    new NamespaceIsolation(scope, "Fme", {
      tier,
      namespace: "fme",
      allowTo: [
        { peer: external("fme-database"), ports: [Port.tcp(5432)] },
        { peer: external("fme-file-share"), ports: [Port.tcp(445)] },
      ],
    });
  },
});
