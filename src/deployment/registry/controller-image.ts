/**
 * Builds the networkset-sync controller's image from this repository and pushes it into the private registry
 * (planners/controller-image.ts), on the machine running Pulumi, when the program fills the registry itself
 * (`registry.mirror: true`; the multipass registry). The controller has no public image to mirror.
 *
 * Re-runs when the target reference or the registry changes, or when the registry was re-created empty
 * (`RegistryEndpoint.instance`). Changed controller code needs a new tag (`networkSetSync.image`): the
 * Deployment rolls only on a new image reference too, so a tag is never overwritten in place.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { MirroredImage } from "../images.js";
import { CONTROLLER_IMAGE_COMMAND, CONTROLLER_IMAGE_SCRIPT, controllerImageEnvironment } from "../planners/controller-image.js";
import type { RegistryEndpoint } from "./registry.js";

/** The repository root: the nearest folder above this module holding scripts/build-controller-image.mjs. */
export function repositoryRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let d = from; ; d = dirname(d)) {
    if (existsSync(join(d, "scripts", "build-controller-image.mjs"))) return d;
    if (dirname(d) === d) throw new Error(`no scripts/build-controller-image.mjs above ${from}: the program runs from a calico-baseline checkout`);
  }
}

export interface ControllerImageArgs {
  /** The planned controller image with its target in the registry. */
  readonly image: pulumi.Output<MirroredImage>;
  readonly registry: RegistryEndpoint;
}

export class ControllerImage extends pulumi.ComponentResource {
  /** `built and pushed <target>@<digest>`. */
  readonly report: pulumi.Output<string>;
  readonly push: command.local.Command;

  constructor(name: string, args: ControllerImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:registry:ControllerImage", name, {}, opts);
    const r = args.registry;
    const env = pulumi
      .all([args.image, r.host, r.password, r.caPem])
      .apply(([image, host, password, caPem]) =>
        controllerImageEnvironment({ target: image.target, tag: image.tag, registry: host, username: r.username, password, ...(caPem !== undefined ? { caPem } : {}) }),
      );
    this.push = new command.local.Command(
      `${name}-push`,
      {
        create: CONTROLLER_IMAGE_COMMAND,
        update: CONTROLLER_IMAGE_COMMAND,
        stdin: CONTROLLER_IMAGE_SCRIPT,
        interpreter: ["/bin/bash", "-c"],
        dir: repositoryRoot(),
        environment: pulumi.secret(env),
        triggers: [r.instance, args.image.apply((i) => i.target)],
      },
      { parent: this, dependsOn: r.ready },
    );
    this.report = this.push.stdout;
    this.registerOutputs({ report: this.report });
  }
}
