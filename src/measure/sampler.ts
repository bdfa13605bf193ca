/**
 * The sampler: reads every source once per tick and appends one NDJSON line to the samples file.
 * Cheap by construction: two or three small synchronous file reads per tick, one write, no process per
 * sample (the GPU stream is one long-running nvidia-smi child, NVML's energy counter one long-running python3
 * helper asked once per tick), no buffering in memory.
 */
import { closeSync, existsSync, openSync, writeSync } from "node:fs";
import type { Hardware } from "../model/report.js";
import { discoverRapl, readRaplCounters, type RaplDomain } from "./sources/rapl.js";
import { createCpuUtilReader, type CpuUtilReader } from "./sources/proc-stat.js";
import { createCgroupCpuReader } from "./sources/cgroup-cpu.js";
import { jobAttribution, type AttributionResult, type OsShape } from "./attribution.js";
import {
  powermetricsCommand,
  SocCounter,
  startPowermetricsStream,
  type SocEnergy,
  type PowermetricsStream,
} from "./sources/powermetrics.js";
import { startNvidiaSmiStream, type NvidiaSmiRow, type NvidiaSmiStream } from "./sources/nvidia-smi.js";
import { anchoredClock } from "./clock.js";
import { formatLine, type GpuReading, type SamplesFileLine } from "./samples.js";
import { ALL_GPUS, resolveGpuSelection, type GpuSelection } from "./gpu-select.js";
import { startNvmlReader, type NvmlReader, type NvmlReaderOptions } from "./sources/nvml.js";
import { executableExists } from "./sources/find-executable.js";
import { nvmlCodeName, stepCounter, type CounterTrack } from "./gpu-counter.js";

export interface SamplerOptions {
  samplesPath: string;
  intervalMs: number;
  /** phase name written at the start */
  phase: string;
  procRoot?: string;
  sysRoot?: string;
  /** tests: the platform and node:os functions (CPU counts, memory, os.cpus() times); default the real ones */
  platform?: NodeJS.Platform;
  os?: OsShape;
  /**
   * The command that runs Apple's powermetrics (CPU, GPU and ANE power); null: none. Default: the
   * ML_FOOTPRINT_POWERMETRICS path, else `sudo -n powermetrics` on macOS on Apple silicon (see powermetrics.ts).
   */
  powermetrics?: string[] | null;
  /**
   * A file whose appearance asks the sampler to stop (background mode; Windows has no SIGTERM): looked for after
   * each tick, then `stopRequested` resolves and the owner calls stop().
   */
  stopFile?: string;
  /** bound on the wait for powermetrics' first window (default max(3 s, 3 intervals)) */
  powermetricsStartWaitMs?: number;
  /** path or name of nvidia-smi; null disables GPU measurement */
  nvidiaSmi?: string | null;
  /** environment of nvidia-smi and the NVML helper; default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Bounded wait for the first GPU reading before the measurement starts (default 5 s), so the run's head is
   * covered; a GPU slower than that is held back to the start instead (see integrate.ts, edge rule).
   */
  gpuStartWaitMs?: number;
  /** the job's GPUs (gpus input, CUDA_VISIBLE_DEVICES, …); default all. Others are listed, not sampled. */
  gpuSelection?: GpuSelection;
  /**
   * NVML's energy counter through the python3 helper (python, helper path, env); null disables it. Started
   * only when GPU measurement is on (nvidiaSmi not null).
   */
  nvml?: NvmlReaderOptions | null;
  /** bound on one counter answer (default max(2 s, one interval)); a late answer leaves that reading empty */
  nvmlReadTimeoutMs?: number;
  /** one-line notes that are not warnings (why the counter is not used, …); default: dropped */
  onInfo?: (message: string) => void;
  /** wall clock, read once at construction to anchor timestamps (default Date.now) */
  now?: () => number;
  /** monotonic clock for everything after (default performance.now); see anchoredClock */
  monotonicNow?: () => number;
}

export interface SamplerStats {
  ticks: number;
  gpuPresent: boolean;
  raplDomains: string[];
  /** lines that could not be written (disk full, read-only or missing directory) */
  writeFailures: number;
  /** the first write or open error, e.g. "ENOSPC"; null when every line was written */
  writeError: string | null;
}

