/**
 * Credentials kept from user code: a `run:` command gets the job's environment without the action's
 * inputs (INPUT_GITHUB-TOKEN, INPUT_ELECTRICITY-MAPS-TOKEN) and the runner's ACTIONS_RUNTIME_TOKEN, and the
 * detached sampler — readable from /proc/<pid>/environ by every later step — holds no token at all.
 * The bundled action under the runner emulator.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FAST, TOKEN, worldFor } from "../action/world.js";

const EM_TOKEN = "em_secretToken_0123456789abcdef";

describe.skipIf(process.platform !== "linux")("credentials", () => {
  it("the wrapped command and the detached sampler see no input, token or runtime credential", async (ctx) => {
    const world = await worldFor(ctx);
    const job = world.job({ env: { MY_JOB_VAR: "kept" } });
    const runtimeToken = job.env.ACTIONS_RUNTIME_TOKEN!;
    expect(runtimeToken).not.toBe("");
    const envFile = join(job.dir, "command-env.txt");
    const first = await job.step({ ...FAST, "electricity-maps-token": EM_TOKEN });
    expect(first.code).toBe(0);
    const pid = Number(readFileSync(join(job.runnerTemp, "ml-footprint", "sampler.pid"), "utf8").trim());
    const samplerEnv = readFileSync(`/proc/${pid}/environ`, "utf8");
    const wrapped = await job.step({
      ...FAST,
      "electricity-maps-token": EM_TOKEN,
      phase: "eval",
      run: `env > '${envFile}'`,
    });
    expect(wrapped.code).toBe(0);
    const commandEnv = readFileSync(envFile, "utf8");
    await job.finish();

    for (const seen of [commandEnv, samplerEnv]) {
      expect(seen).not.toContain(TOKEN);
      expect(seen).not.toContain(EM_TOKEN);
      expect(seen).not.toContain(runtimeToken);
      expect(seen).not.toMatch(/(^|\n|\0)INPUT_/);
      expect(seen).not.toMatch(/(^|\n|\0)ACTIONS_RUNTIME_TOKEN=/);
    }
    // The job's own environment still reaches the command; the sampler keeps only what it needs.
    expect(commandEnv).toMatch(/^MY_JOB_VAR=kept$/m);
    expect(commandEnv).toMatch(/^GITHUB_REPOSITORY=octo-org\/octo-repo$/m);
    expect(commandEnv).toMatch(/^ML_FOOTPRINT_METRICS=/m);
    expect(samplerEnv).not.toContain("MY_JOB_VAR");
    expect(samplerEnv).toContain("PATH=");
  }, 120_000);
});
