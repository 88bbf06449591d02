// Nodes and Calico's components always reach the API server, kubelet, Typha, BGP (only when the stack runs
// BGP), the overlay and the Calico API server. The Calico API server moved from calico-apiserver to
// calico-system in 3.31. The overlay follows the stack's IP pools (VXLAN UDP 4789 and/or IP-in-IP), so no
// unused encapsulation is opened.
import { ControlPlaneAccess } from "../../components/control-plane-access.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "security",
  name: "control-plane",
  build(scope, { tier, settings }) {
    new ControlPlaneAccess(scope, "ControlPlane", {
      tier,
      encapsulation: settings.overlays.length === 0 ? "None" : settings.overlays,
      bgp: settings.bgp ?? true,
      calicoApiServerNamespace: settings.calicoMinor === "3.30" ? "calico-apiserver" : "calico-system",
    });
  },
});
