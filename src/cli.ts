import { runCli } from "./flows/cli-program.js";

process.exitCode = await runCli(process.argv.slice(2));
