// Only Prometheus (calico-monitoring/calico-prometheus-user) scrapes Felix, Typha, kube-controllers and
// node-exporter.
import { MonitoringAccess } from "../../components/monitoring-access.js";
import { definePolicy } from "../types.js";

export default definePolicy({
  tier: "security",
  name: "monitoring",
  build(scope, { tier }) {
    new MonitoringAccess(scope, "Monitoring", { tier });
  },
});
