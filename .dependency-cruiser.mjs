/**
 * The layering of src/ (see the Layout section of the design): `npm run lint` runs this with
 * `depcruise src`. Each rule names the layer it protects; type-only imports count too.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles in src/, type-only ones included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "model-is-a-leaf",
      severity: "error",
      comment: "src/model is the shared vocabulary: it imports nothing of ours.",
      from: { path: "^src/model/" },
      to: { path: "^src/", pathNot: "^src/model/" },
    },
    {
      name: "core-stays-out-of-the-edges",
      severity: "error",
      comment: "measure, carbon and report never import github, action, cli, pipeline or config.",
      from: { path: "^src/(measure|carbon|report)/" },
      to: { path: "^src/(github|action|cli|pipeline|config)/" },
    },
    {
      name: "pipeline-takes-callbacks",
      severity: "error",
      comment: "pipeline is shared by the CLI and the action, and never imports either.",
      from: { path: "^src/pipeline/" },
      to: { path: "^src/(cli|action)/" },
    },
    {
      name: "steps-are-independent",
      severity: "error",
      comment: "An action step never imports another step (shared plumbing lives in src/action/).",
      from: { path: "^src/action/steps/([^/]+)\\.ts$" },
      to: { path: "^src/action/steps/", pathNot: "^src/action/steps/$1\\.ts$" },
    },
    {
      name: "plumbing-does-not-import-steps",
      severity: "error",
      comment: "Only the dispatcher (src/action/run.ts) loads steps.",
      from: { path: "^src/action/", pathNot: "^src/action/(run\\.ts|steps/)" },
      to: { path: "^src/action/steps/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^src/carbon/data/" },
  },
};
