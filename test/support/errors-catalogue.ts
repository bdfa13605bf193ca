/**
 * The bad-input catalogue: every action input and CLI flag with values users get wrong, and the EXACT
 * message each one produces. One source for two consumers: test/reliability/bad-inputs.test.ts checks the
 * behaviour against it, and scripts/errors-table.mjs renders the README "Errors" table from it, so the
 * documentation and the code cannot drift. Data only; nothing here runs at import time beyond building it.
 */

export interface BadInput {
  /** "action": passed to getActionConfig as this input; "cli": argv of the bundled CLI */
  surface: "action" | "cli";
  /** action input name, or the CLI flag (with its command) */
  input: string;
  /** the value given (action), or the CLI argv */
  value: string;
  args?: string[];
  /** how the value is shown in the README when it is too long or invisible */
  display?: string;
  /** the exact message: the InputError message (action) or the first stderr line (CLI, exit 2) */
  message: string;
}

const REGION_FORMS =
  'aws:<region> (aws:us-east-1), azure:<region> (azure:eastus), gcp:<region> (gcp:europe-west1), an ISO country code (FR, FRA) or "world"';
const DURATION =
  "a number with ms, s, m or h (e.g. 1s, 500ms, 30m), or hours, minutes and seconds together (1h30m)";
const ENERGY = "a number with Wh, kWh, MWh, J, kJ or MJ (e.g. 500 Wh, 1.2 kWh)";
const MASS = "a number with mg, g, kg, t or Mg of CO2e (e.g. 50 g, 1.5 kg)";
const PERCENT = "a percentage such as 10% or 2.5%";
const PERCENT_RANGE = "more than 0% and at most 10000%";
const KEY = '1 to 100 letters, digits, ".", "_" or "-"';
const MATRIX = "${{ toJSON(matrix) }}";
const PUE_RANGE = "a PUE is facility power over IT power, accepted: 1.0 to 5.0";
const INTENSITY = "a positive number of gCO2e/kWh, e.g. 120";
const NETWORK_TIMEOUT = "a whole number of seconds from 1 to 3600";

const long = (char: string, n: number) => char.repeat(n);
/** The shape of a clipped value in a message: the first 80 characters and an ellipsis. */
const clipped = (char: string) => `${char.repeat(80)}…`;

const a = (input: string, value: string, message: string, display?: string): BadInput => ({
  surface: "action",
  input,
  value,
  message: `${input}: ${message}`,
  ...(display ? { display } : {}),
});
const invalid = (input: string, value: string, accepted: string, display?: string) =>
  a(input, value, `"${value}" is not valid; accepted: ${accepted}`, display);
const outOfRange = (input: string, value: string, accepted: string) =>
  a(input, value, `"${value}" is out of range; accepted: ${accepted}`);

/** `ml-footprint <args>` must exit 2 with `ml-footprint: <message>` as its first stderr line. */
const c = (input: string, args: string[], message: string): BadInput => ({
  surface: "cli",
  input,
  value: args.join(" "),
  args,
  message: `ml-footprint: ${message}`,
});

