// The sample shop namespace talks only to itself, and the office reaches its web port (the frontend's node port
// 30080 forwards there; the security tier's node-port-guard keeps every other outside address off the node port).
import { NamespaceIsolation } from "../../components/namespace-isolation.js";
import { Port } from "../../components/port.js";
import { external } from "../externals.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "application",
  name: "shop-isolation",
  build(scope, { tier }) {
    new NamespaceIsolation(scope, "Shop", { tier, namespace: "shop", allowFrom: [{ peer: external("office"), ports: [Port.tcp(8080)] }] });
  },
});
