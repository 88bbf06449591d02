import { defineConfig } from "vitest/config";

// `npm run test:integration`: tests that start real servers (Debian's docker-registry, skopeo).
export default defineConfig({
  test: {
    include: ["test/**/*.integration.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    fileParallelism: false,
  },
});
