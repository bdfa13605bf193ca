/** Every input, output and state name, mirroring action.yml (a test keeps them in sync). */
export const Inputs = {
  Mode: "mode",
  Run: "run",
  Shell: "shell",
  Phase: "phase",
  WorkingDirectory: "working-directory",
  Region: "region",
  CarbonIntensity: "carbon-intensity",
  Pue: "pue",
  ElectricityMapsToken: "electricity-maps-token",
  LiveIntensity: "live-intensity",
  CpuTdp: "cpu-tdp",
  CpuThreadsPerPackage: "cpu-threads-per-package",
  CpuWattsPerVcpu: "cpu-watts-per-vcpu",
  Interval: "interval",
  Gpus: "gpus",
  BudgetEnergy: "budget-energy",
  BudgetEmissions: "budget-emissions",
  BudgetDuration: "budget-duration",
  MaxIncrease: "max-increase",
  FailOnBudget: "fail-on-budget",
  Comment: "comment",
  Key: "key",
  History: "history",
  RetentionDays: "retention-days",
  GitHubToken: "github-token",
  Matrix: "matrix",
  OtlpEndpoint: "otlp-endpoint",
  OtlpHeaders: "otlp-headers",
  Finish: "finish",
  NetworkTimeout: "network-timeout",
} as const;

export const Outputs = {
  EnergyWh: "energy-wh",
  EmissionsG: "emissions-g",
  EmissionsLowG: "emissions-low-g",
  EmissionsHighG: "emissions-high-g",
  DeltaEnergyPercent: "delta-energy-percent",
  Verdict: "verdict",
  OverBudget: "over-budget",
  ReportPath: "report-path",
  CommentUrl: "comment-url",
  DurationS: "duration-s",
  MissingReports: "missing-reports",
  MissingBaseReports: "missing-base-reports",
} as const;

export const State = {
  /** "true" in the step that started the background sampler: its post step reports */
  Owner: "owner",
  StateDir: "state-dir",
  /** the id of the measurement this step started: a later step may start another after a finish step */
  MeasurementId: "measurement-id",
} as const;
