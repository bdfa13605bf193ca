/** Roots and paths tests inject through the environment (fake /proc, /sys, nvidia-smi, python3). */
export function injectedRoots(env: NodeJS.ProcessEnv) {
  return {
    procRoot: env.ML_FOOTPRINT_PROC_ROOT || undefined,
    sysRoot: env.ML_FOOTPRINT_SYS_ROOT || undefined,
    nvidiaSmi: env.ML_FOOTPRINT_NVIDIA_SMI || undefined,
    /** amd-smi (default amd-smi on PATH, used where there is no nvidia-smi) */
    amdSmi: env.ML_FOOTPRINT_AMD_SMI || undefined,
    /** python interpreter for the NVML reader (default python3 on PATH) */
    python: env.ML_FOOTPRINT_PYTHON || undefined,
    // Tests on a loaded machine wait longer for the fake GPU's first block (a readiness signal, not a sleep).
    gpuStartWaitMs: env.ML_FOOTPRINT_GPU_START_WAIT_MS
      ? Number(env.ML_FOOTPRINT_GPU_START_WAIT_MS)
      : undefined,
  };
}