export const ACTION_BAD_INPUTS: BadInput[] = [
  // enums
  invalid("mode", "Measure", "measure, report, publish"),
  invalid("mode", "publishing", "measure, report, publish"),
  invalid("comment", "sometimes", "always, on-change, never, auto"),
  invalid("comment", "Always", "always, on-change, never, auto"),
  invalid("fail-on-budget", "yes", "true, false"),
  invalid("fail-on-budget", "1", "true, false"),
  // durations and the sampling interval
  outOfRange("interval", "5ms", "100ms to 60s"),
  outOfRange("interval", "61s", "100ms to 60s"),
  a(
    "interval",
    "0",
    '"0" has no unit (a plain number is seconds, and 0 s is out of range); use 100ms or 1s; accepted: 100ms to 60s',
  ),
  invalid("interval", "fast", DURATION),
  invalid("interval", "-1s", DURATION),
  invalid("interval", "1e3ms", DURATION),
  a("interval", " 1 s s ", `"1 s s" is not valid; accepted: ${DURATION}`),
  a("interval", long("9", 400), `"${clipped("9")}" is out of range; accepted: ${DURATION}`, '"9" × 400'),
  invalid("budget-duration", "1 week", DURATION),
  invalid("budget-duration", "-1h", DURATION),
  invalid("budget-duration", "1h30", DURATION),
  // energy, mass, percentages: impossible units
  a(
    "budget-energy",
    "0 Wh",
    '"0 Wh" is zero; a budget must be more than 0 (leave the input empty for no budget)',
  ),
  a(
    "budget-emissions",
    "0 g",
    '"0 g" is zero; a budget must be more than 0 (leave the input empty for no budget)',
  ),
  a(
    "budget-duration",
    "0s",
    '"0s" is zero; a budget must be more than 0 (leave the input empty for no budget)',
  ),
  invalid("budget-energy", "50", ENERGY),
  invalid("budget-energy", "50 g", ENERGY),
  invalid("budget-energy", "50 W", ENERGY),
  invalid("budget-energy", "-1 Wh", ENERGY),
  invalid("budget-energy", "1e3 Wh", ENERGY),
  invalid("budget-energy", "Infinity Wh", ENERGY),
  invalid("budget-energy", "1,5 kWh", ENERGY),
  invalid("budget-emissions", "50", MASS),
  a(
    "budget-emissions",
    "2 MG",
    `"2 MG" has an ambiguous unit "MG" (SI prefixes are case-sensitive: m is milli, M is mega; did you mean mg or Mg?); accepted: ${MASS}`,
  ),
  a(
    "budget-energy",
    "5 mwh",
    `"5 mwh" has an ambiguous unit "mwh" (SI prefixes are case-sensitive: m is milli, M is mega; did you mean mWh or MWh?); accepted: ${ENERGY}`,
  ),
  a(
    "budget-energy",
    "5 mj",
    `"5 mj" has an ambiguous unit "mj" (SI prefixes are case-sensitive: m is milli, M is mega; did you mean MJ?); accepted: ${ENERGY}`,
  ),
  invalid("budget-emissions", "50 Wh", MASS),
  invalid("budget-emissions", "-5 g", MASS),
  invalid("budget-emissions", "50 lbs", MASS),
  invalid("budget-emissions", "50 gCO2e", MASS),
  outOfRange("max-increase", "0%", PERCENT_RANGE),
  outOfRange("max-increase", "10001%", PERCENT_RANGE),
  invalid("max-increase", "-5%", PERCENT),
  invalid("max-increase", "ten", PERCENT),
  invalid("max-increase", "10 percent", PERCENT),
  invalid("max-increase", "10 Wh", PERCENT),
  // whole numbers
  invalid("history", "0", "a whole number from 1 to 50"),
  invalid("history", "51", "a whole number from 1 to 50"),
  invalid("history", "5.5", "a whole number from 1 to 50"),
  invalid("history", "-1", "a whole number from 1 to 50"),
  invalid("history", "five", "a whole number from 1 to 50"),
  invalid("retention-days", "0", "a whole number from 1 to 400"),
  invalid("retention-days", "401", "a whole number from 1 to 400"),
  invalid("retention-days", "90d", "a whole number from 1 to 400"),
  // PUE and intensity
  a("pue", "0.9", `"0.9" is out of range; ${PUE_RANGE}`),
  a("pue", "5.1", `"5.1" is out of range; ${PUE_RANGE}`),
  invalid("pue", "abc", "a number ≥ 1.0, e.g. 1.1"),
  invalid("pue", "1,2", "a number ≥ 1.0, e.g. 1.1"),
  invalid("carbon-intensity", "0", INTENSITY),
  invalid("carbon-intensity", "-5", INTENSITY),
  invalid("carbon-intensity", "120 g/kWh", INTENSITY),
  a("carbon-intensity", "12000", `"12000" is out of range; accepted: ${INTENSITY}, at most 10000`),
  a(
    "carbon-intensity",
    "1".repeat(400),
    `"${"1".repeat(80)}…" is out of range; accepted: ${INTENSITY}, at most 10000`,
    "a 400-digit number",
  ),
  // regions, with suggestions
  a("region", "mars", `"mars" is not a known region; closest: MAR, AR, ARE; accepted: ${REGION_FORMS}`),
  a(
    "region",
    "azure:eastu",
    `"azure:eastu" is not a known region; closest: azure:eastus, azure:eastus2, azure:westus; accepted: ${REGION_FORMS}`,
  ),
  a(
    "region",
    "aws:us-east-11",
    `"aws:us-east-11" is not a known region; closest: aws:us-east-1, aws:us-east-2, aws:ap-east-1; accepted: ${REGION_FORMS}`,
  ),
  a("region", long("r", 101), "value is 101 characters long; accepted: at most 100", '"r" × 101'),
  // key: path separators, markdown, HTML, spaces, length
  invalid("key", "a/b", KEY),
  invalid("key", "..\\x", KEY),
  invalid("key", "**bold**", KEY),
  invalid("key", "<!--x-->", KEY),
  invalid("key", "[x](https://e.example)", KEY),
  invalid("key", "a b", KEY),
  a("key", long("k", 101), `"${clipped("k")}" is not valid; accepted: ${KEY}`, '"k" × 101'),
  // matrix
  a("matrix", "{", `"{" is not JSON; accepted: ${MATRIX}`),
  a("matrix", "[1,2]", `"[1,2]" is not a JSON object of matrix values; accepted: ${MATRIX}`),
  // shell (run:)
  invalid("shell", "zsh", "bash, sh, pwsh, powershell, or empty for bash where present, else pwsh"),
  // free text: length caps (the value itself is never echoed)
  a("run", long("x", 20_001), "value is 20001 characters long; accepted: at most 20000", '"x" × 20001'),
  a("phase", long("p", 101), "value is 101 characters long; accepted: at most 100", '"p" × 101'),
  a(
    "working-directory",
    long("w", 1_001),
    "value is 1001 characters long; accepted: at most 1000",
    '"w" × 1001',
  ),
  a(
    "electricity-maps-token",
    long("t", 1_001),
    "value is 1001 characters long; accepted: at most 1000",
    '"t" × 1001',
  ),
  // live intensity and CPU model overrides (issue #17)
  a("live-intensity", "yes", '"yes" is not valid; accepted: true, false'),
  a("cpu-tdp", "280W", '"280W" is not valid; accepted: a positive number of watts (package TDP), e.g. 280'),
  a("cpu-threads-per-package", "0", '"0" is not valid; accepted: a whole number from 1 to 4096'),
  a(
    "cpu-watts-per-vcpu",
    "2-1",
    '"2-1" has MIN above MAX; accepted: "MIN-MAX" watts per vCPU from 0 to 100, e.g. 0.45-2.02, or one number',
  ),
  // the job's GPUs (issue #12) and the OTLP export (issue #16)
  a(
    "gpus",
    "cuda:0",
    '"cuda:0" in "cuda:0" is not a GPU; accepted: all, or a comma-separated list of GPU indices (0,1), UUIDs or UUID prefixes (GPU-8f6c2b0e) and MIG ids (MIG-…)',
  ),
  a(
    "otlp-endpoint",
    "ftp://x",
    '"ftp:" URLs are not supported; accepted: an http(s) base URL such as https://otel-collector.example:4318',
  ),
  // the finish step and the network bound (issue #13)
  a("finish", "yes", '"yes" is not valid; accepted: true, false'),
  invalid("network-timeout", "0", NETWORK_TIMEOUT),
  invalid("network-timeout", "3601", NETWORK_TIMEOUT),
  invalid("network-timeout", "1m", NETWORK_TIMEOUT),
  invalid("network-timeout", "2.5", NETWORK_TIMEOUT),
  a(
    "otlp-headers",
    "novalue",
    "entry 1 is not key=value with a header name as key (value not shown); accepted: key=value pairs separated by commas, e.g. x-api-key=…,x-team=ml",
  ),
];

