// Nodes may always talk to their own loopback (127.0.0.0/8, and ::1 with IPv6).
import { HostLocalhost } from "../../components/host-localhost.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "security",
  name: "host-localhost",
  build(scope, { tier, settings }) {
    new HostLocalhost(scope, "HostLocalhost", { tier, ipv6: settings.ipv6 });
  },
});
