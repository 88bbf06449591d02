import { defineConfig } from "vitest/config";

// `npm test`: pure Node, no ../shared, no servers. Conformance and integration suites have their own configs.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.conformance.test.ts", "test/**/*.integration.test.ts", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
