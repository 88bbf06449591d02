/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi stack select dev && pulumi up`.
 * Reads and validates the stack config, renders the baseline, and builds the stack (program.ts, which the
 * e2e suite's inline program runs too).
 */
import { runProgram } from "./program.js";

const outputs = await runProgram();

export const kubeconfig = outputs.kubeconfig;
export const registry = outputs.registry;
export const registryCaPem = outputs.registryCaPem;
export const images = outputs.images;
export const mirrorReport = outputs.mirrorReport;
export const controlPlaneIp = outputs.controlPlaneIp;
export const nodes = outputs.nodes;
