/**
 * The GitHub token and the Electricity Maps token never appear in logs, outputs, state, reports,
 * summaries, comment bodies or errors. The action's main and post steps run as the bundle (the way the
 * runner runs them) against a hostile loopback "GitHub" that echoes the Authorization header back in its
 * error bodies; the live-intensity path runs against a loopback provider that does the same. Everything
 * written is then scanned for the recognisable fake tokens.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resolveCarbonContext } from "../../src/carbon/context.js";
import { computeCarbon } from "../../src/carbon/compute.js";
import type { CoreLike } from "../../src/action/core.js";
import { readConfigMaskingSecrets } from "../../src/action/inputs.js";
import { distEntry } from "../support/dist.js";
import { tmp } from "./helpers.js";

const GITHUB_TOKEN = "ghs_FAKEgithubTOKEN0123456789abcdefXYZ";
const EMAPS_TOKEN = "emaps_FAKEtoken_9f8e7d6c5b4a";
const SECRETS = [GITHUB_TOKEN, EMAPS_TOKEN];

interface Hostile {
  url: string;
  bodies: string[];
  close(): Promise<void>;
}

/** Answers every request with `status` and a body that quotes the credentials it was sent. */
async function hostile(status: number): Promise<Hostile> {
  const bodies: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      bodies.push(body);
      const echoed = `${req.headers.authorization ?? ""} ${req.headers["auth-token"] ?? ""}`;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ message: `Bad credentials: ${echoed}`, documentation_url: echoed }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    bodies,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const servers: Hostile[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function node(script: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code, out }));
  });
}

/** Every file under `dir`, recursively (the state directory, outputs, summary, report). */
function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

/** `::add-mask::<secret>` is the runner's masking command itself: the runner removes it from the log. */
const withoutMaskCommands = (log: string) =>
  log
    .split("\n")
    .filter((l) => !l.startsWith("::add-mask::"))
    .join("\n");

const leaks: string[] = [];
/** Records every place a secret (or a 16-character prefix of one) shows up; the test asserts none. */
function expectNoSecret(where: string, text: string): void {
  for (const secret of SECRETS) {
    const at = text.indexOf(secret.slice(0, 16));
    if (at >= 0) leaks.push(`${where}: …${text.slice(Math.max(0, at - 100), at + 40)}…`);
  }
}
afterEach(() => {
  const found = leaks.splice(0);
  expect(found).toEqual([]);
});

describe("secrets never leak", () => {
  it("action main + post (bundle) against a GitHub API that echoes the token: nothing written contains it", async () => {
    const github = await hostile(401);
    servers.push(github);
    const root = tmp("mlf-secrets-");
    const runnerTemp = join(root, "runner-temp");
    mkdirSync(runnerTemp);
    const files = {
      state: join(root, "state"),
      output: join(root, "output"),
      summary: join(root, "summary.md"),
      event: join(root, "event.json"),
    };
    for (const path of [files.state, files.output, files.summary]) writeFileSync(path, "");
    writeFileSync(
      files.event,
      JSON.stringify({
        pull_request: {
          number: 7,
          head: { ref: "feature", sha: "a".repeat(40) },
          base: { ref: "main", sha: "b".repeat(40) },
        },
        repository: { id: 1 },
      }),
    );
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: root,
      RUNNER_TEMP: runnerTemp,
      GITHUB_STATE: files.state,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_EVENT_NAME: "pull_request",
      GITHUB_REPOSITORY: "octo/repo",
      GITHUB_REPOSITORY_ID: "1",
      GITHUB_SHA: "a".repeat(40),
      GITHUB_API_URL: github.url,
      GITHUB_RUN_ID: "100",
      GITHUB_JOB: "train",
      ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi",
      ML_FOOTPRINT_RETRY_BASE_MS: "0",
      "INPUT_GITHUB-TOKEN": GITHUB_TOKEN,
      "INPUT_ELECTRICITY-MAPS-TOKEN": EMAPS_TOKEN,
      INPUT_REGION: "FR",
      INPUT_INTERVAL: "100ms",
      INPUT_COMMENT: "always",
    };
    const main = await node(distEntry("main.js"), env);
    expect(main.code).toBe(0);
    expect(main.out).toContain(`::add-mask::${GITHUB_TOKEN}`);
    expect(main.out).toContain(`::add-mask::${EMAPS_TOKEN}`);
    // The runner turns the state file into STATE_<name> variables for the post step.
    const state = readFileSync(files.state, "utf8");
    const stateEnv: Record<string, string> = {};
    for (const match of state.matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) {
      stateEnv[`STATE_${match[1]}`] = match[3] ?? "";
    }
    expect(stateEnv.STATE_owner).toBe("true");
    await new Promise((resolve) => setTimeout(resolve, 400));
    const post = await node(distEntry("post.js"), { ...env, ...stateEnv });

    expectNoSecret("main step log", withoutMaskCommands(main.out));
    expectNoSecret("post step log", withoutMaskCommands(post.out));
    for (const path of [...allFiles(root)]) expectNoSecret(path, readFileSync(path, "utf8"));
    for (const body of github.bodies) expectNoSecret("a request body sent to GitHub", body);
    // The hostile server was really asked (with the token) and its echo really came back.
    expect(github.bodies.length).toBeGreaterThan(0);
    // API faults (401 everywhere) are warnings: the post step does not fail the job.
    expect(post.code).toBe(0);
    expect(post.out).not.toMatch(/^::error::/m);
    expect(post.out).toMatch(/^::warning::/m);
    expect(readFileSync(files.summary, "utf8")).toContain("Energy");
  });

  it("the live intensity path with a provider that echoes the token (200 without a value, 401, 403, 429, 500): warnings are clean", async () => {
    for (const status of [200, 401, 403, 429, 500]) {
      const provider = await hostile(status);
      servers.push(provider);
      const ctx = await resolveCarbonContext({
        region: "FR",
        electricityMapsToken: EMAPS_TOKEN,
        liveIntensity: true,
        env: {},
        endpoints: { electricityMaps: provider.url },
        timeoutMs: 500,
      });
      expect(ctx.intensity.live).toBe(false);
      expect(ctx.warnings.join("\n")).toMatch(/Electricity Maps/);
      const carbon = computeCarbon(
        {
          energyWh: 10,
          lowWh: 9,
          highWh: 11,
          durationS: 60,
          phases: [],
          hardware: { cpu: { brand: "test CPU", threads: 4, cores: 2 }, memoryGB: 16, gpus: [] },
        },
        ctx,
      );
      expectNoSecret(`carbon context (${status})`, JSON.stringify(ctx));
      expectNoSecret(`carbon result (${status})`, JSON.stringify(carbon));
    }
  });

  it("both tokens are masked (core.setSecret) before anything else runs", () => {
    const masked: string[] = [];
    const inputs: Record<string, string> = {
      "github-token": GITHUB_TOKEN,
      "electricity-maps-token": EMAPS_TOKEN,
    };
    const core = {
      getInput: (name: string) => inputs[name] ?? "",
      setSecret: (secret: string) => masked.push(secret),
    } as unknown as CoreLike;
    readConfigMaskingSecrets(core);
    expect(masked.sort()).toEqual([...SECRETS].sort());
  });
});
