// With east-west encryption on (calico-baseline:encryption.wireguard, the default), the nodes' WireGuard tunnel
// port (UDP 51820; 51821 too when the stack runs IPv6) stays open between nodes, ahead of any pre-DNAT deny.
// With encryption off nothing is emitted: no tunnel, no open port.
import { WireguardPeers } from "../../components/wireguard-peers.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "security",
  name: "wireguard-peers",
  build(scope, { tier, settings }) {
    if (settings.encryption?.wireguard !== true) return;
    new WireguardPeers(scope, "WireguardPeers", { tier, ipv6: settings.encryption.wireguardV6 });
  },
});
