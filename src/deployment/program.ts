/**
 * The program's entry as a function: reads and validates the stack config from the engine, renders the
 * baseline and builds the stack, and returns the stack outputs. `index.ts` (Pulumi.yaml `main`) exports its
 * result; an Automation API inline program (`LocalWorkspace` with `program:`) can call it directly, once per
 * operation.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserError } from "../model/problem.js";
import { synthMonitoring } from "../rendering/monitoring.js";
import { synthBaseline } from "../rendering/synth.js";
import { readStackConfig } from "./config.js";
import { createStack, type StackOutputs } from "./stack.js";

export async function program(): Promise<StackOutputs> {
  try {
    // StackOutputs holds only the outputs this stack has: the engine warns about every undefined top-level
    // output ("Undefined value (controlPlaneIp) will not show as a stack output", @pulumi/pulumi runtime/stack.ts),
    // so an output a stack does not have (controlPlaneIp off multipass, registryCaPem without a CA) is absent.
    return await createStack(readStackConfig(), { synthBaseline, synthMonitoring });
  } catch (e) {
    // A user mistake (bad config, a policy the renderer refuses, an unreadable manifest) is reported as its
    // problem list only: RunError makes the engine print the message without the program's stack trace.
    if (e instanceof UserError) throw new pulumi.RunError(e.message);
    throw e;
  }
}