/** GPU readings older than this many intervals are stale and not written. */
const GPU_FRESHNESS_INTERVALS = 2;
/**
 * Bound on the wait for the first GPU reading. nvidia-smi without persistence mode initialises the driver
 * first, which takes seconds on multi-GPU machines; past this the head is held (and widens the range).
 */
const GPU_START_WAIT_MS = 5_000;
/** After the first row of a block, the rest of the block (one line per GPU) arrives within this. */
const FIRST_BLOCK_SETTLE_MS = 100;
/** Counter answers missed in a row before the helper is given up (killed; the stream carries every GPU). */
const NVML_MAX_MISSED_READS = 3;

/** Per GPU UUID: the counter's state, or why there is none. */
type CounterState = { on: true; track: CounterTrack | undefined } | { on: false; why: string };

export class Sampler {
  private readonly options: SamplerOptions;
  private readonly now: () => number;
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private nextTickAt = 0;
  private ticks = 0;
  private readonly cpuReader: CpuUtilReader;
  /** whose CPU time the utilisation is: the job's cgroup share or the host (see attribution.ts) */
  private readonly attribution: AttributionResult;
  private raplDomains: RaplDomain[] = [];
  private gpuStream: NvidiaSmiStream | null = null;
  private gpuPresent = false;
  private readonly gpuLatest = new Map<number, { row: NvidiaSmiRow; atMs: number }>();
  /** the GPUs of the last inventory written (index and UUID or name of each), with which have a counter */
  private gpuInventory = { rowsKey: "", count: 0, counterKey: "" };
  /** indices of the GPUs that count; null until the first inventory */
  private gpuCounted: Set<number> | null = null;
  private readonly warned = new Set<string>();
  private stopped = false;
  private last: Extract<SamplesFileLine, { t: "s" }> | null = null;
  private writeFailures = 0;
  private writeError: string | null = null;
  private gpuRestarted = false;
  private nvml: NvmlReader | null = null;
  /** NVML device order (UUIDs) once the helper answered; null while unknown or unavailable */
  private nvmlUuids: (string | null)[] | null = null;
  private readonly counters = new Map<string, CounterState>();
  /** latest counter value per UUID (mJ from the first reading; null: this reading failed or reset) */
  private readonly counterE = new Map<string, number | null>();
  private nvmlMissed = 0;
  /** counted GPUs of the latest inventory by UUID (index), for counter readings while their row is stale */
  private gpuIndexByUuid = new Map<string, number>();
  private tickChain: Promise<unknown> = Promise.resolve();
  private soc: SocCounter | null = null;
  private socStream: PowermetricsStream | null = null;
  /** the last powermetrics counter written (kept monotone, a guard: SocCounter's answers never go back) */
  private socWritten: SocEnergy | null = null;
  /** called whenever a powermetrics window arrives or the stream ends (waits at start and stop) */
  private socChanged: () => void = () => {};
  private stopRequest: () => void = () => {};
  /** resolves when the stop file appears (see SamplerOptions.stopFile) */
  readonly stopRequested: Promise<void> = new Promise((resolve) => (this.stopRequest = resolve));

  constructor(options: SamplerOptions) {
    this.options = options;
    // Intervals and timestamps follow the monotonic clock: a wall-clock step back must not freeze the
    // schedule below, and one forward must not skip ticks or stretch the duration.
    this.now = anchoredClock({ wallNow: options.now, monotonicNow: options.monotonicNow });
    this.attribution = jobAttribution({
      procRoot: options.procRoot,
      sysRoot: options.sysRoot,
      env: options.env ?? process.env,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(options.os ? { os: options.os } : {}),
    });
    const usage = this.attribution.usage;
    this.cpuReader = usage
      ? createCgroupCpuReader(usage, this.attribution.vcpus)
      : createCpuUtilReader(options.procRoot, {
          ...(options.platform ? { platform: options.platform } : {}),
          ...(options.os ? { cpus: () => options.os!.cpus() } : {}),
        });
  }

  private write(line: SamplesFileLine): void {
    if (this.fd === null) {
      this.writeFailures += 1;
      return;
    }
    try {
      writeSync(this.fd, formatLine(line));
    } catch (error) {
      // Disk full or read-only: measurement must never break the job; stats() tells the caller what was lost.
      this.writeFailures += 1;
      this.writeError ??= errorCode(error);
    }
  }

