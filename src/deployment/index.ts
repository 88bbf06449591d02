/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi stack select dev && pulumi up`.
 * Reads and validates the stack config, renders the baseline, and builds the stack (program.ts, which the
 * e2e suite's inline program runs too).
 *
 * The stack outputs are the default export: an object holding only the outputs this stack has (kubeconfig,
 * registry, images, mirrorReport; registryCaPem, controlPlaneIp and nodes where they exist). A named export
 * per output would make the engine warn about each undefined one on every run ("Undefined value
 * (controlPlaneIp) will not show as a stack output", @pulumi/pulumi runtime/stack.ts); the nodejs runtime takes
 * a module's default export instead of its named exports when there is one (@pulumi/pulumi cmd/run/run.ts).
 */
import { runProgram } from "./program.js";

export default await runProgram();
