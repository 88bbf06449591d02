import { defineConfig } from "vitest/config";

// `npm run test:conformance`: tests that read the upstream reference data in ../shared/data.
export default defineConfig({
  test: {
    include: ["test/**/*.conformance.test.ts"],
    // Checks ../shared/data first and names what is missing and where it comes from (test/support/upstream-data.ts).
    globalSetup: ["test/support/upstream-data.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