  async start(): Promise<void> {
    // "a": append-only, so a crash leaves every complete line readable.
    try {
      this.fd = openSync(this.options.samplesPath, "a");
    } catch (error) {
      // A missing or read-only directory must not stop the measured command from running.
      this.writeError = errorCode(error);
    }
    const rapl = await discoverRapl(this.options.sysRoot);
    this.raplDomains = rapl.domains;
    const pmCommand =
      this.options.powermetrics === undefined
        ? powermetricsCommand(this.options.env ?? process.env)
        : this.options.powermetrics;
    if (pmCommand) await this.startPowermetrics(pmCommand);
    // GPU sources first: the measurement starts once they answer (or the bound passes), not before.
    if (this.options.nvidiaSmi !== null) await this.startGpu();
    const startMs = this.now();
    this.write({
      t: "meta",
      v: 1,
      startMs,
      intervalMs: this.options.intervalMs,
      cpu: { scope: this.attribution.attribution.scope, vcpus: this.attribution.vcpus },
      ...(rapl.domains.length
        ? { raplMaxUj: Object.fromEntries(rapl.domains.map((d) => [d.id, d.maxEnergyRangeUj])) }
        : {}),
    });
    // No RAPL at all is the normal case on cloud VMs (the CPU component then says "cpu-model"); only
    // RAPL that exists but cannot be read deserves a warning, because a permission change would fix it.
    if (rapl.unavailableReason && !rapl.absent)
      this.write({ t: "warn", ts: startMs, message: rapl.unavailableReason });
    this.write({ t: "phase", ts: startMs, name: this.options.phase });
    await this.tick(startMs);
    this.nextTickAt = startMs + this.options.intervalMs;
    this.schedule();
  }

  /**
   * Start powermetrics and wait (bounded) for its first window: the measurement starts with a known power. No
   * window (sudo asks for a password, no powermetrics, another Mac) → the CPU model, with a note saying why.
   */
  private async startPowermetrics(command: string[]): Promise<void> {
    const soc = new SocCounter();
    let endReason: string | null = null;
    this.socStream = startPowermetricsStream({
      command,
      intervalMs: this.options.intervalMs,
      env: this.options.env ?? process.env,
      now: this.now,
      onWindow: (window, atMs) => {
        soc.add(window, atMs);
        this.socChanged();
      },
      onEnd: (reason) => {
        soc.end();
        endReason = reason;
        this.socChanged();
        if (this.stopped || soc.windows === 0 || this.soc !== soc) return;
        this.write({
          t: "warn",
          ts: this.now(),
          message: `${reason} after ${soc.windows} samples; CPU energy from here on comes from the CPU model, Apple GPU and ANE energy is not measured`,
        });
      },
    });
    const waitMs = this.options.powermetricsStartWaitMs ?? Math.max(3_000, 3 * this.options.intervalMs);
    const started = await this.waitForSoc(() => soc.windows > 0 || soc.isEnded, waitMs);
    if (started && soc.windows > 0) {
      this.soc = soc;
      return;
    }
    await this.socStream.stop();
    this.socStream = null;
    this.info(
      `Apple silicon power not measured: ${endReason ?? `powermetrics gave no sample within ${waitMs} ms`} (it needs root: a password-less sudo rule for powermetrics lets \`sudo -n\` start it); CPU energy is modelled`,
    );
  }

