/**
 * The Pulumi program (Pulumi.yaml `main`): `pulumi stack select dev && pulumi up`.
 * Reads and validates the stack config, renders the baseline, and builds the stack (src/deployment/program.ts).
 *
 * The stack outputs are the default export, an object holding only the outputs this stack has (kubeconfig,
 * registry, images, mirrorReport; registryCaPem, controlPlaneIp and nodes where they exist). Named exports
 * would each be an output, and an undefined one makes the engine warn on every run (the nodejs runtime takes
 * a module's default export instead of its named exports when there is one: @pulumi/pulumi cmd/run/run.ts).
 */
import { program } from "./program.js";

export default await program();
