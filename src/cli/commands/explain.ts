/**
 * `calico-baseline explain --from A --to B [--port N] [--protocol TCP]`: the tier → policy → rule trail
 * that decides one flow, for the egress side at the source and the ingress side at the destination.
 */
import { UserError } from "../../model/problem.js";
import { analyse } from "../../analysis/analyse.js";
import { explain } from "../../analysis/evaluate.js";
import { formatExplain } from "../../analysis/formatters/text.js";
import { explainJson } from "../../analysis/formatters/json.js";
import type { CliIo } from "../main.js";
import { EXIT, exitHelp } from "../exit-codes.js";
import { assertAnalysable, calicoMinorOf, emit, loadInput, parseFlags, parseFormat } from "./report.js";

export const summary = "explain why one flow is allowed or denied (tier → policy → rule, both directions)";

const USAGE = `usage: calico-baseline explain --from REF --to REF [--port N] [--protocol P] [--icmp-type T [--icmp-code C]] [--view enforced|staged]
                               [--stack NAME | --manifests PATH ...] [--inventory FILE] [--format text|md|json] [--out FILE [--force]]

  REF is <namespace>/<workload>, host:<node> or net:<ip>; --protocol defaults to TCP.
  ICMP and ICMPv6 have no ports: --icmp-type/--icmp-code (0-255) pick the message; default: ping (echo request).
  --view staged evaluates the "would be" view with staged policies enforced.
  --calico-minor V orders policies as Felix of Calico V (3.30, 3.31, 3.32; default: the stack's, else 3.32).

${exitHelp("explain")}`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const v = parseFlags(args, { from: { type: "string" }, to: { type: "string" }, port: { type: "string" }, protocol: { type: "string" }, "icmp-type": { type: "string" }, "icmp-code": { type: "string" }, view: { type: "string" } }, USAGE);
  if (v["help"] === true) {
    io.out(USAGE);
    return 0;
  }
  const format = parseFormat(v["format"] as string | undefined, ["text", "md", "json"]);
  const from = v["from"] as string | undefined;
  const to = v["to"] as string | undefined;
  if (from === undefined || to === undefined) throw new UserError([{ path: from === undefined ? "--from" : "--to", message: "--from and --to are required", hint: USAGE }]);
  const portText = v["port"] as string | undefined;
  // Decimal digits only: Number() would read 0x50 as 80, 1e3 as 1000 and " 80 " as 80.
  let port = portText === undefined ? undefined : /^[0-9]{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) throw new UserError([{ path: "--port", value: portText, message: "not a port number", hint: "give a decimal port number from 1 to 65535, e.g. --port 443" }]);
  // ICMP has no ports (issue 11: `--protocol ICMP --port 80` was read as ICMP type 0 code 80): the message is
  // named by --icmp-type and --icmp-code, and becomes the engine's ICMP key type*256+code.
  const protocol = (v["protocol"] as string | undefined) ?? "TCP";
  const icmp = /^icmp(v6)?$/i.test(protocol) || protocol === "1" || protocol === "58";
  const typeText = v["icmp-type"] as string | undefined;
  const codeText = v["icmp-code"] as string | undefined;
  const byte = (t: string | undefined, flag: string): number | undefined => {
    if (t === undefined) return undefined;
    if (!/^[0-9]{1,3}$/.test(t) || Number(t) > 255) throw new UserError([{ path: flag, value: t, message: "not an ICMP type or code", hint: `give a decimal number from 0 to 255, e.g. ${flag} 8` }]);
    return Number(t);
  };
  if (icmp) {
    if (port !== undefined) throw new UserError([{ path: "--port", value: portText, message: `${protocol} has no ports`, hint: "name the ICMP message with --icmp-type (and --icmp-code), e.g. --icmp-type 8 for ping; without them the flow is a ping" }]);
    const type = byte(typeText, "--icmp-type");
    const code = byte(codeText, "--icmp-code");
    if (code !== undefined && type === undefined) throw new UserError([{ path: "--icmp-code", value: codeText, message: "--icmp-code needs --icmp-type", hint: "give the type too, e.g. --icmp-type 3 --icmp-code 4" }]);
    if (type !== undefined) port = type * 256 + (code ?? 0);
  } else if (typeText !== undefined || codeText !== undefined) {
    throw new UserError([{ path: typeText !== undefined ? "--icmp-type" : "--icmp-code", value: typeText ?? codeText, message: `--icmp-type and --icmp-code are for ICMP and ICMPv6, not ${protocol}`, hint: "pass --protocol ICMP (or ICMPv6), or --port for a port protocol" }]);
  }
  const view = (v["view"] as string | undefined) ?? "enforced";
  if (view !== "enforced" && view !== "staged") throw new UserError([{ path: "--view", value: view, message: "unknown view", hint: "use enforced or staged" }]);
  const input = await loadInput({ stack: v["stack"] as string | undefined, manifests: v["manifests"] as string[] | undefined, inventory: v["inventory"] as string | undefined }, io.cwd);
  await assertAnalysable(input.objects);
  const model = analyse(input, view, calicoMinorOf(v["calico-minor"], input.settings));
  // Admin policies this Calico minor does not enforce are left out of the trail: say so.
  for (const p of model.problems) if (p.path === "kind" && /does not enforce/.test(p.message)) io.err(`warning: ${[p.file, p.object].filter((x) => x !== undefined).join(": ")}: ${p.message}. Hint: ${p.hint}`);
  const results = explain(model, { from, to, protocol, ...(port === undefined ? {} : { port }) });
  const text = format === "json" ? explainJson(results) : format === "md" ? `\`\`\`\n${results.map(formatExplain).join("\n\n")}\n\`\`\`\n` : `${results.map(formatExplain).join("\n\n")}\n`;
  emit(io, text, v["out"] as string | undefined, v["force"] === true);
  return results.every((r) => r.allowed) ? EXIT.OK : EXIT.DENIED;
}
