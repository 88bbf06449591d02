/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi stack select dev && pulumi up`.
 * Reads and validates the stack config, renders the baseline, and builds the stack.
 */
import { synthMonitoring } from "../rendering/monitoring.js";
import { synthBaseline } from "../rendering/synth.js";
import { readStackConfig } from "./config.js";
import { createStack } from "./stack.js";

const outputs = await createStack(readStackConfig(), { synthBaseline, synthMonitoring });

export const kubeconfig = outputs.kubeconfig;
export const registry = outputs.registry;
export const registryCaPem = outputs.registryCaPem;
export const images = outputs.images;
export const mirrorReport = outputs.mirrorReport;
export const controlPlaneIp = outputs.controlPlaneIp;
