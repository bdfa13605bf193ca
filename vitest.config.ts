import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // `::debug::` lines of in-process code are shown only for a failing test (test/support/quiet-debug.ts).
    setupFiles: ["test/support/quiet-debug.ts"],
    // Sized for a loaded 2-core machine, where one bundle step can take seconds to start: a timeout here
    // means a hang, never "slow". Tests wait on readiness signals, not on sleeps.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Two cores in CI: keep the pool small so child-process tests are not starved.
    maxWorkers: 2,
    // Reuse each worker's module graph across test files instead of a fresh one per file: the whole suite
    // took 218 CPU-s instead of 335 (same machine, same load, 767 tests; 2026-11-30). Tests that change
    // process.env restore it in afterEach/finally, and no test mocks modules, so files cannot leak into each other.
    isolate: false,
  },
});
