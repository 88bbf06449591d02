// Every pod may query the cluster DNS (kube-system/kube-dns) on UDP and TCP 53.
import { AllowDns } from "../../components/allow-dns.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "platform",
  name: "allow-dns",
  build(scope, { tier }) {
    new AllowDns(scope, "AllowDns", { tier });
  },
});
