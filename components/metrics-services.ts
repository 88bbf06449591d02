/**
 * Headless Services that give Prometheus' endpoint discovery the Calico metrics targets, as in Calico's
 * monitoring docs: `felix-metrics-svc` (calico-node, 9091), `typha-metrics-svc` (calico-typha, 9093) and
 * `kube-controllers-metrics-svc` (calico-kube-controllers, 9094), all in calico-system.
 * Headless (`clusterIP: None`) because Prometheus scrapes each endpoint, not a load-balanced address.
 */
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkDnsLabel } from "./peer.js";
import { Port } from "./port.js";

export interface MetricsServicesProps {
  /** @default "calico-system" */
  readonly namespace?: string;
  /** @default 9091 */
  readonly felixPort?: number;
  /** @default 9093 */
  readonly typhaPort?: number;
  /** @default 9094 */
  readonly kubeControllersPort?: number;
}

export class MetricsServices extends Construct {
  readonly felix: ApiObject;
  readonly typha: ApiObject;
  readonly kubeControllers: ApiObject;

  constructor(scope: Construct, id: string, props: MetricsServicesProps = {}) {
    super(scope, id);
    const ns = props.namespace ?? "calico-system";
    checkDnsLabel(ns, "namespace");
    const service = (cid: string, name: string, app: string, port: Port): ApiObject =>
      new ApiObject(this, cid, {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: ns },
        spec: {
          clusterIP: "None",
          selector: { "k8s-app": app },
          ports: [{ name: "metrics-port", port: port.port, targetPort: port.port, protocol: "TCP" }],
        },
      });
    this.felix = service("Felix", "felix-metrics-svc", "calico-node", Port.tcp(props.felixPort ?? 9091));
    this.typha = service("Typha", "typha-metrics-svc", "calico-typha", Port.tcp(props.typhaPort ?? 9093));
    this.kubeControllers = service(
      "KubeControllers",
      "kube-controllers-metrics-svc",
      "calico-kube-controllers",
      Port.tcp(props.kubeControllersPort ?? 9094),
    );
  }
}
