/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi stack select dev && pulumi up`.
 * Reads and validates the stack config, renders the baseline, and builds the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../model/problem.js";
import { synthMonitoring } from "../rendering/monitoring.js";
import { synthBaseline } from "../rendering/synth.js";
import { readStackConfig } from "./config.js";
import { createStack, type StackOutputs } from "./stack.js";

async function main(): Promise<StackOutputs> {
  try {
    return await createStack(readStackConfig(), { synthBaseline, synthMonitoring });
  } catch (e) {
    // A user mistake (bad config, a policy the renderer refuses, an unreadable manifest) is reported as its
    // problem list only: RunError makes the engine print the message without the program's stack trace.
    if (e instanceof UserError) throw new pulumi.RunError(e.message);
    throw e;
  }
}

const outputs = await main();

export const kubeconfig = outputs.kubeconfig;
export const registry = outputs.registry;
export const registryCaPem = outputs.registryCaPem;
export const images = outputs.images;
export const mirrorReport = outputs.mirrorReport;
export const controlPlaneIp = outputs.controlPlaneIp;
export const nodes = outputs.nodes;
