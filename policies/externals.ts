/**
 * Addresses outside the cluster that policies refer to, kept in one place. They are written as
 * GlobalNetworkSets (by `policies/platform/external-networks.ts`) and selected by label, so a changed address
 * is one edit here and a one-line diff in the rendered YAML.
 */
import { Peer } from "../components/peer.js";
import { sel } from "../src/model/selector/index.js";

/** The label every external network set carries; its value is the set's name. */
export const EXTERNAL_LABEL = "calico-baseline.io/external";

export interface ExternalNetwork {
  readonly name: string;
  readonly nets: readonly string[];
}

export const EXTERNALS: readonly ExternalNetwork[] = [
  { name: "fme-database", nets: ["10.0.0.60/32"] },
  { name: "fme-file-share", nets: ["10.0.0.61/32"] },
  // The office network, allowed to reach node ports from outside (calico-baseline:northSouth.allowFrom).
  { name: "office", nets: ["198.51.100.0/24"] },
];

/** A rule peer for the external network set called `name`. */
export function external(name: (typeof EXTERNALS)[number]["name"]): Peer {
  return Peer.globalNetworkSets(sel.eq(EXTERNAL_LABEL, name));
}
