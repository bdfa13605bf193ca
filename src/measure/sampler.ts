/**
 * The sampler: reads every source once per tick and appends one NDJSON line to the samples file.
 * Cheap by construction: two or three small synchronous file reads per tick, one write, no process per
 * sample, no buffering in memory, and nothing between ticks: the one timer is the tick's. GPUs are read by
 * ONE reader (gpu-reader.ts) that serves power, utilisation, memory and the energy counter together: NVML inside
 * this process where the owner asks for it (the detached sampler: the tick reads it synchronously, one wake-up
 * per tick in all), else a child asked once per tick (NVML through a python3 helper, amd-smi on AMD); the
 * long-running nvidia-smi stream is the fallback where no reader can be loaded, and its staleness bounds are
 * checked at the tick, not by a timer.
 */
import { closeSync, existsSync, openSync, writeSync } from "node:fs";
import type { Hardware } from "../model/report.js";
import { discoverRapl, RaplFiles, readRaplCounters, type RaplDomain } from "./sources/rapl.js";
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
import type { GpuReading, SamplesFileLine } from "./samples.js";
import { formatLine } from "./samples-line.js";
import { ALL_GPUS, resolveGpuSelection, type GpuSelection } from "./gpu-select.js";
import type { NvmlReaderOptions } from "./sources/nvml.js";
import { executableExists } from "./sources/find-executable.js";
import { amdSmiGpuReader } from "./sources/amd-smi.js";
import { nvmlCodeName, stepCounter, type CounterTrack } from "./gpu-counter.js";
import {
  nvmlGpuReader,
  nvmlInProcessGpuReader,
  type GpuReader,
  type GpuReaderHello,
  type GpuTickReading,
} from "./gpu-reader.js";
import { loadKoffi } from "./sources/nvml-ffi.js";

type SampleLine = Extract<SamplesFileLine, { t: "s" }>;

/** A reader's answer that was the tick (the reader is the clock while it runs). */
interface Answered {
  reader: GpuReader;
  read: GpuTickReading[] | null;
}

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
   * The NVML reader (python3 helper: python, helper path, env); null disables it and the nvidia-smi stream reads
   * the GPUs. Started only when GPU measurement is on (nvidiaSmi not null) and nvidia-smi exists (the driver is
   * installed), so a machine without a GPU starts no python3.
   */
  nvml?: NvmlReaderOptions | null;
  /**
   * Read NVML inside this process (Koffi, sources/nvml-ffi.ts) where it loads, the python3 helper where it does
   * not. Only for a process that does nothing but sample (the detached sampler, sampler-process.ts): an NVML
   * call that hangs stops this process's ticks. Default false.
   */
  nvmlInProcess?: boolean;
  /** bound on one reader answer (default max(2 s, one interval)); a late answer leaves that reading empty */
  nvmlReadTimeoutMs?: number;
  /** a GPU reader to use instead of NVML (tests); started the same way */
  gpuReader?: () => GpuReader;
  /**
   * path or name of amd-smi (default "amd-smi" on PATH), read where there is no nvidia-smi; null disables AMD
   * GPU measurement. Only when GPU measurement is on (nvidiaSmi not null).
   */
  amdSmi?: string | null;
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
/** Reader answers missed in a row before the reader is given up (killed; the nvidia-smi stream takes over). */
const READER_MAX_MISSED_READS = 3;
/**
 * While the reader answers, its watchdog looks at most once every this many intervals (a hung reader is then
 * noticed up to this many intervals later; its misses follow one limit apart, as before).
 */
const WATCHDOG_LOOK_INTERVALS = 10;

/** Per GPU UUID: the counter's state, or why there is none. */
type CounterState = { on: true; track: CounterTrack | undefined } | { on: false; why: string };

