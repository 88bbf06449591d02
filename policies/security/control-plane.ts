// Nodes and Calico's components always reach the API server, kubelet, Typha, BGP, the overlay and the
// Calico API server. The Calico API server moved from calico-apiserver to calico-system in 3.31.
import { ControlPlaneAccess } from "../../components/control-plane-access.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "security",
  name: "control-plane",
  build(scope, { tier, settings }) {
    new ControlPlaneAccess(scope, "ControlPlane", {
      tier,
      calicoApiServerNamespace: settings.calicoMinor === "3.30" ? "calico-apiserver" : "calico-system",
    });
  },
});
