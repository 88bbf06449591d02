/**
 * The other side of a rule, as a value object: `Peer.namespace("fme")`, `Peer.pods(sel.eq("app", "core"),
 * { namespace: "fme" })`, `Peer.hosts()`, `Peer.nets("10.0.0.50/32")`, `Peer.serviceAccount(ns, name)`.
 *
 * Every peer states its namespace scope explicitly, because Calico reads a rule selector differently by
 * policy kind: in a NetworkPolicy an unscoped selector means "in this namespace", in a GlobalNetworkPolicy
 * "in any namespace and non-namespaced endpoints". Peers here always set `namespaceSelector`
 * (`all()` for every namespace, `global()` for host endpoints and global network sets), so one peer means
 * the same thing in both kinds.
 */
import { UserError, type Problem } from "../src/model/problem.js";
import { parseCidr, formatCidr } from "../src/model/net.js";
import { isDns1123Label } from "../src/model/validate/context.js";
import { parseSelector, sel, SelectorError, type Selector } from "../src/model/selector/index.js";
import type { EntityRuleSpec } from "./rule.js";

/** The label every namespace carries (Kubernetes 1.21+), and the one Calico's docs select namespaces by. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Label copied onto auto host endpoints from their node; present on every node. */
export const NODE_OS_LABEL = "kubernetes.io/os";

/** Throws a UserError unless `name` is a valid namespace (or service account) name. */
export function checkDnsLabel(name: string, path: string, noun = "namespace name"): void {
  if (!isDns1123Label(name)) {
    throw new UserError([
      {
        path,
        value: name,
        message: `not a valid ${noun}`,
        hint: "use at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
      },
    ]);
  }
}

/** Selects the namespace called `name` (as a namespaceSelector). */
export function namespaceNamed(name: string, path = "namespace"): Selector {
  checkDnsLabel(name, path);
  return sel.eq(NAMESPACE_NAME_LABEL, name);
}

/**
 * Parses selector text from configuration or user code into a Selector, turning a SelectorError into a
 * UserError that names `path` (e.g. the config key) so the user sees where the bad selector came from.
 */
export function selectorFrom(text: string, path: string): Selector {
  try {
    return parseSelector(text);
  } catch (e) {
    if (e instanceof SelectorError) throw new UserError([e.toProblem(path)]);
    throw e;
  }
}

/**
 * Parses one CIDR (or a bare address, read as /32 or /128). Returns the canonical CIDR and IP version, or the
 * problem: a typo, or host bits below the prefix (with a hint spelling out the intended block).
 */
export function parseNet(text: string, path: string): { net: string; version: 4 | 6 } | Problem {
  const c = parseCidr(text.trim());
  if (c === undefined) {
    return {
      path,
      value: text,
      message: "not a valid CIDR",
      hint: "write an IPv4 or IPv6 block like 10.0.0.0/24 or fd00::/64 (four dot-separated numbers 0-255 for IPv4)",
    };
  }
  if (c.hostBitsSet) {
    return {
      path,
      value: text,
      message: "CIDR has host bits set below its prefix",
      hint: `Did you mean ${formatCidr(c)}? (or /${c.version === 4 ? 32 : 128} for the single address)`,
    };
  }
  return { net: formatCidr(c), version: c.version };
}

/**
 * Parses CIDRs for one rule peer, reporting every bad entry at once. All must be of one IP version: Calico
 * rejects a rule mixing IPv4 and IPv6 nets.
 */
export function checkNets(cidrs: readonly string[], path: string): { nets: string[]; version: 4 | 6 } {
  const problems: Problem[] = [];
  const nets: string[] = [];
  const versions = new Set<4 | 6>();
  for (const [i, text] of cidrs.entries()) {
    const r = parseNet(text, `${path}[${i}]`);
    if ("message" in r) {
      problems.push(r);
      continue;
    }
    versions.add(r.version);
    nets.push(r.net);
  }
  if (cidrs.length === 0) {
    problems.push({ path, value: [], message: "no CIDRs given", hint: "give at least one CIDR, e.g. 10.0.0.50/32" });
  }
  if (versions.size > 1) {
    problems.push({
      path,
      value: cidrs,
      message: "IPv4 and IPv6 CIDRs mixed in one peer",
      hint: "Calico rules cannot mix IP versions: make one peer per IP version",
    });
  }
  if (problems.length > 0) throw new UserError(problems);
  return { nets, version: versions.has(6) ? 6 : 4 };
}

export interface PodsOptions {
  /**
   * Only pods in this namespace.
   * @default every namespace (unless `namespaces` is given)
   */
  readonly namespace?: string;
  /**
   * Only pods in namespaces matching this selector (over namespace labels).
   * @default every namespace
   */
  readonly namespaces?: Selector;
}

/** A rule peer. Create with the static factories; read with `toEntityRule()` and `toString()`. */
export abstract class Peer {
  /** Every endpoint and every address (an empty entity rule). */
  static any(): Peer {
    return new EntityPeer({}, "any");
  }

  /** Every pod in the namespace called `name`. */
  static namespace(name: string): Peer {
    return new EntityPeer({ namespaceSelector: namespaceNamed(name).toString() }, `namespace ${name}`);
  }

