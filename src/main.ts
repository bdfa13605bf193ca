import * as core from "@actions/core";
import { fileURLToPath } from "node:url";
import { runActionMain } from "./flows/action-main.js";

// The one error boundary of the main step: helpers throw, only this decides the step's fate.
try {
  await runActionMain({
    core,
    env: process.env,
    cliPath: fileURLToPath(new URL("./cli.js", import.meta.url)),
  });
} catch (error) {
  core.setFailed(`ml-footprint: ${(error as Error).message}`);
}
