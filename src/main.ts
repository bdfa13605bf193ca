import { fileURLToPath } from "node:url";
import { run } from "./action/steps/main.js";

// run() is the one error boundary of the main step (also the entry @github/local-action calls).
await run(fileURLToPath(new URL("./cli.js", import.meta.url)));