export class Sampler {
  private readonly options: SamplerOptions;
  private readonly now: () => number;
  private fd: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** the reader whose answers `timer` watches (null: `timer` is the sampler's own tick) */
  /** when the reader last answered (or the watchdog last took a miss), on this.now() */
  private lastAnswerAt = 0;
  private nextTickAt = 0;
  private ticks = 0;
  private readonly cpuReader: CpuUtilReader;
  /** whose CPU time the utilisation is: the job's cgroup share or the host (see attribution.ts) */
  private readonly attribution: AttributionResult;
  private raplDomains: RaplDomain[] = [];
  private readonly raplFiles = new RaplFiles();
  private gpuStream: NvidiaSmiStream | null = null;
  private gpuPresent = false;
  private readonly gpuLatest = new Map<number, { row: NvidiaSmiRow; atMs: number }>();
  /** the GPUs of the last inventory written (index and UUID or name of each), with which have a counter */
  private gpuInventory = { rowsKey: "", count: 0, counterKey: "", reader: "" };
  /** indices of the GPUs that count; null until the first inventory */
  private gpuCounted: Set<number> | null = null;
  private readonly warned = new Set<string>();
  private stopped = false;
  private last: Extract<SamplesFileLine, { t: "s" }> | null = null;
  private writeFailures = 0;
  private writeError: string | null = null;
  private gpuRestarted = false;
  /** the GPU reader (NVML, AMD); null when the stream reads the GPUs or there are none */
  private reader: GpuReader | null = null;
  /** the reader answered with its GPUs: ticks ask it */
  private readerReady = false;
  private readonly counters = new Map<string, CounterState>();
  /** latest counter value per GPU key (mJ from the first reading; null: this reading failed or reset) */
  private readonly counterE = new Map<string, number | null>();
  private readerMissed = 0;
  /** counted GPUs of the latest inventory by key (index), for counter readings while their row is stale */
  private gpuIndexByUuid = new Map<string, number>();
  private tickChain: Promise<unknown> = Promise.resolve();
  /** ticks begun through the promise chain and not yet finished (0: a tick may run synchronously) */
  private ticksInFlight = 0;
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

  /**
   * Start the GPU reader (NVML where it loads), else the nvidia-smi stream, and wait (bounded) until the first
   * GPU reading can be taken. A reader that answers after the bound (background mode waits 0 ms) is taken up
   * at its answer; one that cannot be loaded hands over to the stream then.
   */
  private async startGpu(): Promise<void> {
    const binary = this.options.nvidiaSmi ?? "nvidia-smi";
    const waitMs = this.options.gpuStartWaitMs ?? GPU_START_WAIT_MS;
    let boundTimer: NodeJS.Timeout | undefined;
    const bound = new Promise<"timeout">((resolve) => {
      boundTimer = setTimeout(() => resolve("timeout"), waitMs);
    });
    try {
      // No nvidia-smi, no NVIDIA driver: neither the reader (a python3 start) nor the stream is started;
      // amd-smi, where it exists, reads AMD GPUs.
      const env = this.options.env ?? process.env;
      if (!executableExists(binary, env.PATH)) {
        const amdSmi = this.options.amdSmi === undefined ? "amd-smi" : this.options.amdSmi;
        if (amdSmi === null || !executableExists(amdSmi, env.PATH)) return;
        const reader = amdSmiGpuReader({ binary: amdSmi, env, intervalMs: this.options.intervalMs });
        this.reader = reader;
        const hello = await Promise.race([reader.ready, bound]);
        if (hello === "timeout") void reader.ready.then((late) => this.takeUpReader(reader, late));
        else this.takeUpReader(reader, hello);
        return;
      }
      const makeReader =
        this.options.gpuReader ??
        (this.options.nvml === null
          ? null
          : () =>
              this.inProcessNvml() ??
              nvmlGpuReader({ env: this.options.env ?? process.env, ...this.options.nvml }));
      if (makeReader) {
        const reader = makeReader();
        this.reader = reader;
        const hello = await Promise.race([reader.ready, bound]);
        if (hello === "timeout") {
          void reader.ready.then((late) => this.takeUpReader(reader, late));
          return;
        }
        this.takeUpReader(reader, hello, false);
        if (hello.ok) return;
      }
      await this.startStream(binary, bound);
    } finally {
      clearTimeout(boundTimer);
    }
  }

  /** The in-process NVML reader where asked for and Koffi loads; null (with a note why) for the helper. */
  private inProcessNvml(): GpuReader | null {
    if (!this.options.nvmlInProcess) return null;
    const koffi = loadKoffi();
    if (koffi.ok) return nvmlInProcessGpuReader(koffi.koffi, undefined, this.options.nvml?.readyTimeoutMs);
    this.info(`NVML read through the python3 helper: ${koffi.reason}`);
    return null;
  }

  /** The reader's first answer: use it from the next tick, or hand over to the nvidia-smi stream. */
  private takeUpReader(reader: GpuReader, hello: GpuReaderHello, startStream = true): void {
    if (this.stopped || this.reader !== reader) return;
    if (hello.ok) {
      this.readerReady = true;
      return;
    }
    this.reader = null;
    void reader.stop();
    if (reader.kind !== "nvml") {
      this.write({ t: "warn", ts: this.now(), message: `AMD GPUs not measured: ${hello.reason}` });
      return;
    }
    this.info(`GPU read through nvidia-smi (sampled power): NVML unavailable (${hello.reason})`);
    if (startStream && this.gpuStream === null)
      void this.startStream(this.options.nvidiaSmi ?? "nvidia-smi", null);
  }

  /** Start the nvidia-smi stream and wait (bounded) until its first block of rows has arrived. */
  private async startStream(binary: string, bound: Promise<"timeout"> | null): Promise<void> {
    if (this.stopped) return;
    let firstRow: () => void = () => {};
    const firstRowSeen = new Promise<void>((resolve) => (firstRow = resolve));
    this.gpuStream = startNvidiaSmiStream({
      binary,
      env: this.options.env ?? process.env,
      intervalMs: this.options.intervalMs,
      now: this.now,
      // Staleness is checked at each tick (sample()): the stream adds no timer of its own.
      externalCheck: true,
      onRow: (row, atMs) => {
        this.gpuPresent = true;
        this.gpuLatest.set(row.index, { row, atMs });
        firstRow();
      },
      onGap: (reason) => {
        // What this child showed stays the inventory until the next one's rows (a child that died before the
        // first tick still names the GPUs from the first sample on).
        if (this.gpuLatest.size) this.writeGpuInventoryIfChanged(this.now());
        // The restarted child may see other GPUs: readings and inventory start afresh.
        this.gpuLatest.clear();
        this.gpuRestarted = true;
        this.write({ t: "gap", ts: this.now(), source: "nvidia-smi", reason });
      },
      onWarn: (message) => this.write({ t: "warn", ts: this.now(), message }),
    });
    if (bound === null) return;
    const stream = this.gpuStream;
    const outcome = await Promise.race([
      firstRowSeen.then(() => "row" as const),
      stream.present.then((present) => (present ? ("row" as const) : ("absent" as const))),
      bound,
    ]);
    if (outcome === "row") {
      // One block is one line per GPU, printed together: give the rest of the first block a moment.
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(FIRST_BLOCK_SETTLE_MS, this.options.intervalMs / 2)),
      );
    }
  }

  private info(message: string): void {
    this.options.onInfo?.(message);
  }

  /** setTimeout chained against an absolute schedule: no drift, and a slow tick never piles up. */
  private schedule(): void {
    if (this.stopped) return;
    const delay = Math.max(0, this.nextTickAt - this.now());
    const reader = this.reader;
    const next = () => {
      const now = this.now();
      this.nextTickAt += this.options.intervalMs;
      if (this.nextTickAt < now) this.nextTickAt = now + this.options.intervalMs; // skip missed ticks
      this.schedule();
    };
    if (reader && this.readerReady && !reader.readSync) {
      // The GPU reader is the clock: it reads the GPUs each time a tick falls due and its answer is the tick,
      // so this process wakes once per tick and writes nothing to ask. A watchdog timer takes the tick when an
      // answer does not come; an answer only notes its time (no timer touched on the path of every tick).
      const onRead = (read: GpuTickReading[] | null) => {
        if (this.stopped || this.reader !== reader) return;
        this.lastAnswerAt = this.now();
        if (this.ticksInFlight === 0) {
          // The answer in hand: the whole tick runs here, synchronously (see tick).
          this.tickNow(undefined, { reader, read });
          this.afterReaderTick(reader);
          return;
        }
        void this.tick(undefined, { reader, read }).then(() => this.afterReaderTick(reader));
      };
      reader.subscribe(delay, this.options.intervalMs, onRead);
      this.lastAnswerAt = this.now();
      this.armWatchdog(reader, this.watchdogLimitMs());
      return;
    }
    this.timer = setTimeout(() => {
      if (this.ticksInFlight === 0 && !this.needsAwait()) {
        this.tickNow();
        next();
      } else void this.tick().then(next);
    }, delay);
  }

  /** No answer for a whole interval past its due time: a tick without it (a miss), then wait on. */
  private watchdogLimitMs(): number {
    return this.options.intervalMs + this.readTimeoutMs();
  }

  private armWatchdog(reader: GpuReader, inMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.watchdog(reader), inMs);
  }

  /**
   * The watchdog's look: silent for the whole limit → a miss tick, and the next look one limit later; answers
   * coming → the next look when the last answer would be overdue, but no sooner than WATCHDOG_LOOK_INTERVALS
   * intervals. A timer pushed back at every answer is not free: Node's timer list still fires at its first due
   * time and re-queues the timer, a wake-up with no tick every two to three seconds (strace: an epoll_pwait
   * that times out between answers), measured 0.1-0.3 extra wake-ups a second.
   */
  private watchdog(reader: GpuReader): void {
    if (this.stopped || this.reader !== reader) return;
    const limitMs = this.watchdogLimitMs();
    const now = this.now();
    const silentMs = now - this.lastAnswerAt;
    if (silentMs < limitMs) {
      this.armWatchdog(
        reader,
        Math.max(limitMs - silentMs, WATCHDOG_LOOK_INTERVALS * this.options.intervalMs),
      );
      return;
    }
    this.lastAnswerAt = now; // this miss stands for the interval: the next one after another whole limit
    this.armWatchdog(reader, limitMs);
    void this.tick(undefined, { reader, read: null }).then(() => this.afterReaderTick(reader));
  }

  /** After a tick the reader drove: where the reader was given up, the sampler's own timer takes over. */
  private afterReaderTick(reader: GpuReader): void {
    if (this.stopped || this.reader === reader) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextTickAt = this.now() + this.options.intervalMs;
    this.schedule();
  }

  private readTimeoutMs(): number {
    return this.options.nvmlReadTimeoutMs ?? Math.max(2_000, this.options.intervalMs);
  }

  /**
   * One sample; ticks run one after the other (a reader's answer may be awaited inside). A tick that awaits
   * nothing (the reader's answer in hand, or no on-demand reader) while none is in flight runs synchronously:
   * no promise chain, no microtasks, on the path that runs once a second for the whole job.
   */
  private tick(ts?: number, answered?: Answered): Promise<number> {
    if (this.ticksInFlight === 0 && !this.needsAwait(answered))
      return Promise.resolve(this.tickNow(ts, answered));
    this.ticksInFlight += 1;
    const run = this.tickChain.then(() => this.sample(ts, answered));
    this.tickChain = run.catch(() => undefined).finally(() => (this.ticksInFlight -= 1));
    // The stop file (Windows has no SIGTERM) is looked for at each tick, whoever drove it: no timer of its own.
    return run.then((at) => {
      this.checkStopFile();
      return at;
    });
  }

  /** The synchronous tick (see tick): the sample, then the stop file. */
  private tickNow(ts?: number, answered?: Answered): number {
    const at = this.sampleNow(ts, answered);
    this.checkStopFile();
    return at;
  }

  private checkStopFile(): void {
    if (this.options.stopFile && existsSync(this.options.stopFile)) this.stopRequest();
  }

  /** Whether a sample would await the reader (an on-demand reader asked at the tick, no answer in hand). */
  private needsAwait(answered?: Answered): boolean {
    return (
      !answered &&
      this.reader !== null &&
      this.readerReady &&
      this.reader.readsOnDemand &&
      !this.reader.readSync
    );
  }

  private async sample(tsAt?: number, answered?: Answered): Promise<number> {
    if (!this.needsAwait(answered)) return this.sampleNow(tsAt, answered);
    const reader = this.reader!;
    const line = this.beginLine(tsAt ?? this.now());
    const askedAt = this.now();
    const read = await reader.read(this.readTimeoutMs());
    // The GPUs were read between the question and the answer: the sample stands at their midpoint.
    const ts = (line.ts = Math.max(line.ts, (askedAt + this.now()) / 2));
    if (this.reader === reader) this.applyRead(reader, read, ts);
    return this.finishLine(line, false);
  }

  /** A sample that awaits nothing: the reader's answer in hand, a reader that only answers on its own, or none. */
  private sampleNow(tsAt?: number, answered?: Answered): number {
    const line = this.beginLine(tsAt ?? this.now());
    let notFresh = false;
    if (answered) {
      // The reader's answer was the tick: its reading was taken just before it arrived.
      if (this.reader === answered.reader) this.applyRead(answered.reader, answered.read, line.ts);
    } else if (this.reader?.readSync && this.readerReady) {
      // In process: the GPUs are read now, at this tick, by this process.
      this.applyRead(this.reader, this.reader.readSync(), line.ts);
    } else if (this.reader && this.readerReady) {
      // A tick between the tool's own readings (the first and the last): no GPU reading of its own; the edge
      // rule holds the nearest reading over the stretch, with the range widened.
      notFresh = true;
    }
    return this.finishLine(line, notFresh);
  }

  private beginLine(ts: number): SampleLine {
    const line: SampleLine = { t: "s", ts, cpu: this.cpuReader.read(ts) };
    if (this.raplDomains.length) line.rapl = readRaplCounters(this.raplDomains, this.raplFiles);
    if (this.soc) {
      const soc = this.socAt(ts);
      if (soc) line.soc = soc;
    }
    return line;
  }

  /** GPU readings into the line, the line into the file. */
  private finishLine(line: SampleLine, notFresh: boolean): number {
    const ts = line.ts;
    this.gpuStream?.check();
    const fresh: GpuReading[] = [];
    if (this.gpuLatest.size && !notFresh) {
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
        const e = this.counterE.get(gpuKey(row));
        if (e !== undefined) reading.e = e;
        fresh.push(reading);
      }
    }
    // A GPU whose row is stale (nvidia-smi restarting) while its counter answers: the counter alone, so the
    // interval stays exact instead of being bridged from sampled power.
    for (const [uuid, index] of notFresh ? [] : this.gpuIndexByUuid) {
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

  /** Where a GPU's power comes from once its counter is not used, for messages. */
  private powerSource(): string {
    return this.reader?.kind === "nvml"
      ? "NVML power readings"
      : this.reader
        ? `${this.reader.kind} power readings`
        : "nvidia-smi";
  }

  /** The reader's answer: rows into `gpuLatest`, counters into `counterE`; none: a miss, or the reader is gone. */
  private applyRead(reader: GpuReader, read: GpuTickReading[] | null, ts: number): void {
    if (read === null) {
      this.readerMissed += 1;
      const gone = reader.exitReason !== null || this.readerMissed >= READER_MAX_MISSED_READS;
      if (!gone) {
        for (const key of this.counterE.keys()) this.counterE.set(key, null);
        return;
      }
      this.dropReader(
        reader,
        reader.exitReason ?? `no answer to ${READER_MAX_MISSED_READS} readings in a row`,
        ts,
      );
      return;
    }
    this.readerMissed = 0;
    this.gpuPresent ||= read.length > 0;
    for (const { row, counter } of read) {
      this.gpuLatest.set(row.index, { row, atMs: ts });
      if (counter) this.stepCounter(gpuKey(row), counter.rawMj, counter.code, ts, counter.why);
    }
  }

  /** The reader is gone: a gap, its counters dropped, and the nvidia-smi stream reads the GPUs from here on. */
  private dropReader(reader: GpuReader, why: string, ts: number): void {
    const name = reader.kind === "nvml" ? "NVML" : reader.kind;
    const after =
      reader.kind === "nvml"
        ? "GPUs read through nvidia-smi from here on"
        : "its GPUs' last readings are held to the end (range widened)";
    this.write({ t: "warn", ts, message: `GPU reader (${name}) lost (${why}); ${after}` });
    this.write({ t: "gap", ts, source: reader.kind, reason: why });
    for (const key of this.counterE.keys()) this.counters.set(key, { on: false, why });
    this.counterE.clear();
    if (this.gpuLatest.size) this.writeGpuInventoryIfChanged(ts);
    this.gpuLatest.clear();
    this.gpuRestarted = true;
    this.reader = null;
    this.readerReady = false;
    void reader.stop();
    if (reader.kind === "nvml" && this.gpuStream === null)
      void this.startStream(this.options.nvidiaSmi ?? "nvidia-smi", null);
  }

  /** One counter reading of one GPU applied to its track (`counterE`, warnings, notes). */
  private stepCounter(key: string, rawMj: number | null, code: number, ts: number, reason?: string): void {
    const state = this.counters.get(key);
    if (state?.on === false) return;
    const step = stepCounter(state?.track, rawMj, code);
    switch (step.kind) {
      case "value":
        this.counters.set(key, { on: true, track: step.track });
        this.counterE.set(key, step.eMj);
        break;
      case "reset":
        this.counters.set(key, { on: true, track: step.track });
        this.counterE.set(key, null);
        this.write({
          t: "warn",
          ts,
          message: `GPU ${key}: energy counter went back from ${step.fromMj} to ${step.toMj} mJ (driver reload or counter reset); the intervals around it are integrated from sampled power`,
        });
        break;
      case "unsupported": {
        const why = reason ?? nvmlCodeName(step.code);
        this.counters.set(key, { on: false, why });
        this.info(
          `GPU ${key}: energy counter unavailable (${why}); its energy comes from sampled power (${this.powerSource()})`,
        );
        break;
      }
      case "failed": {
        const why = reason ?? nvmlCodeName(step.code);
        this.counters.set(key, { on: false, why });
        this.counterE.delete(key);
        this.write({
          t: "warn",
          ts,
          message: `GPU ${key}: energy counter stopped answering (${why}); its energy from here on comes from sampled power (${this.powerSource()})`,
        });
        break;
      }
    }
  }

  private writeGpuInventoryIfChanged(ts: number): void {
    const rows = [...this.gpuLatest.values()].map(({ row }) => row).sort((a, b) => a.index - b.index);
    const counterOn = (row: NvidiaSmiRow) => this.counterE.has(gpuKey(row));
    const rowsKey = rows.map((g) => `${g.index}:${g.uuid ?? g.name}`).join(",");
    const counterKey = rows.map((g) => (counterOn(g) ? "e" : "-")).join("");
    const before = this.gpuInventory;
    const reader = this.reader?.kind ?? "nvidia-smi";
    if (rowsKey === before.rowsKey && counterKey === before.counterKey && reader === before.reader) return;
    const selection = this.options.gpuSelection ?? ALL_GPUS;
    const resolved = resolveGpuSelection(selection, rows);
    this.gpuCounted = resolved.counted;
    for (const message of resolved.warnings) this.warnOnce(ts, message);
    const gpus: Hardware["gpus"] = rows.map((row) => ({
      index: row.index,
      name: row.name,
      uuid: row.uuid,
      powerLimitW: row.powerLimitW,
      memoryTotalMiB: row.memoryTotalMiB,
      powerField: row.powerField,
      ...(selection.ids === null ? {} : { counted: resolved.counted.has(row.index) }),
      ...(this.reader !== null || this.counters.size ? { counter: counterOn(row) } : {}),
    }));
    if (this.gpuRestarted && before.rowsKey !== "" && rowsKey !== before.rowsKey) {
      this.write({
        t: "warn",
        ts,
        message: `the GPUs seen by nvidia-smi changed after a restart (${before.count} → ${gpus.length}); the report lists the latest set`,
      });
    }
    this.gpuInventory = { rowsKey, count: rows.length, counterKey, reader };
    this.gpuIndexByUuid = new Map(
      rows.flatMap((row) => (resolved.counted.has(row.index) ? [[gpuKey(row), row.index]] : [])),
    );
    this.write({
      t: "hw",
      ts,
      reader,
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
      await Promise.all([this.gpuStream?.stop(), this.reader?.stop(), this.socStream?.stop()]);
      this.write({ t: "end", ts: endTs });
      this.raplFiles.close();
      this.cpuReader.close();
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

/** A GPU's key for its counter: its UUID, or its index where the tool gives none. */
function gpuKey(row: NvidiaSmiRow): string {
  return row.uuid ?? `#${row.index}`;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? "error";
}
