/**
 * A runner-style harness for the action's bundled entry points: it runs `node dist/main.js` for each
 * footprint step of a job and then `node dist/post.js` for each of them in reverse order, with the
 * environment the Actions runner gives a node action:
 * - `INPUT_<NAME>` for every input of action.yml (uppercase, spaces → `_`, dashes kept), defaults filled
 *   in from action.yml like the runner does (`${{ github.token }}` → the job's token);
 * - per-step `GITHUB_OUTPUT`, `GITHUB_STATE`, `GITHUB_STEP_SUMMARY`, `GITHUB_ENV` files; state that main
 *   saved reaches its post step as `STATE_<name>` env vars (parsed from the heredoc format @actions/core
 *   writes); variables exported to `GITHUB_ENV` reach every later step of the job;
 * - job-wide `RUNNER_TEMP`, `GITHUB_EVENT_PATH` (a pull_request or push payload), `GITHUB_*` identity,
 *   `GITHUB_API_URL` and `ACTIONS_RESULTS_URL`/`ACTIONS_RUNTIME_TOKEN` pointing at loopback fakes.
 * Every child is bounded by a timeout; `cleanup()` kills a sampler a failed test left behind.
 *
 * With `inProcess`, a step runs in the test's own process instead: the same `runGuarded` the bundle's entry
 * points call, from source, with a `StepCore` for @actions/core and this job's env (nothing of it reaches
 * process.env, so jobs can run concurrently). The sampler still runs as the bundled CLI. It costs no node
 * start and no bundle load (~0.4 CPU-s for a main step, ~1 for a post step on a 2-core CI machine); the
 * contract tests keep the bundle, which is what a runner runs. A `run:` command's output goes to the test
 * process's stdout, not to the step's.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runGuarded } from "../../src/action/run.js";
import { distEntry } from "./dist.js";
import { StepCore } from "./step-core.js";

const ACTION_YML = join(process.cwd(), "action.yml");

export interface ActionYmlEntry {
  description: string;
  default?: string;
  required?: string;
}
export interface ActionYml {
  inputs: Record<string, ActionYmlEntry>;
  outputs: Record<string, ActionYmlEntry>;
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return JSON.parse(v) as string;
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  return v;
}

/**
 * The `inputs:` and `outputs:` maps of action.yml: a reader for the subset it uses (two-space nesting,
 * one-line scalar values, plain or quoted). Throws on a line it does not understand inside those maps,
 * so a new YAML construct there cannot be silently misread.
 */
export function readActionYml(text: string = readFileSync(ACTION_YML, "utf8")): ActionYml {
  const out: ActionYml = { inputs: {}, outputs: {} };
  let section: "inputs" | "outputs" | null = null;
  let entry: ActionYmlEntry | null = null;
  for (const [i, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    const top = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (top) {
      section = top[1] === "inputs" || top[1] === "outputs" ? top[1] : null;
      entry = null;
      continue;
    }
    if (section === null) continue;
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (name) {
      entry = { description: "" };
      out[section][name[1]!] = entry;
      continue;
    }
    const prop = /^ {4}(description|default|required):\s*(.*)$/.exec(line);
    if (prop && entry && !/^[|>][-+]?$/.test(prop[2]!.trim())) {
      entry[prop[1] as keyof ActionYmlEntry] = unquote(prop[2]!);
      continue;
    }
    throw new Error(`action.yml line ${i + 1} is not understood by the test reader: ${line}`);
  }
  return out;
}

/** Parse a GITHUB_OUTPUT / GITHUB_STATE file: `name<<DELIM\nvalue\nDELIM` blocks (and legacy `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, key, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`file command ${key} has no closing delimiter`);
      out[key!] = value.join("\n");
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) throw new Error(`file command line not understood: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/** `INPUT_<NAME>` the way @actions/core's getInput looks it up. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
}

export interface PullRequestEvent {
  number: number;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
}

export interface JobOptions {
  /** GITHUB_API_URL (the fake GitHub) */
  apiUrl: string;
  /** ACTIONS_RESULTS_URL (the fake results service); absent → no ACTIONS_* vars at all */
  resultsUrl?: string;
  runtimeToken?: string;
  token: string;
  repository?: string;
  repositoryId?: number;
  /** a pull_request event; absent → a push to main */
  pullRequest?: PullRequestEvent;
  /** the push's SHA (push events) */
  sha?: string;
  runId?: number;
  workflow?: string;
  job?: string;
  /** extra env for every step (ML_FOOTPRINT_*, FAKE_NVIDIA_SMI_FIXTURE, …) */
  env?: Record<string, string>;
  /** reuse this RUNNER_TEMP (a state directory a previous job left behind); default a fresh one */
  runnerTemp?: string;
  /** per child process; default 150 s (a loaded machine; a hang still fails) */
  timeoutMs?: number;
  /** run the steps in-process (see the top of this file); default: the bundle, as the runner does */
  inProcess?: boolean;
}

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** the step's `::error::` / `::warning::` workflow commands, message only */
  errors: string[];
  warnings: string[];
}

