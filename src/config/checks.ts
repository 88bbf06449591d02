/**
 * Checks of stack-config values against what the target systems accept, so a stack that would fail (or
 * worse, half-apply) on `pulumi up` fails at parse time with the key path and a hint instead: host names
 * for ssh and the registry, multipass names and images, address blocks that must not overlap or be too wide.
 */
import { cidrContains, parseCidr, type Cidr } from "../model/net.js";

/** An IPv4 address in dotted-quad form (each part 0-255, no leading zeros but 0 itself). */
export function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255);
}

/**
 * A host name as RFC 1123 defines it (labels of 1-63 letters, digits and inner '-', at most 253 characters,
 * no empty label), or an IPv4 address. Refuses `-`, `.`, `..`, `-oProxyCommand=...` and the like, which
 * ssh, scp or a URL would read as something else.
 */
export function isHostName(text: string): boolean {
  if (isIpv4(text)) return true;
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.endsWith(".") ? text.slice(0, -1).split(".") : text.split(".");
  // All-numeric dotted names that are not valid IPv4 (999.1.1.1) are typos of an address.
  if (labels.every((l) => /^[0-9]+$/.test(l))) return false;
  return labels.every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

export const HOST_HINT = "give a host name (letters, digits, '-' and '.', e.g. node1.example.com) or an IPv4 address such as 10.0.0.5, without scheme, user or path";

/**
 * multipass validates instance names as host names: a letter first, then letters, digits and '-', an
 * alphanumeric last ("Invalid instance name supplied" otherwise); a host-name label is at most 63 characters.
 * Names are `<namePrefix>-control`, `<namePrefix>-worker-<n>` (n up to 50) and `<namePrefix>-registry`.
 */
export const MAX_NAME_PREFIX = 63 - "-worker-50".length;

export function namePrefixProblem(prefix: string): string | undefined {
  if (prefix.length > MAX_NAME_PREFIX) return `is ${prefix.length} characters long; VM names (<namePrefix>-worker-50) must fit in 63`;
  if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(prefix)) return "is not a multipass instance name prefix (a lower-case letter first, then letters, digits and '-', not ending in '-')";
  return undefined;
}

/**
 * A multipass image: a release or alias (`24.04`, `noble`, `daily:24.04`), or a `file://`/`http(s)://` URL.
 * Never starting with '-', which multipass would read as an option (`--bridged`).
 */
export const MULTIPASS_IMAGE = {
  pattern: /^(?:[A-Za-z0-9][A-Za-z0-9._-]*(?::[A-Za-z0-9][A-Za-z0-9._-]*)?|(?:file|https?):\/\/[^\s]+)$/,
  hint: "use a multipass image name such as 24.04, noble or daily:24.04, or a file:// or https:// URL (see multipass find)",
};

/** Whether two blocks share any address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.version === b.version && a.first <= b.last && b.first <= a.last;
}

/**
 * The narrowest prefix an address block that names one network (a registry, a bridge) may have: /8 for
 * IPv4, /16 for IPv6. Wider is almost certainly a mistake that would open the policy to the whole network
 * (0.0.0.0/0 allows every address).
 */
export const WIDEST_NETWORK_PREFIX = { 4: 8, 6: 16 } as const;

export function tooWide(c: Cidr): boolean {
  return c.prefix < WIDEST_NETWORK_PREFIX[c.version];
}

/** Parses a CIDR that an earlier check has validated (or returns undefined). */
export function cidrOf(text: string | undefined): Cidr | undefined {
  return text === undefined || text === "" ? undefined : parseCidr(text);
}

export { cidrContains };
