import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores in CI: keep the pool small so child-process tests are not starved.
    maxWorkers: 2,
  },
});
