/**
 * Copies the planned images from their public sources into the private registry with
 * `skopeo copy --all --preserve-digests` (planners/mirror.ts), on the machine running Pulumi. The list and
 * the registry are inputs, so the copy re-runs only when they change, or when the registry itself was
 * re-created empty (`RegistryEndpoint.instance`).
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { mirrorList, mirrorTargets, type MirroredImage, type PlannedImage } from "../images.js";
import { MIRROR_COMMAND, MIRROR_SCRIPT, mirrorEnvironment } from "../planners/mirror.js";
import type { RegistryEndpoint } from "./registry.js";

export interface ImageMirrorArgs {
  readonly images: readonly PlannedImage[];
  readonly registry: RegistryEndpoint;
}

export class ImageMirror extends pulumi.ComponentResource {
  /** Every image with its reference in the private registry. */
  readonly images: pulumi.Output<MirroredImage[]>;
  /** What skopeo reported: `source -> target@digest` per image. */
  readonly report: pulumi.Output<string>;
  readonly copy: command.local.Command;

  constructor(name: string, args: ImageMirrorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("calico-baseline:registry:ImageMirror", name, {}, opts);
    const r = args.registry;
    this.images = r.host.apply((host) => mirrorTargets(args.images, host));
    const env = pulumi
      .all([this.images, r.host, r.password, r.caPem])
      .apply(([images, host, password, caPem]) =>
        mirrorEnvironment({ images: mirrorList(images), registry: host, username: r.username, password, ...(caPem !== undefined ? { caPem } : {}) }),
      );
    this.copy = new command.local.Command(
      `${name}-copy`,
      {
        create: MIRROR_COMMAND,
        update: MIRROR_COMMAND,
        stdin: MIRROR_SCRIPT,
        interpreter: ["/bin/bash", "-c"],
        environment: pulumi.secret(env),
        // Copy again into a re-created (empty) registry, even if its address and credentials are unchanged.
        triggers: [r.instance],
      },
      { parent: this, dependsOn: r.ready },
    );
    this.report = this.copy.stdout;
    this.registerOutputs({ images: this.images, report: this.report });
  }
}
