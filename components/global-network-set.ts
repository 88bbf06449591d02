/**
 * A Calico GlobalNetworkSet: a labelled list of CIDRs that rules select like endpoints
 * (`namespaceSelector: global()` plus a selector over the set's labels).
 */
import { ApiObject } from "cdk8s";
import { Construct } from "constructs";
import { UserError, type Problem } from "../src/model/problem.js";
import { sel, type Selector } from "../src/model/selector/index.js";
import { isDns1123Subdomain } from "../src/model/validate/context.js";
import { parseNet, Peer } from "./peer.js";

export interface NetworkSetProps {
  /** The set's name (a DNS subdomain). */
  readonly name: string;
  /** Labels rules select the set by; at least one, or no rule could refer to it. */
  readonly labels: Readonly<Record<string, string>>;
  /** CIDRs (one or more; IPv4 and IPv6 may be mixed in a set, unlike in a rule). */
  readonly nets: readonly string[];
}

/** The selector a rule uses to pick a network set: every one of its labels, in the order given. */
export function labelsSelector(labels: Readonly<Record<string, string>>): Selector {
  return sel.and(...Object.entries(labels).map(([k, v]) => sel.eq(k, v)));
}

/** Checks a network set's name, labels and nets; returns the nets in canonical form. */
export function checkNetworkSetProps(props: NetworkSetProps): string[] {
  const problems: Problem[] = [];
  if (!isDns1123Subdomain(props.name)) {
    problems.push({
      path: "name",
      value: props.name,
      message: "not a valid network set name",
      hint: "use lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
    });
  }
  if (Object.keys(props.labels).length === 0) {
    problems.push({
      path: "labels",
      value: props.labels,
      message: "a network set needs at least one label",
      hint: "rules select network sets by label, e.g. { role: \"registry\" }",
    });
  }
  if (props.nets.length === 0) {
    problems.push({ path: "nets", value: [], message: "a network set needs at least one CIDR", hint: "e.g. 10.0.0.60/32" });
  }
  // Each CIDR is checked on its own: unlike a rule, a set may mix IPv4 and IPv6.
  const nets: string[] = [];
  props.nets.forEach((n, i) => {
    const r = parseNet(n, `nets[${i}]`);
    if ("message" in r) problems.push(r);
    else nets.push(r.net);
  });
  if (problems.length > 0) throw new UserError(problems);
  return nets;
}

export class GlobalNetworkSet extends Construct {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: NetworkSetProps) {
    super(scope, id);
    const nets = checkNetworkSetProps(props);
    this.name = props.name;
    this.labels = { ...props.labels };
    this.resource = new ApiObject(this, "Resource", {
      apiVersion: "projectcalico.org/v3",
      kind: "GlobalNetworkSet",
      metadata: { name: props.name, labels: this.labels },
      spec: { nets },
    });
  }

  /** A rule peer selecting this set by all its labels. */
  asPeer(): Peer {
    return Peer.globalNetworkSets(labelsSelector(this.labels));
  }
}
