/**
 * The dev registry: a multipass VM running Distribution with TLS from a CA this program generates and
 * htpasswd (bcrypt) auth with a generated password. Nodes get the CA and credentials through k3s
 * registries.yaml; the image mirror gets them through its environment.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { parseCidr, cidrContains } from "../../model/net.js";
import { UserError } from "../../model/problem.js";
import type { MultipassRegistry as MultipassRegistryConfig } from "../../config/types.js";
import { deleteScript, execScript, launchScript, parseMultipassIpv4 } from "../planners/multipass.js";
import { registryCloudInit, registrySetupScript } from "../planners/registry.js";
import type { RegistryEndpoint } from "./registry.js";

export interface MultipassRegistryArgs {
  readonly config: MultipassRegistryConfig;
  readonly vmName: string;
  readonly image: string;
}

/** The policies allow the bridge subnet; a VM outside it would have its pulls denied. */
export function checkRegistryAddress(ip: string, bridgeCidr: string): string {
  const net = parseCidr(bridgeCidr);
  const addr = parseCidr(ip);
  if (net === undefined || addr === undefined || !cidrContains(net, addr)) {
    throw new UserError([
      {
        path: "calico-baseline:registry.bridgeCidr",
        value: bridgeCidr,
        message: `does not contain the registry VM's address ${ip}, so the baseline policies would block image pulls`,
        hint: `set it to the multipass bridge subnet, e.g. ${ip.split(".").slice(0, 3).join(".")}.0/24`,
      },
    ]);
  }
  return ip;
}

export class MultipassRegistry extends pulumi.ComponentResource implements RegistryEndpoint {
  readonly host: pulumi.Output<string>;
  readonly ip: pulumi.Output<string>;
  readonly username: string;
  readonly password: pulumi.Output<string>;
  readonly caPem: pulumi.Output<string>;
  readonly ready: pulumi.Resource[];
  readonly instance: pulumi.Output<string>;

  constructor(name: string, args: MultipassRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:registry:MultipassRegistry", name, {}, opts);
    const c = args.config;
    this.username = c.username;

    const caKey = new tls.PrivateKey(`${name}-ca-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
    const ca = new tls.SelfSignedCert(
      `${name}-ca`,
      {
        privateKeyPem: caKey.privateKeyPem,
        isCaCertificate: true,
        subject: { commonName: "calico-baseline registry CA", organization: "calico-baseline" },
        validityPeriodHours: 24 * 365 * 2,
        earlyRenewalHours: 24 * 30,
        allowedUses: ["cert_signing", "crl_signing"],
      },
      { parent: this },
    );
    const password = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent: this });

    const vm = new command.local.Command(
      `${name}-vm`,
      {
        create: launchScript({ name: args.vmName, image: args.image, ...c.vm }),
        delete: deleteScript(args.vmName),
        stdin: registryCloudInit(),
        interpreter: ["/bin/bash", "-c"],
        triggers: [args.image, c.vm.cpus, c.vm.memory, c.vm.disk],
      },
      { parent: this, deleteBeforeReplace: true, replaceOnChanges: ["*"] },
    );
    this.ip = vm.stdout.apply((json) => checkRegistryAddress(parseMultipassIpv4(json, args.vmName), c.bridgeCidr));
    this.host = pulumi.interpolate`${this.ip}:${c.port}`;

    const key = new tls.PrivateKey(`${name}-tls-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent: this });
    const csr = new tls.CertRequest(
      `${name}-tls-csr`,
      { privateKeyPem: key.privateKeyPem, subject: { commonName: args.vmName }, dnsNames: [args.vmName], ipAddresses: [this.ip] },
      { parent: this },
    );
    const cert = new tls.LocallySignedCert(
      `${name}-tls-cert`,
      {
        certRequestPem: csr.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: 24 * 365,
        earlyRenewalHours: 24 * 30,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      { parent: this },
    );
    const setup = new command.local.Command(
      `${name}-setup`,
      {
        create: execScript(args.vmName),
        interpreter: ["/bin/bash", "-c"],
        // A replaced VM is a fresh disk: set it up again even when its address, certificate and password
        // come out the same (dependsOn alone does not re-run a command whose inputs did not change).
        triggers: [vm.id],
        stdin: pulumi.secret(
          pulumi
          .all([ca.certPem, cert.certPem, key.privateKeyPem, password.bcryptHash, this.ip])
          .apply(([caPem, certPem, keyPem, hash, ip]) =>
            registrySetupScript({ port: c.port, caPem, certPem, keyPem, htpasswdLine: `${c.username}:${hash}`, address: ip }),
          ),
        ),
      },
      { parent: this, dependsOn: [vm], additionalSecretOutputs: ["stdin"] },
    );
    this.password = pulumi.secret(password.result);
    this.caPem = ca.certPem;
    this.ready = [setup];
    this.instance = vm.id;
    this.registerOutputs({ host: this.host, caPem: this.caPem });
  }
}
