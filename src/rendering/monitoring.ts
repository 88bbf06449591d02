/**
 * The monitoring objects (Kubernetes kinds): the Prometheus namespace and RBAC, and the headless metrics
 * Services in calico-system. Applied by the deployment's monitoring step; written by synth as
 * `monitoring.yaml` for review.
 */
import { App, Chart } from "cdk8s";
import { MetricsServices } from "../../components/metrics-services.js";
import { MonitoringRbac } from "../../components/monitoring-rbac.js";
import { sortObjects } from "./synth.js";

export const MONITORING_FILE = "monitoring.yaml";

export function synthMonitoring(): Record<string, unknown>[] {
  const app = new App();
  const chart = new Chart(app, "monitoring", { disableResourceNameHashes: true });
  new MonitoringRbac(chart, "Rbac");
  new MetricsServices(chart, "MetricsServices");
  return sortObjects(chart.toJson() as Record<string, unknown>[]);
}
