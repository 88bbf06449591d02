/**
 * Flow ends that are the stack's network sets, told by the stack's own objects, so `recommend` writes a rule on
 * the set (selected by the set's labels) instead of a rule to a host or to nothing (issue 11, defect 4):
 *
 * - an end typed `NetworkSet` takes the labels of the set of that name (and namespace) in the stack: Whisker
 *   and Goldmane may record none, and a rule selects a set by its labels;
 * - an end that was read as a host only because the record gave no type (docs/flows.md: a name without a
 *   namespace is a host) is the GlobalNetworkSet of that name when the stack has one and no node or host
 *   endpoint is called so.
 *
 * Each resolved set end also gets the set's first address (`net`), which the cases file names it by.
 */
import { formatIp } from "../../model/net.js";
import type { Inventory } from "../inventory.js";
import type { NetworkSet, PolicyModel } from "../policies.js";
import type { FlowEndpoint, ObservedFlow } from "./model.js";

function firstAddress(set: NetworkSet): string | undefined {
  for (const r of set.nets.ranges()) return formatIp(r.version, r.first);
  return undefined;
}

function asSet(e: FlowEndpoint, set: NetworkSet): FlowEndpoint {
  const net = firstAddress(set);
  return {
    kind: "networkset",
    ...(set.namespace === undefined ? {} : { namespace: set.namespace }),
    name: set.name,
    labels: Object.keys(set.labels).length > 0 ? set.labels : e.labels,
    ...(net === undefined ? {} : { net }),
  };
}

export function resolveStackNetworkSets(flows: readonly ObservedFlow[], pm: PolicyModel, inventory: Inventory): ObservedFlow[] {
  const hostNames = new Set<string>();
  for (const n of inventory.nodes) {
    hostNames.add(n.name);
    hostNames.add(`${n.name}-auto-hep`);
    const h = n.labels["kubernetes.io/hostname"];
    if (h !== undefined) hostNames.add(h);
  }
  for (const h of pm.hostEndpoints) {
    hostNames.add(h.name);
    hostNames.add(h.node);
  }
  const resolve = (e: FlowEndpoint): FlowEndpoint => {
    if (e.name === undefined) return e;
    if (e.kind === "networkset") {
      const set = pm.networkSets.find((s) => s.name === e.name && s.namespace === e.namespace);
      return set === undefined ? e : asSet(e, set);
    }
    if (e.kind === "host" && e.net === undefined && !hostNames.has(e.name)) {
      const hostname = e.labels["kubernetes.io/hostname"];
      if (hostname !== undefined && hostNames.has(hostname)) return e;
      const set = pm.networkSets.find((s) => s.namespace === undefined && s.name === e.name);
      return set === undefined ? e : asSet(e, set);
    }
    return e;
  };
  return flows.map((f) => {
    const source = resolve(f.source);
    const destination = resolve(f.destination);
    return source === f.source && destination === f.destination ? f : { ...f, source, destination };
  });
}
