import { defineConfig } from "vitest/config";

// `npm run test:e2e` (test/e2e/run.sh builds the tools first): the real Pulumi engine and Kubernetes provider
// against a real control plane on loopback. One file at a time: each starts its own control plane.
export default defineConfig({
  test: {
    include: ["test/**/*.e2e.test.ts"],
    testTimeout: 1_200_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    // The engine's output and the versions the suite prints are the point of the run.
    silent: false,
    reporters: ["verbose"],
  },
});
