/**
 * `calico-baseline sync-networksets --config FILE [--kubeconfig FILE] [--check]`: keeps one Calico
 * GlobalNetworkSet per Consul service in step with the Consul catalog (docs/networkset-sync.md). Long-running:
 * it stops on SIGTERM or SIGINT. `--check` validates the config (and reads the credentials it names) and exits.
 */
import { isAbsolute, join } from "node:path";
import { readInputFile } from "../../io/files.js";
import { parseYamlDocuments } from "../../io/yaml.js";
import { UserError } from "../../model/problem.js";
import { parseSyncConfig } from "../../sync/config.js";
import { jsonLogger } from "../../sync/runtime.js";
import { consulClient, kubeTransport, startSync } from "../../sync/service.js";
import { parseCommandArgs } from "../args.js";
import { EXIT, exitHelp } from "../exit-codes.js";
import type { CliIo } from "../main.js";

export const summary = "keep Calico GlobalNetworkSets in step with Consul services (long-running controller)";

const USAGE = `usage: calico-baseline sync-networksets --config FILE [--kubeconfig FILE] [--check] [--log-level debug|info|warn|error]

  --config FILE      the sync config: consul, kubernetes, sync, listen, mappings (docs/networkset-sync.md)
  --kubeconfig FILE  credentials for a local run (default: the pod's service account, in-cluster)
  --check            validate the config and the files it names, then exit
  The Consul token is read from consul.tokenFile, else from CONSUL_HTTP_TOKEN.

${exitHelp("sync-networksets")}`;

const LEVELS = ["debug", "info", "warn", "error"] as const;

export async function run(args: string[], io: CliIo): Promise<number> {
  const v = parseCommandArgs(args, { config: { type: "string" }, kubeconfig: { type: "string" }, check: { type: "boolean", default: false }, "log-level": { type: "string" }, help: { type: "boolean", short: "h", default: false } }, USAGE);
  if (v.help) {
    io.out(USAGE);
    return EXIT.OK;
  }
  if (v.config === undefined || v.config === "") throw new UserError([{ path: "--config", message: "--config is required", hint: USAGE }]);
  const level = v["log-level"] ?? "info";
  if (!(LEVELS as readonly string[]).includes(level)) throw new UserError([{ path: "--log-level", value: level, message: "unknown log level", hint: `use one of ${LEVELS.join(", ")}` }]);
  const abs = isAbsolute(v.config) ? v.config : join(io.cwd, v.config);
  const text = readInputFile(abs, v.config, { field: "--config", what: "sync config", missingHint: "write a sync config (docs/networkset-sync.md) and pass its path" });
  const docs = parseYamlDocuments(text, v.config, { uniqueKeys: true });
  if (docs.length > 1) throw new UserError([{ path: "", file: v.config, message: `the sync config holds ${docs.length} YAML documents`, hint: "keep one document (remove the extra ---)" }]);
  const kubeconfig = v.kubeconfig === undefined ? undefined : isAbsolute(v.kubeconfig) ? v.kubeconfig : join(io.cwd, v.kubeconfig);
  const config = parseSyncConfig(docs[0]?.value ?? null, v.config, kubeconfig === undefined ? {} : { kubeconfig });
  // Read every credential now, so a bad path fails at start-up and not on the first write.
  const consul = consulClient(config);
  const kube = kubeTransport(config);
  if (v.check) {
    io.out(`${v.config}: ${config.mappings.length} mapping${config.mappings.length === 1 ? "" : "s"}, valid`);
    return EXIT.OK;
  }
  const logger = jsonLogger((line) => io.err(line), undefined, level as (typeof LEVELS)[number]);
  const running = await startSync(config, { consul, kube, logger });
  await new Promise<void>((resolve) => {
    const stop = (sig: string): void => {
      logger.log("info", "signal received; stopping", { signal: sig });
      process.off("SIGTERM", onTerm);
      process.off("SIGINT", onInt);
      resolve();
    };
    const onTerm = (): void => stop("SIGTERM");
    const onInt = (): void => stop("SIGINT");
    process.on("SIGTERM", onTerm);
    process.on("SIGINT", onInt);
  });
  await running.stop();
  return EXIT.OK;
}