  /** Every pod in the namespaces matching `namespaces` (a selector over namespace labels). */
  static namespaces(namespaces: Selector): Peer {
    return new EntityPeer({ namespaceSelector: namespaces.toString() }, `namespaces ${namespaces.toString()}`);
  }

  /** Pods matching `selector`, in `namespace`, in `namespaces`, or anywhere. */
  static pods(selector: Selector, options: PodsOptions = {}): Peer {
    if (options.namespace !== undefined && options.namespaces !== undefined) {
      throw new UserError([
        {
          path: "namespace",
          value: options.namespace,
          message: "both namespace and namespaces given",
          hint: "give one: namespace for a single namespace by name, namespaces for a label selector",
        },
      ]);
    }
    const ns =
      options.namespace !== undefined
        ? namespaceNamed(options.namespace)
        : (options.namespaces ?? sel.all());
    const where =
      options.namespace !== undefined
        ? ` in namespace ${options.namespace}`
        : options.namespaces !== undefined
          ? ` in namespaces ${ns.toString()}`
          : "";
    return new EntityPeer(
      { selector: selector.toString(), namespaceSelector: ns.toString() },
      `pods ${selector.toString()}${where}`,
    );
  }

  /** Pods running as service account `name` in `namespace`. */
  static serviceAccount(namespace: string, name: string): Peer {
    checkDnsLabel(name, "serviceAccount", "service account name");
    return new EntityPeer(
      { namespaceSelector: namespaceNamed(namespace).toString(), serviceAccounts: { names: [name] } },
      `service account ${namespace}/${name}`,
    );
  }

  /**
   * Host endpoints matching `selector` (over node labels, which kube-controllers copies onto auto host
   * endpoints). Selected through their `expectedIPs`, so only hosts that have a HostEndpoint match.
   * @param selector @default has(kubernetes.io/os): every node's auto host endpoint
   */
  static hosts(selector: Selector = sel.has(NODE_OS_LABEL)): Peer {
    return new EntityPeer(
      { selector: selector.toString(), namespaceSelector: sel.global().toString() },
      `hosts ${selector.toString()}`,
    );
  }

  /** Global network sets matching `selector` (over the sets' labels). */
  static globalNetworkSets(selector: Selector): Peer {
    return new EntityPeer(
      { selector: selector.toString(), namespaceSelector: sel.global().toString() },
      `global network sets ${selector.toString()}`,
    );
  }

  /**
   * Namespaced network sets matching `selector` (over the sets' labels) in `namespace`. Calico matches a
   * NetworkSet exactly like a pod of its namespace, so the entity rule is the same as `Peer.pods`; the
   * factory exists so code (and generated code) says which one it means.
   */
  static networkSets(selector: Selector, namespace: string): Peer {
    return new EntityPeer(
      { selector: selector.toString(), namespaceSelector: namespaceNamed(namespace).toString() },
      `network sets ${selector.toString()} in namespace ${namespace}`,
    );
  }

  /** Addresses in these CIDRs (one IP version), whatever endpoint owns them. */
  static nets(...cidrs: string[]): Peer {
    const { nets, version } = checkNets(cidrs, "nets");
    return new EntityPeer({ nets }, `nets ${nets.join(", ")}`, version);
  }

  /**
   * The endpoints behind a Kubernetes Service (Calico resolves them from the Service's endpoints).
   * Calico allows this only as an egress destination or an ingress source, and with no other match but ports.
   */
  static service(namespace: string, name: string): Peer {
    checkDnsLabel(namespace, "service.namespace");
    checkDnsLabel(name, "service.name", "service name");
    return new EntityPeer({ services: { name, namespace } }, `service ${namespace}/${name}`);
  }

  /**
   * A peer from selector text (e.g. from configuration). `path` names where the text came from, for errors.
   * @param namespaces @default undefined: every namespace ("all()")
   */
  static selector(text: string, path: string, namespaces?: string): Peer {
    const s = selectorFrom(text, path);
    const ns = namespaces === undefined ? sel.all() : selectorFrom(namespaces, `${path}.namespaces`);
    return new EntityPeer({ selector: s.toString(), namespaceSelector: ns.toString() }, `endpoints ${s.toString()}`);
  }

  /** The IP version this peer is limited to, if it is made of nets. */
  abstract readonly ipVersion: 4 | 6 | undefined;

  /** The Calico EntityRule (without ports) for this peer. */
  abstract toEntityRule(): EntityRuleSpec;

  /** A short human description, e.g. `pods app == "core" in namespace fme`. */
  abstract toString(): string;
}

class EntityPeer extends Peer {
  readonly ipVersion: 4 | 6 | undefined;

  constructor(
    private readonly entity: EntityRuleSpec,
    private readonly description: string,
    ipVersion?: 4 | 6,
  ) {
    super();
    this.ipVersion = ipVersion;
  }

  toEntityRule(): EntityRuleSpec {
    return structuredClone(this.entity) as EntityRuleSpec;
  }

  toString(): string {
    return this.description;
  }
}