  /** Wait until `done()` holds (checked at each powermetrics event) or `ms` pass; true when it held. */
  private waitForSoc(done: () => boolean, ms: number): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.socChanged = () => {};
        resolve(done());
      }, ms);
      this.socChanged = () => {
        if (!done()) return;
        clearTimeout(timer);
        this.socChanged = () => {};
        resolve(true);
      };
    });
  }

  /** The powermetrics counter at `ts`, monotone per rail; null when powermetrics does not cover it. */
  private socAt(ts: number): SocEnergy | null {
    const value = this.soc?.at(ts) ?? null;
    if (value === null) return null;
    const before = this.socWritten;
    const round = (mj: number) => Math.round(mj * 1_000) / 1_000;
    const next: SocEnergy = {
      cpu: round(Math.max(value.cpu, before?.cpu ?? 0)),
      gpu: round(Math.max(value.gpu, before?.gpu ?? 0)),
      ane: round(Math.max(value.ane, before?.ane ?? 0)),
    };
    this.socWritten = next;
    return next;
  }

  /** Start the nvidia-smi stream and wait (bounded) until its first block of rows has arrived. */
  private async startGpu(): Promise<void> {
    const binary = this.options.nvidiaSmi ?? "nvidia-smi";
    // No nvidia-smi, no GPU to measure: the counter helper (a python3 start) is not started at all.
    if (this.options.nvml !== null && executableExists(binary)) this.startCounter();
    let firstRow: () => void = () => {};
    const firstRowSeen = new Promise<void>((resolve) => (firstRow = resolve));
    this.gpuStream = startNvidiaSmiStream({
      binary,
      env: this.options.env ?? process.env,
      intervalMs: this.options.intervalMs,
      now: this.now,
      onRow: (row, atMs) => {
        this.gpuPresent = true;
        this.gpuLatest.set(row.index, { row, atMs });
        firstRow();
      },
      onGap: (reason) => {
        // What this child showed stays the inventory until the next one's rows (a child that died before the
        // first tick still names the GPUs, and the counter's UUID → index mapping, from the first sample on).
        if (this.gpuLatest.size) this.writeGpuInventoryIfChanged(this.now());
        // The restarted child may see other GPUs: readings and inventory start afresh.
        this.gpuLatest.clear();
        this.gpuRestarted = true;
        this.write({ t: "gap", ts: this.now(), source: "nvidia-smi", reason });
      },
      onWarn: (message) => this.write({ t: "warn", ts: this.now(), message }),
    });
    const stream = this.gpuStream;
    const waitMs = this.options.gpuStartWaitMs ?? GPU_START_WAIT_MS;
    let boundTimer: NodeJS.Timeout | undefined;
    const bound = new Promise<"timeout">((resolve) => {
      boundTimer = setTimeout(() => resolve("timeout"), waitMs);
    });
    const outcome = await Promise.race([
      firstRowSeen.then(() => "row" as const),
      stream.present.then((present) => (present ? ("row" as const) : ("absent" as const))),
      bound,
    ]);
    if (outcome === "absent" && this.nvml) {
      // No usable nvidia-smi, no GPU measured: the counter helper has nothing to serve.
      this.nvmlUuids = null;
      await this.nvml.stop();
      this.nvml = null;
    }
    if (outcome === "row" && this.nvml) {
      // The counter's first answer belongs to the run's first sample, within the same bound.
      await Promise.race([this.nvml.ready, bound]);
    }
    clearTimeout(boundTimer);
    if (outcome === "row") {
      // One block is one line per GPU, printed together: give the rest of the first block a moment.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(FIRST_BLOCK_SETTLE_MS, this.options.intervalMs / 2)),
      );
    }
  }

  /** Start the NVML counter helper; its answer (device UUIDs, or why not) arrives later. */
  private startCounter(): void {
    const nvml = startNvmlReader({ env: this.options.env ?? process.env, ...this.options.nvml });
    this.nvml = nvml;
    void nvml.ready.then((hello) => {
      if (this.stopped || this.nvml !== nvml) return;
      if (hello.ok) this.nvmlUuids = hello.uuids;
      else
        this.info(
          `GPU energy from sampled power (nvidia-smi): NVML energy counter unavailable (${hello.reason})`,
        );
    });
  }

  private info(message: string): void {
    this.options.onInfo?.(message);
  }

  /** setTimeout chained against an absolute schedule: no drift, and a slow tick never piles up. */
  private schedule(): void {
    if (this.stopped) return;
    const delay = Math.max(0, this.nextTickAt - this.now());
    this.timer = setTimeout(() => {
      void this.tick().then(() => {
        if (this.options.stopFile && existsSync(this.options.stopFile)) this.stopRequest();
        const now = this.now();
        this.nextTickAt += this.options.intervalMs;
        if (this.nextTickAt < now) this.nextTickAt = now + this.options.intervalMs; // skip missed ticks
        this.schedule();
      });
    }, delay);
  }

  /** One sample; ticks run one after the other (a counter answer may be awaited inside). */
  private tick(ts?: number): Promise<number> {
    const run = this.tickChain.then(() => this.sample(ts));
    this.tickChain = run.catch(() => undefined);
    return run;
  }

  private async sample(tsAt?: number): Promise<number> {
    let ts = tsAt ?? this.now();
    const line: Extract<SamplesFileLine, { t: "s" }> = { t: "s", ts, cpu: this.cpuReader.read(ts) };
    if (this.raplDomains.length) line.rapl = readRaplCounters(this.raplDomains);
    if (this.soc) {
      const soc = this.socAt(ts);
      if (soc) line.soc = soc;
    }
    if (this.nvmlUuids !== null && this.nvml) {
      const askedAt = this.now();
      await this.readCounters();
      // The counter was read between the question and the answer: the sample stands at their midpoint.
      ts = line.ts = Math.max(ts, (askedAt + this.now()) / 2);
    }
    const fresh: GpuReading[] = [];
    if (this.gpuLatest.size) {
      this.writeGpuInventoryIfChanged(ts);
      for (const { row, atMs } of this.gpuLatest.values()) {
        if (ts - atMs > GPU_FRESHNESS_INTERVALS * this.options.intervalMs) continue;
        if (this.gpuCounted && !this.gpuCounted.has(row.index)) continue;
        const reading: GpuReading = {
          i: row.index,
          w: row.powerW,
          u: row.utilization,
          mem: row.memoryUsedMiB,
        };
        const e = row.uuid === null ? undefined : this.counterE.get(row.uuid);
        if (e !== undefined) reading.e = e;
        fresh.push(reading);
      }
    }
    // A GPU whose row is stale (nvidia-smi restarting) while its counter answers: the counter alone, so the
    // interval stays exact instead of being bridged from sampled power.
    for (const [uuid, index] of this.gpuIndexByUuid) {
      const e = this.counterE.get(uuid);
      if (typeof e === "number" && !fresh.some((g) => g.i === index))
        fresh.push({ i: index, w: null, u: null, mem: null, e });
    }
    if (fresh.length) line.gpu = fresh;
    this.write(line);
    this.last = line;
    this.ticks += 1;
    return ts;
  }

  /** Ask the helper for every counter and update `counterE` (per UUID: value, null, or dropped). */
  private async readCounters(): Promise<void> {
    const nvml = this.nvml!;
    const uuids = this.nvmlUuids!;
    const timeoutMs = this.options.nvmlReadTimeoutMs ?? Math.max(2_000, this.options.intervalMs);
    const read = await nvml.read(timeoutMs);
    const ts = this.now();
    if (read === null) {
      this.nvmlMissed += 1;
      const gone = nvml.exitReason !== null || this.nvmlMissed >= NVML_MAX_MISSED_READS;
      if (!gone) {
        for (const uuid of this.counterE.keys()) this.counterE.set(uuid, null);
        return;
      }
      const why = nvml.exitReason ?? `no answer to ${NVML_MAX_MISSED_READS} readings in a row`;
      if (this.counterE.size)
        this.write({
          t: "warn",
          ts,
          message: `NVML energy counter lost (${why}); GPU energy from sampled power (nvidia-smi) from here on`,
        });
      for (const uuid of this.counterE.keys()) this.counters.set(uuid, { on: false, why });
      this.counterE.clear();
      this.nvmlUuids = null;
      void nvml.stop();
      return;
    }
    this.nvmlMissed = 0;
    for (const [j, uuid] of uuids.entries()) {
      if (uuid === null) continue;
      const state = this.counters.get(uuid);
      if (state?.on === false) continue;
      const step = stepCounter(state?.track, read.e[j] ?? null, read.err[j] ?? -1);
      switch (step.kind) {
        case "value":
          this.counters.set(uuid, { on: true, track: step.track });
          this.counterE.set(uuid, step.eMj);
          break;
        case "reset":
          this.counters.set(uuid, { on: true, track: step.track });
          this.counterE.set(uuid, null);
          this.write({
            t: "warn",
            ts,
            message: `GPU ${uuid}: NVML energy counter went back from ${step.fromMj} to ${step.toMj} mJ (driver reload or counter reset); the intervals around it are integrated from sampled power`,
          });
          break;
        case "unsupported": {
          const why = nvmlCodeName(step.code);
          this.counters.set(uuid, { on: false, why });
          this.info(
            `GPU ${uuid}: NVML energy counter unavailable (${why}); its energy comes from sampled power (nvidia-smi)`,
          );
          break;
        }
        case "failed": {
          const why = nvmlCodeName(step.code);
          this.counters.set(uuid, { on: false, why });
          this.counterE.delete(uuid);
          this.write({
            t: "warn",
            ts,
            message: `GPU ${uuid}: NVML energy counter stopped answering (${why}); its energy from here on comes from sampled power (nvidia-smi)`,
          });
          break;
        }
      }
    }
  }

  private writeGpuInventoryIfChanged(ts: number): void {
    const rows = [...this.gpuLatest.values()].map(({ row }) => row).sort((a, b) => a.index - b.index);
    const counterOn = (uuid: string | null) => uuid !== null && this.counterE.has(uuid);
    const rowsKey = rows.map((g) => `${g.index}:${g.uuid ?? g.name}`).join(",");
    const counterKey = rows.map((g) => (counterOn(g.uuid) ? "e" : "-")).join("");
    const before = this.gpuInventory;
    if (rowsKey === before.rowsKey && counterKey === before.counterKey) return;
    const selection = this.options.gpuSelection ?? ALL_GPUS;
    const resolved = resolveGpuSelection(selection, rows);
    this.gpuCounted = resolved.counted;
    for (const message of resolved.warnings) this.warnOnce(ts, message);
    if (this.nvmlUuids !== null) {
      for (const row of rows) {
        if (row.uuid !== null && this.nvmlUuids.includes(row.uuid)) continue;
        const note = `GPU ${row.index} (${row.uuid ?? "no UUID"}): not among NVML's devices; its energy comes from sampled power (nvidia-smi)`;
        if (!this.warned.has(note)) {
          this.warned.add(note);
          this.info(note);
        }
      }
    }
    const gpus: Hardware["gpus"] = rows.map((row) => ({
      index: row.index,
      name: row.name,
      uuid: row.uuid,
      powerLimitW: row.powerLimitW,
      memoryTotalMiB: row.memoryTotalMiB,
      powerField: row.powerField,
      ...(selection.ids === null ? {} : { counted: resolved.counted.has(row.index) }),
      ...(this.nvmlUuids !== null || this.counters.size ? { counter: counterOn(row.uuid) } : {}),
    }));
    if (this.gpuRestarted && before.rowsKey !== "" && rowsKey !== before.rowsKey) {
      this.write({
        t: "warn",
        ts,
        message: `the GPUs seen by nvidia-smi changed after a restart (${before.count} → ${gpus.length}); the report lists the latest set`,
      });
    }
    this.gpuInventory = { rowsKey, count: rows.length, counterKey };
    this.gpuIndexByUuid = new Map(
      rows.flatMap((row) =>
        row.uuid !== null && resolved.counted.has(row.index) ? [[row.uuid, row.index]] : [],
      ),
    );
    this.write({
      t: "hw",
      ts,
      gpus,
      selection: { source: selection.source, value: selection.value },
    });
  }

  private warnOnce(ts: number, message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.write({ t: "warn", ts, message });
  }

  /** Ticks so far, written or not (a readiness signal for callers that wait for N samples). */
  get tickCount(): number {
    return this.ticks;
  }

  /** The most recent sample (for progress lines). */
  latest(): Extract<SamplesFileLine, { t: "s" }> | null {
    return this.last;
  }

  /** Take a last sample, stop the GPU stream, write the end line and close the file. Idempotent. */
  async stop(): Promise<SamplerStats> {
    if (!this.stopped) {
      this.stopped = true;
      if (this.timer) clearTimeout(this.timer);
      // The measurement ends at the last sample: stopping the GPU child afterwards is not the job's time.
      await this.tickChain;
      // powermetrics prints a window at its end: wait (bounded) for the one that covers the stop, so the last
      // interval ends with its measured average (the counter only moves when a window arrives).
      const stopAt = this.now();
      const soc = this.soc;
      if (soc && !soc.isEnded)
        await this.waitForSoc(
          () => soc.isEnded || (soc.lastEndMs ?? -Infinity) >= stopAt,
          Math.round(1.5 * this.options.intervalMs) + 1_000,
        );
      const endTs = await this.tick(soc ? stopAt : undefined);
      await Promise.all([this.gpuStream?.stop(), this.nvml?.stop(), this.socStream?.stop()]);
      this.write({ t: "end", ts: endTs });
      if (this.fd !== null) closeSync(this.fd);
      this.fd = null;
    }
    return {
      ticks: this.ticks,
      gpuPresent: this.gpuPresent,
      raplDomains: this.raplDomains.map((d) => d.id),
      writeFailures: this.writeFailures,
      writeError: this.writeError,
    };
  }
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? "error";
}
