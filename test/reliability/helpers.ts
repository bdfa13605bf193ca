/** Shared bits of the fault-injection tests: a hand-checkable power model, temp dirs, bounded waits. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PowerModels } from "../../src/measure/power-model.js";

/** CPU 100 W × util (±10 %), memory 2 W (±1 W): easy to integrate by hand. */
export const models: PowerModels = {
  cpu: {
    powerW: (u) => ({ w: 100 * u, lowW: 90 * u, highW: 110 * u }),
    detail: "linear test model",
    provenance: "modelled",
  },
  memory: { w: 2, lowW: 1, highW: 3, detail: "test memory" },
  other: null,
};

export const FAKE_SMI = fileURLToPath(new URL("../fixtures/bin/nvidia-smi", import.meta.url));
export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/nvidia-smi/${name}`, import.meta.url));
export const PROC_RUNNER = fileURLToPath(new URL("../fixtures/proc/runner-4vcpu", import.meta.url));

export const tmp = (prefix = "mlf-rel-"): string => mkdtempSync(join(tmpdir(), prefix));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Lines in a file (0 while it does not exist): a readiness signal for "the sampler has written N lines". */
export function lineCount(path: string): number {
  try {
    return readFileSync(path, "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
