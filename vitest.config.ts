import { defineConfig } from "vitest/config";

// `npm test`: pure Node, no ../shared, no servers. Conformance and integration suites have their own configs.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/**/*.conformance.test.ts", "test/**/*.integration.test.ts", "test/**/*.e2e.test.ts", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // @actions/workflow-parser imports its schema JSON without an import attribute, which Node refuses;
    // inlined, vite transforms it (test/github/policy-review-workflow.test.ts).
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
