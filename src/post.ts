import * as core from "@actions/core";
import { fileURLToPath } from "node:url";
import { runActionPost } from "./flows/action-post.js";

// The post step is best effort for everything but budgets: an unexpected error is reported, never hidden.
try {
  await runActionPost({
    core,
    env: process.env,
    cliPath: fileURLToPath(new URL("./cli.js", import.meta.url)),
    summary: {
      async write(markdown) {
        if (!process.env.GITHUB_STEP_SUMMARY) return;
        await core.summary.emptyBuffer().addRaw(markdown).write({ overwrite: true });
      },
    },
    // Octokit and the artifact client load only here, after the report is safely on disk.
    publish: async (input) => (await import("./flows/action-publish.js")).publishReport(input),
    aggregate: async (input) => (await import("./flows/action-aggregate.js")).aggregateReports(input),
  });
} catch (error) {
  core.setFailed(`ml-footprint: ${(error as Error).message}`);
}
