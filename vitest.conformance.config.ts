import { defineConfig } from "vitest/config";

// `npm run test:conformance`: tests that read the upstream reference data in ../shared/data.
export default defineConfig({
  test: {
    include: ["test/**/*.conformance.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