function commands(stdout: string, kind: "error" | "warning"): string[] {
  const decode = (s: string): string => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
  return stdout
    .split("\n")
    .map((l) => new RegExp(`^::${kind}(?: [^:]*)?::(.*)$`).exec(l)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(decode);
}

/** The environment the runner would not pass on: anything of a real runner this test may run inside. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(GITHUB_|INPUT_|STATE_|ACTIONS_|RUNNER_|ML_FOOTPRINT_)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

export class RunnerJob {
  readonly dir: string;
  readonly runnerTemp: string;
  readonly env: Record<string, string>;
  private readonly posts: Array<{ inputs: Record<string, string>; state: Record<string, string> }> = [];
  private steps = 0;
  private readonly timeoutMs: number;

  constructor(private readonly opts: JobOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "mlf-runner-"));
    this.runnerTemp = opts.runnerTemp ?? join(this.dir, "_temp");
    mkdirSync(this.runnerTemp, { recursive: true });
    this.timeoutMs = opts.timeoutMs ?? 150_000;
    const repository = opts.repository ?? "octo-org/octo-repo";
    const repositoryId = opts.repositoryId ?? 1296269;
    const pr = opts.pullRequest;
    const eventPath = join(this.dir, "event.json");
    writeFileSync(
      eventPath,
      JSON.stringify(
        pr
          ? {
              action: "synchronize",
              number: pr.number,
              pull_request: {
                number: pr.number,
                head: { sha: pr.headSha, ref: pr.headRef },
                base: { sha: pr.baseSha, ref: pr.baseRef },
              },
              repository: { id: repositoryId, full_name: repository },
            }
          : {
              ref: "refs/heads/main",
              after: opts.sha,
              repository: { id: repositoryId, full_name: repository },
            },
      ),
    );
    const workspace = join(this.dir, "workspace");
    mkdirSync(workspace);
    this.env = {
      ...cleanEnv(),
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_EVENT_NAME: pr ? "pull_request" : "push",
      GITHUB_REPOSITORY: repository,
      GITHUB_REPOSITORY_ID: String(repositoryId),
      GITHUB_REPOSITORY_OWNER: repository.split("/")[0]!,
      GITHUB_SHA: pr ? "f".repeat(40) : (opts.sha ?? "e".repeat(40)), // PRs run on a merge commit
      GITHUB_REF: pr ? `refs/pull/${pr.number}/merge` : "refs/heads/main",
      GITHUB_BASE_REF: pr?.baseRef ?? "",
      GITHUB_HEAD_REF: pr?.headRef ?? "",
      GITHUB_RUN_ID: String(opts.runId ?? 9001),
      GITHUB_RUN_ATTEMPT: "1",
      GITHUB_JOB: opts.job ?? "train",
      GITHUB_WORKFLOW: opts.workflow ?? "train",
      GITHUB_API_URL: opts.apiUrl,
      GITHUB_SERVER_URL: "https://github.com",
      RUNNER_TEMP: this.runnerTemp,
      RUNNER_ENVIRONMENT: "github-hosted",
      RUNNER_OS: "Linux",
      RUNNER_ARCH: "X64",
      RUNNER_NAME: "GitHub Actions 1",
      // GPU measurement is deterministic: no nvidia-smi unless a test passes the fake one.
      ML_FOOTPRINT_NVIDIA_SMI: "/nonexistent/nvidia-smi",
      ...(opts.resultsUrl
        ? { ACTIONS_RESULTS_URL: opts.resultsUrl, ACTIONS_RUNTIME_TOKEN: opts.runtimeToken ?? "" }
        : {}),
      ...opts.env,
    };
  }

  /** INPUT_* for every action.yml input: the step's `with:` over action.yml's defaults. */
  private inputEnv(inputs: Record<string, string>): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, spec] of Object.entries(readActionYml().inputs)) {
      const fallback = (spec.default ?? "").replace(/\$\{\{\s*github\.token\s*\}\}/, this.opts.token);
      env[inputEnvName(name)] = fallback;
    }
    for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
    return env;
  }

  private async node(
    entry: "main.js" | "post.js",
    inputs: Record<string, string>,
    state: Record<string, string>,
  ): Promise<StepResult> {
    const stepDir = join(this.dir, `step-${++this.steps}-${entry.replace(".js", "")}`);
    mkdirSync(stepDir);
    const files = {
      GITHUB_OUTPUT: join(stepDir, "output"),
      GITHUB_STATE: join(stepDir, "state"),
      GITHUB_STEP_SUMMARY: join(stepDir, "summary.md"),
      GITHUB_ENV: join(stepDir, "env"),
      GITHUB_PATH: join(stepDir, "path"),
    };
    for (const path of Object.values(files)) writeFileSync(path, "");
    const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
    const env = { ...this.env, ...this.inputEnv(inputs), ...stateEnv, ...files };
    if (this.opts.inProcess) return this.inProcess(entry, env);
    const { code, stdout, stderr } = await runBounded(
      process.execPath,
      [distEntry(entry)],
      env,
      this.env.GITHUB_WORKSPACE!,
      this.timeoutMs,
    );
    // Like the runner: variables a step exported (GITHUB_ENV) reach the job's later steps, posts included.
    Object.assign(this.env, parseFileCommands(readFileSync(files.GITHUB_ENV, "utf8")));
    return {
      code,
      stdout,
      stderr,
      outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, "utf8")),
      state: parseFileCommands(readFileSync(files.GITHUB_STATE, "utf8")),
      summary: readFileSync(files.GITHUB_STEP_SUMMARY, "utf8"),
      errors: commands(stdout, "error"),
      warnings: commands(stdout, "warning"),
    };
  }

  private async inProcess(entry: "main.js" | "post.js", env: Record<string, string>): Promise<StepResult> {
    const core = new StepCore(env);
    let summary = "";
    const step = () =>
      runGuarded(entry === "main.js" ? "main" : "post", {
        core,
        env,
        cwd: this.env.GITHUB_WORKSPACE!,
        cliPath: distEntry("cli.js"),
        summary: { write: async (markdown) => void (summary = markdown) },
      });
    // Steps that may upload the report (a post step, a finish step) run with the artifact env in process.env.
    const uploads = entry === "post.js" || env[inputEnvName("finish")] === "true";
    await withTimeout(uploads ? withArtifactEnv(env, step) : step(), this.timeoutMs, `in-process ${entry}`);
    Object.assign(this.env, core.exported);
    return {
      code: core.failed ? 1 : 0,
      stdout: core.stdout,
      stderr: "",
      outputs: core.outputs,
      state: core.state,
      summary,
      errors: commands(core.stdout, "error"),
      warnings: commands(core.stdout, "warning"),
    };
  }

  /** A `uses: ml-footprint` step: runs main now; its post runs in `finish()`. */
  async step(inputs: Record<string, string> = {}): Promise<StepResult> {
    const result = await this.node("main.js", inputs, {});
    this.posts.push({ inputs, state: result.state });
    return result;
  }

  /** A plain `run:` step of the job (bash, in the workspace). */
  async shell(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return runBounded(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", script],
      this.env,
      this.env.GITHUB_WORKSPACE!,
      this.timeoutMs,
    );
  }

  /** The post steps, in reverse order of their main steps (like the runner). Returns them in run order. */
  async finish(): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const post of [...this.posts].reverse())
      results.push(await this.node("post.js", post.inputs, post.state));
    this.posts.length = 0;
    return results;
  }

  /** Convenience: the owner's (first step's) post result after `finish()`. */
  static owner(posts: StepResult[]): StepResult {
    const last = posts.at(-1);
    if (!last) throw new Error("no post step ran");
    return last;
  }

  /** Kill a sampler left running (a test that failed before the post step) and remove the job's files. */
  cleanup(): void {
    try {
      const pid = Number(readFileSync(join(this.runnerTemp, "ml-footprint", "sampler.pid"), "utf8").trim());
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, "SIGKILL");
    } catch {
      // no sampler, or it has exited already
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * @actions/artifact reads its service (ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL, GITHUB_SERVER_URL) from
 * process.env and nowhere else, so an in-process step that may upload sets them there for its duration and
 * restores them after; such steps take turns within a test process.
 */
let artifactEnvTurn: Promise<unknown> = Promise.resolve();
const ARTIFACT_ENV = /^(ACTIONS_.*|GITHUB_SERVER_URL)$/;

function withArtifactEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const saved = Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => ARTIFACT_ENV.test(k))
        .map((k) => [k, process.env[k]]),
    );
    for (const key of Object.keys(saved)) delete process.env[key];
    for (const [key, value] of Object.entries(env)) if (ARTIFACT_ENV.test(key)) process.env[key] = value;
    try {
      return await work();
    } finally {
      for (const key of Object.keys(process.env)) if (ARTIFACT_ENV.test(key)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  };
  const turn = artifactEnvTurn.then(run, run);
  artifactEnvTurn = turn.catch(() => undefined);
  return turn;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} ran past ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function runBounded(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`${args[0] ?? command} ran past ${timeoutMs} ms; stdout so far:\n${stdout}\n${stderr}`),
      );
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
