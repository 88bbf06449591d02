/**
 * The private registry (Distribution, Debian/Ubuntu package `docker-registry`): its config file and the
 * script that sets it up on the registry VM. Pure; the integration test starts real registries from the
 * same config generator.
 */
import { stringify } from "yaml";
import { writeFile } from "./shell.js";

export interface RegistryServerConfig {
  /** Listen address, `:5000` or `127.0.0.1:41234`. */
  readonly addr: string;
  readonly rootDirectory: string;
  readonly tls?: { readonly certificate: string; readonly key: string };
  readonly htpasswd?: { readonly realm: string; readonly path: string };
}

/** Distribution's config.yml. Deletes stay disabled: a mirror only ever adds digests. */
export function registryConfigYaml(c: RegistryServerConfig): string {
  const http: Record<string, unknown> = { addr: c.addr };
  if (c.tls !== undefined) http["tls"] = { certificate: c.tls.certificate, key: c.tls.key };
  const doc: Record<string, unknown> = {
    version: 0.1,
    log: { level: "info" },
    storage: { filesystem: { rootdirectory: c.rootDirectory }, delete: { enabled: false } },
    http,
  };
  if (c.htpasswd !== undefined) doc["auth"] = { htpasswd: { realm: c.htpasswd.realm, path: c.htpasswd.path } };
  return stringify(doc);
}

/** cloud-init for the registry VM: only the package; TLS and auth come later, once its address is known. */
export function registryCloudInit(): string {
  return `#cloud-config\n${stringify({ package_update: true, packages: ["docker-registry", "curl"] })}`;
}

export interface RegistrySetup {
  readonly port: number;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  /** One htpasswd line, `user:<bcrypt hash>` (Distribution accepts bcrypt only). */
  readonly htpasswdLine: string;
  /** Address the registry is checked at after the restart. */
  readonly address: string;
}

const DIR = "/etc/docker/registry";

/**
 * Root script for the registry VM: writes certificate, key, htpasswd and config, restarts the service and
 * checks that it answers over TLS with the generated CA and demands authentication (HTTP 401).
 */
export function registrySetupScript(s: RegistrySetup): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    writeFile(`${DIR}/ca.crt`, s.caPem, "0644"),
    writeFile(`${DIR}/tls.crt`, `${s.certPem.trimEnd()}\n${s.caPem.trimEnd()}\n`, "0644"),
    writeFile(`${DIR}/tls.key`, s.keyPem, "0640"),
    writeFile(`${DIR}/htpasswd`, s.htpasswdLine, "0640"),
    `chgrp docker-registry ${DIR}/tls.key ${DIR}/htpasswd`,
    writeFile(
      `${DIR}/config.yml`,
      registryConfigYaml({
        addr: `:${s.port}`,
        rootDirectory: "/var/lib/docker-registry",
        tls: { certificate: `${DIR}/tls.crt`, key: `${DIR}/tls.key` },
        htpasswd: { realm: "calico-baseline", path: `${DIR}/htpasswd` },
      }),
      "0644",
    ),
    "systemctl restart docker-registry",
    "for i in $(seq 1 30); do",
    `  code=$(curl -s -o /dev/null -w '%{http_code}' --cacert ${DIR}/ca.crt https://${s.address}:${s.port}/v2/ || true)`,
    '  if [ "$code" = "401" ]; then echo "registry up with TLS and authentication"; exit 0; fi',
    "  sleep 2",
    "done",
    `echo "registry did not answer 401 on https://${s.address}:${s.port}/v2/ (last HTTP code: $code)" >&2`,
    "journalctl -u docker-registry -n 30 --no-pager >&2 || true",
    "exit 1",
    "",
  ].join("\n");
}
