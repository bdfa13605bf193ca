import { fileURLToPath } from "node:url";
import { run } from "./action/run.js";

// run() is the post step's error boundary: best effort for everything but budgets, errors reported, never hidden.
await run("post", fileURLToPath(new URL("./cli.js", import.meta.url)));
