import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseReportJson } from "../../src/model/report.js";
import { fastRunArgs, runBundledCli } from "../support/cli.js";
import { waitFor } from "../reliability/helpers.js";

const FAKE_SMI = join(process.cwd(), "test", "fixtures", "bin", "nvidia-smi");
const H100X8 = join(process.cwd(), "test", "fixtures", "nvidia-smi", "h100x8.csv");

const cli = runBundledCli;

const tmp = () => mkdtempSync(join(tmpdir(), "mlf-cli-"));

describe.concurrent("ml-footprint run (bundled CLI, real child processes)", () => {
  it("measures a command, writes a valid report and passes the exit code through", async () => {
    const dir = tmp();
    const out = join(dir, "report.json");
    const result = await cli(
      fastRunArgs(out, [
        process.execPath,
        "-e",
        "const t=Date.now();while(Date.now()-t<600);process.exit(3)",
      ]),
    );
    expect(result.stderr).toContain("report written to");
    expect(result.code).toBe(3);
    const report = parseReportJson(readFileSync(out, "utf8"), out);
    expect(report.exitCode).toBe(3);
    expect(report.durationS).toBeGreaterThan(0.5);
    expect(report.samples).toBeGreaterThanOrEqual(5);
    expect(report.energyWh).toBeGreaterThan(0);
    expect(report.phases[0]!.components.map((c) => c.component)).toContain("cpu");
    expect(report.hardware.gpus).toEqual([]);
    expect(report.carbon?.intensity.gPerKWh).toBe(100);
  });

  it("measures GPUs through a long-running (fake) nvidia-smi stream", async () => {
    const dir = tmp();
    const out = join(dir, "report.json");
    const result = await cli(fastRunArgs(out, [process.execPath, "-e", "setTimeout(()=>{},800)"]), {
      ML_FOOTPRINT_NVIDIA_SMI: FAKE_SMI,
      FAKE_NVIDIA_SMI_FIXTURE: H100X8,
    });
    expect(result.code).toBe(0);
    const report = parseReportJson(readFileSync(out, "utf8"));
    expect(report.hardware.gpus).toHaveLength(8);
    const gpu = report.phases[0]!.components.find((c) => c.component === "gpu");
    expect(gpu?.method).toBe("nvidia-smi");
    expect(gpu!.energyWh).toBeGreaterThan(0);
  });

  it("exits 127 with a clear message when the command cannot be started, and still writes the report", async () => {
    const dir = tmp();
    const out = join(dir, "report.json");
    const result = await cli([
      "run",
      "--carbon-intensity",
      "100",
      "--no-progress",
      "--out",
      out,
      "--",
      "definitely-not-a-command-xyz",
    ]);
    expect(result.code).toBe(127);
    expect(result.stderr).toMatch(/could not start definitely-not-a-command-xyz: ENOENT/);
    expect(parseReportJson(readFileSync(out, "utf8")).exitCode).toBe(127);
  });

  it("forwards SIGTERM to the command and reports the signal", async () => {
    const dir = tmp();
    const out = join(dir, "report.json");
    const script = join(dir, "wait.sh");
    const ready = join(dir, "ready");
    // The command says when its TERM trap is set (a readiness file), instead of a guessed sleep.
    writeFileSync(
      script,
      // bounded (60 s), so a failed run cannot leave it behind holding the CLI's stdout open
      `#!/bin/sh\ntrap 'exit 143' TERM\n: > "${ready}"\ni=0; while [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n`,
    );
    chmodSync(script, 0o755);
    let pid = 0;
    const pending = cli(fastRunArgs(out, [script]), {}, (p) => (pid = p));
    await waitFor("the command to trap SIGTERM", () => existsSync(ready), 60_000);
    process.kill(pid, "SIGTERM");
    const result = await pending;
    expect(result.code).toBe(143);
    expect(parseReportJson(readFileSync(out, "utf8")).exitCode).toBe(143);
  });

  it("forwards a SIGTERM that arrives as the command starts (it signals the CLI at once)", async () => {
    const dir = tmp();
    const out = join(dir, "report.json");
    const script = join(dir, "term-parent.sh");
    // The signal reaches the CLI while it may still be inside spawn(): its forwarders must already listen.
    writeFileSync(
      script,
      `#!/bin/sh\ntrap 'exit 143' TERM\nkill -TERM $PPID\ni=0; while [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done\n`,
    );
    chmodSync(script, 0o755);
    const result = await cli(fastRunArgs(out, [script]));
    expect(result.signal, result.stderr).toBeNull();
    expect(result.code).toBe(143);
    expect(parseReportJson(readFileSync(out, "utf8")).exitCode).toBe(143);
  });

  it.each([
    [["run", "--interval", "5ms", "--", "true"], /--interval: "5ms" is out of range; accepted: 100ms to 60s/],
    [
      ["run", "--interval", "fast", "--", "true"],
      /--interval: "fast" is not valid; accepted: a number with ms, s, m or h/,
    ],
    [["run"], /run: no command given; usage: ml-footprint run \[options\] -- <command...>/],
    [["run", "--bogus", "--", "true"], /unknown option '--bogus'/],
    [
      ["run", "--out", "/nonexistent-dir/report.json", "--", "true"],
      /--out: "\/nonexistent-dir\/report.json" is not writable/,
    ],
    [
      ["run", "--cpu-tdp", "-5", "--", "true"],
      /--cpu-tdp: "-5" is not valid; accepted: a positive number of watts/,
    ],
    [
      ["run", "--pue", "0.8", "--", "true"],
      /--pue: "0.8" is out of range; a PUE is facility power over IT power, accepted: 1.0 to 5.0/,
    ],
    [
      ["run", "--region", "azure:eastuss", "--", "true"],
      /--region: "azure:eastuss" is not a known region; closest: azure:eastus/,
    ],
  ])("rejects bad input %j with one clear line and exit 2", async (args, message) => {
    const result = await cli(args as string[]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message as RegExp);
  });

  it("prints --version and --help", async () => {
    const version = await cli(["--version"]);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
    const help = await cli(["run", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--interval <duration>");
  });
});
