import { fileURLToPath } from "node:url";
import { run } from "./action/run.js";

// run() is the one error boundary of the main step.
await run("main", fileURLToPath(new URL("./cli.js", import.meta.url)));