/** Values that look wrong but are accepted on purpose (whitespace is trimmed, empty means the default). */
export const ACTION_ACCEPTED: { input: string; value: string; why: string }[] = [
  { input: "interval", value: "  500ms\t", why: "surrounding whitespace is trimmed" },
  { input: "interval", value: "   ", why: "blank means the default (1s)" },
  { input: "max-increase", value: "10", why: "a bare number is a percentage" },
  { input: "fail-on-budget", value: "TRUE", why: "booleans are case-insensitive" },
  { input: "key", value: " train.gpu_1 ", why: "letters, digits, . _ - after trimming" },
  { input: "region", value: "FR", why: "an ISO country code" },
  { input: "matrix", value: "null", why: "toJSON(matrix) outside a matrix job" },
  { input: "matrix", value: '{"cfg":{"lr":0.1}}', why: "object-valued matrix values (GitHub allows them)" },
  {
    input: "matrix",
    value: `{"v":"${"x".repeat(600)}"}`,
    why: "values over 500 characters (clipped in the report)",
  },
];

const RUN = (...flags: string[]) => ["run", ...flags, "--", "true"];

export const CLI_BAD_INPUTS: BadInput[] = [
  c("run --interval", RUN("--interval", "5ms"), '--interval: "5ms" is out of range; accepted: 100ms to 60s'),
  c("run --interval", RUN("--interval", "fast"), `--interval: "fast" is not valid; accepted: ${DURATION}`),
  c(
    "run --carbon-intensity",
    RUN("--carbon-intensity", "0"),
    `--carbon-intensity: "0" is not valid; accepted: ${INTENSITY}`,
  ),
  c(
    "run --carbon-intensity",
    RUN("--carbon-intensity", "120g"),
    `--carbon-intensity: "120g" is not valid; accepted: ${INTENSITY}`,
  ),
  c("run --pue", RUN("--pue", "0.8"), `--pue: "0.8" is out of range; ${PUE_RANGE}`),
  c("run --pue", RUN("--pue", "50"), `--pue: "50" is out of range; ${PUE_RANGE}`),
  c("run --pue", RUN("--pue", "abc"), '--pue: "abc" is not valid; accepted: a number ≥ 1.0, e.g. 1.1'),
  c(
    "run --cpu-tdp",
    RUN("--cpu-tdp", "280W"),
    '--cpu-tdp: "280W" is not valid; accepted: a positive number of watts (package TDP), e.g. 280',
  ),
  c(
    "run --interval",
    RUN("--interval", "100"),
    '--interval: "100" has no unit (a plain number is seconds, and 100 s is out of range); use 100ms or 1s; accepted: 100ms to 60s',
  ),
  c(
    "run --label",
    RUN("--label", ""),
    '--label: "" is not valid; accepted: 1 to 100 characters without control characters, e.g. train',
  ),
  c("run --key", RUN("--key", "my key"), `--key: "my key" is not valid; accepted: ${KEY}`),
  c(
    "run --cpu-watts-per-vcpu",
    RUN("--cpu-watts-per-vcpu", "3-1"),
    '--cpu-watts-per-vcpu: "3-1" has MIN above MAX; accepted: "MIN-MAX" watts per vCPU from 0 to 100, e.g. 0.45-2.02, or one number',
  ),
  c(
    "run --region",
    RUN("--region", "azure:eastu"),
    `--region: "azure:eastu" is not a known region; closest: azure:eastus, azure:eastus2, azure:westus; accepted: ${REGION_FORMS}`,
  ),
  c(
    "run --out",
    RUN("--out", "/nonexistent-dir/r.json"),
    '--out: "/nonexistent-dir/r.json" is not writable (ENOENT); give a path in a writable directory',
  ),
  c(
    "run --out",
    RUN("--out", "/tmp"),
    '--out: "/tmp" is a directory; give a file path, e.g. /tmp/ml-footprint-report.json',
  ),
  c("run", ["run"], "run: no command given; usage: ml-footprint run [options] -- <command...>"),
  c(
    "sampler start --interval",
    ["sampler", "start", "--dir", "/nonexistent-mlf-dir", "--interval", "70s"],
    '--interval: "70s" is out of range; accepted: 100ms to 60s',
  ),
  c(
    "estimate --energy",
    ["estimate", "--energy", "12", "--region", "FR"],
    `--energy: "12" is not valid; accepted: ${ENERGY}`,
  ),
  c("estimate", ["estimate", "--energy", "12Wh"], "estimate: give --region R or --intensity G (gCO2e/kWh)"),
  c(
    "estimate --pue",
    ["estimate", "--energy", "12Wh", "--region", "FR", "--pue", "0.5"],
    `--pue: "0.5" is out of range; ${PUE_RANGE}`,
  ),
  c(
    "estimate --intensity",
    ["estimate", "--energy", "12Wh", "--intensity", "-3"],
    '--intensity: "-3" is not valid; accepted: a positive number of gCO2e/kWh (e.g. 120)',
  ),
  c(
    "estimate --region",
    ["estimate", "--energy", "12Wh", "--region", "mars"],
    `--region: "mars" is not a known region; closest: MAR, AR, ARE; accepted: ${REGION_FORMS}`,
  ),
  c(
    "regions --provider",
    ["regions", "--provider", "ibm"],
    '--provider: "ibm" is not valid; accepted: aws, azure or gcp',
  ),
  c(
    "regions --energy",
    ["regions", "--provider", "aws", "--energy", "5g"],
    `--energy: "5g" is not valid; accepted: ${ENERGY}`,
  ),
  c(
    "compare --tolerance",
    ["compare", "a.json", "b.json", "--tolerance", "0%"],
    `--tolerance: "0%" is out of range; accepted: ${PERCENT_RANGE}`,
  ),
  c(
    "compare",
    ["compare", "--markdown", "--json", "a.json", "b.json"],
    "compare: --markdown and --json are exclusive; choose one",
  ),
  c(
    "history",
    ["history", "/nonexistent-mlf-dir"],
    'history: cannot read directory "/nonexistent-mlf-dir" (ENOENT); give a directory of report JSON files',
  ),
];

export const BAD_INPUTS: BadInput[] = [...ACTION_BAD_INPUTS, ...CLI_BAD_INPUTS];
