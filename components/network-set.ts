/**
 * A Calico NetworkSet: a namespaced, labelled list of CIDRs, selectable from policies in its namespace
 * or from anywhere with a namespaceSelector naming its namespace.
 */
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { checkNetworkSetProps, labelsSelector, type NetworkSetProps } from "./global-network-set.js";
import { checkDnsLabel, Peer } from "./peer.js";

export interface NamespacedNetworkSetProps extends NetworkSetProps {
  /** The namespace the set lives in. */
  readonly namespace: string;
}

export class NetworkSet extends Construct {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: NamespacedNetworkSetProps) {
    super(scope, id);
    checkDnsLabel(props.namespace, "namespace");
    const nets = checkNetworkSetProps(props);
    this.name = props.name;
    this.namespace = props.namespace;
    this.labels = { ...props.labels };
    this.resource = new ApiObject(this, "Resource", {
      apiVersion: "projectcalico.org/v3",
      kind: "NetworkSet",
      metadata: { name: props.name, namespace: props.namespace, labels: this.labels },
      spec: { nets },
    });
  }

  /** A rule peer selecting this set by its labels, in its namespace. */
  asPeer(): Peer {
    return Peer.networkSets(labelsSelector(this.labels), this.namespace);
  }
}
