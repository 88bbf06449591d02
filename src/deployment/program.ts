/**
 * The program's entry, shared by `index.ts` (the Pulumi.yaml `main` the Node.js language host runs) and the
 * end-to-end suite's Automation API inline program (test/e2e), so both run exactly the same code: read and
 * validate the stack config, render the baseline, build the stack.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../model/problem.js";
import { synthMonitoring } from "../rendering/monitoring.js";
import { synthBaseline } from "../rendering/synth.js";
import { readStackConfig } from "./config.js";
import { createStack, type Renderers, type StackOutputs } from "./stack.js";

/** The real renderers; the e2e suite wraps them to play a developer's edit of one policy. */
export const RENDERERS: Renderers = { synthBaseline, synthMonitoring };

export async function runProgram(renderers: Renderers = RENDERERS): Promise<StackOutputs> {
  try {
    return await createStack(readStackConfig(), renderers);
  } catch (e) {
    // A user mistake (bad config, a policy the renderer refuses, an unreadable manifest) is reported as its
    // problem list only: RunError makes the engine print the message without the program's stack trace.
    if (e instanceof UserError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
