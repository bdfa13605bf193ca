/**
 * Power models turn a utilization into watts when no meter or counter is available.
 * Each returns a central figure and a low/high range so that modelled energy carries its uncertainty.
 */
export interface PowerRange {
  w: number;
  lowW: number;
  highW: number;
}

export interface CpuPowerModel {
  /** Power drawn by the CPU share visible to this job at utilization `util` (0..1 over all its vCPUs). */
  powerW(util: number): PowerRange;
  /** e.g. "AMD EPYC 7763: TDP 280 W x 4/128 threads on the Teads curve (cpu table, AMD spec sheet)" */
  detail: string;
  /** `assumed` when the CPU is unknown and generic per-vCPU figures were used, else `modelled` */
  provenance: "modelled" | "assumed";
  /**
   * Memory (GB) whose power the CPU figure already contains: CCF's per-vCPU watts come from whole SPECpower
   * servers, memory included up to the per-chip average (0 for TDP-based models, which are the package only).
   */
  includedMemoryGB?: number;
}

export interface ConstantPower extends PowerRange {
  detail: string;
}

export interface PowerModels {
  cpu: CpuPowerModel;
  memory: ConstantPower;
  /** optional fixed extra draw the user declared (e.g. a known idle server draw); null when unset */
  other: ConstantPower | null;
}
