/** What the rest of the program needs from the private registry, whichever flavour it is. */
import type * as pulumi from "@pulumi/pulumi";

export interface RegistryEndpoint {
  /** `host:port` as image references use it. */
  readonly host: pulumi.Output<string>;
  readonly username: string;
  /** Secret Output. */
  readonly password: pulumi.Output<string>;
  /** PEM CA the registry certificate chains to, when it is not publicly trusted. */
  readonly caPem?: pulumi.Output<string>;
  /** Resources that must exist before anything pulls from or pushes to the registry. */
  readonly ready: pulumi.Resource[];
  /**
   * Identifies the registry's storage: it changes whenever the registry is re-created empty (a replaced
   * registry VM may come back with the same address, so the host alone does not tell). The image mirror
   * copies again when it changes.
   */
  readonly instance: pulumi.Input<string>;
}
