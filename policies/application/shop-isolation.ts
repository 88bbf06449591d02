// The sample shop namespace talks only to itself.
import { NamespaceIsolation } from "../../components/namespace-isolation.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "application",
  name: "shop-isolation",
  build(scope, { tier }) {
    new NamespaceIsolation(scope, "Shop", { tier, namespace: "shop" });
  },
});
