/**
 * What the processes the action starts may see of its environment. A JavaScript action's process holds
 * credentials a plain `run:` step never gets: its inputs as INPUT_* (the GitHub token and the Electricity
 * Maps token among them) and the runner's ACTIONS_RUNTIME_TOKEN with the artifact/cache service URLs.
 * - The wrapped `run:` command gets the job's environment without those (what a `run:` step would get), and
 *   without GITHUB_STATE: that file is our step's state, read by our post step (a `state-dir=` or `owner=`
 *   line written there used to switch the report off). GITHUB_OUTPUT stays, as in a `run:` step; the outputs
 *   we set are written after the command, so ours win.
 * - The detached sampler, which outlives the step and whose /proc/<pid>/environ any later step of the job
 *   can read, gets only what it needs to read /proc, /sys and nvidia-smi: no token at all.
 */

/** Variables only the action's own process gets from the runner, never a `run:` step. */
const ACTION_ONLY =
  /^(INPUT_.*|STATE_.*|GITHUB_STATE|ACTIONS_RUNTIME_TOKEN|ACTIONS_RUNTIME_URL|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_CACHE_SERVICE_V2)$/i;

/** The job's environment as a `run:` step sees it: without INPUT_*, STATE_* and the runtime credentials. */
export function commandEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && !ACTION_ONLY.test(k)) out[k] = v;
  return out;
}

/** The few variables the sampler reads: locating programs and GPUs, locale, temp, and our test roots. */
const SAMPLER_KEEP = new Set([
  "PATH",
  "HOME",
  "LANG",
  "LC_ALL",
  "TZ",
  "TMPDIR",
  "TEMP",
  "TMP",
  "SYSTEMROOT", // Windows: child processes need it
  "LD_LIBRARY_PATH", // nvidia-smi's libnvidia-ml where the driver is not on the default path
  // the job's GPUs where the gpus input is empty, in gpu-select.ts's order (the AMD pair since issue 25)
  "CUDA_VISIBLE_DEVICES",
  "ROCR_VISIBLE_DEVICES",
  "HIP_VISIBLE_DEVICES",
  "NVIDIA_VISIBLE_DEVICES",
  // measure/roots.ts and powermetrics.ts: tool paths and test roots the sampler process reads
  "ML_FOOTPRINT_NVIDIA_SMI",
  "ML_FOOTPRINT_AMD_SMI",
  "ML_FOOTPRINT_POWERMETRICS",
  "ML_FOOTPRINT_PYTHON", // interpreter for the NVML counter helper
  "ML_FOOTPRINT_NVML_READER", // in-process (default) or the python3 helper
  "ML_FOOTPRINT_GPU_START_WAIT_MS",
  "ML_FOOTPRINT_PROC_ROOT",
  "ML_FOOTPRINT_SYS_ROOT",
]);

/** The detached sampler's environment: an allow-list, so no token (ours or the job's) reaches it. */
export function samplerEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    // FAKE_NVIDIA_SMI_*, FAKE_NVML_*: the test fixtures' settings (test/fixtures/bin/nvidia-smi,
    // test/fixtures/fake-nvml); no secrets
    if (v !== undefined && (SAMPLER_KEEP.has(k.toUpperCase()) || /^FAKE_(NVIDIA_SMI|NVML)_/.test(k)))
      out[k] = v;
  }
  return out;
}
