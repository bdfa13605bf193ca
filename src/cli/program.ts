/**
 * The `ml-footprint` command line: commander program with `run`, `sampler`, and the carbon and report
 * commands. Returns an exit code instead of calling process.exit, so tests can drive it.
 */
import { Command, CommanderError } from "commander";
import { InputError } from "../model/units.js";
import { TOOL_VERSION } from "../version.js";
import { registerCompareCommand } from "./compare.js";
import { registerEstimateCommand } from "./estimate.js";
import { registerHistoryCommand } from "./history.js";
import { registerRegionsCommand } from "./regions.js";
import { registerRunCommand } from "./run.js";
import { registerSchemaCommand } from "./schema.js";
import { registerExportCommand } from "./export.js";
import { registerSamplerCommands } from "./sampler.js";

export function buildProgram(): Command {
  const program = new Command("ml-footprint")
    .description("Measure the energy and CO2e of ML jobs; compare a PR with its base branch.")
    .version(TOOL_VERSION, "-V, --version")
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)");
  registerRunCommand(program);
  registerSamplerCommands(program);
  registerEstimateCommand(program);
  registerRegionsCommand(program);
  registerCompareCommand(program);
  registerHistoryCommand(program);
  registerSchemaCommand(program);
  registerExportCommand(program);
  return program;
}
/** Parse argv and run; returns the process exit code. Bad input → one line on stderr and exit 2. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  for (const sub of program.commands) sub.exitOverride();
  try {
    process.exitCode = 0;
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return 0;
      return 2; // commander already printed the message
    }
    if (error instanceof InputError) {
      process.stderr.write(`ml-footprint: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`ml-footprint: error: ${(error as Error).message}\n`);
    return 1;
  }
}
