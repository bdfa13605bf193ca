/**
 * The `core` a step gets when the runner harness runs it in-process (RunnerJob with `inProcess`): inputs and
 * saved state come from the step's env (`INPUT_*`, `STATE_*`) the way @actions/core reads them, and what the
 * step says comes back the way the runner sees it from a process: log lines and workflow commands (`::warning::`,
 * `::add-mask::`, escaped like @actions/core's command.js) in `stdout`, outputs, state and exported variables
 * as maps, `setFailed` as exit code 1.
 */
import type { CoreLike } from "../../src/action/core.js";

/** @actions/core's escapeData / escapeProperty (lib/command.js). */
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export class StepCore implements CoreLike {
  stdout = "";
  failed = false;
  readonly outputs: Record<string, string> = {};
  readonly state: Record<string, string> = {};
  readonly exported: Record<string, string> = {};

  constructor(private readonly env: Record<string, string>) {}

  getInput(name: string): string {
    return (this.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
  }
  getState(name: string): string {
    return this.env[`STATE_${name}`] ?? "";
  }
  setOutput(name: string, value: string): void {
    this.outputs[name] = value;
  }
  saveState(name: string, value: string): void {
    this.state[name] = value;
  }
  exportVariable(name: string, value: string): void {
    this.exported[name] = value;
  }
  setSecret(secret: string): void {
    this.command("add-mask", secret);
  }
  info(message: string): void {
    this.stdout += `${message}\n`;
  }
  debug(message: string): void {
    this.command("debug", message);
  }
  notice(message: string, properties?: { title?: string }): void {
    this.command("notice", message, properties);
  }
  warning(message: string, properties?: { title?: string }): void {
    this.command("warning", message, properties);
  }
  error(message: string, properties?: { title?: string }): void {
    this.command("error", message, properties);
  }
  setFailed(message: string): void {
    this.failed = true;
    this.error(message);
  }

  private command(name: string, message: string, properties: { title?: string } = {}): void {
    const props = Object.entries(properties)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
      .join(",");
    this.stdout += `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}\n`;
  }
}
