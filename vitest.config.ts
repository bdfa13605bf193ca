import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Sized for a loaded 2-core machine, where one bundle step can take seconds to start: a timeout here
    // means a hang, never "slow". Tests wait on readiness signals, not on sleeps.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores in CI: keep the pool small so child-process tests are not starved.
    maxWorkers: 2,
  },
});
