/** Entry for @github/local-action, which imports a module and calls its `run()` (see the README). */
import { run as runEntry } from "./run.js";

export const run = (): Promise<void> => runEntry("post");
