#!/usr/bin/env node
// A small but real training job for ml-footprint's demo and validation:
// an MLP classifies two interleaved spirals, trained with TensorFlow.js's
// pure-JS CPU backend (no native binary, no downloads — `npm ci` is enough).
// Everything is seeded, so two runs with the same flags do the same work and
// print the same losses.
//
//   node examples/tfjs/train.mjs [--epochs N] [--hidden N] [--samples N]
//        [--batch-size N] [--lr X] [--seed N] [--idle-seconds S]
//
// Each flag may also come from the environment (EXAMPLE_EPOCHS, EXAMPLE_HIDDEN,
// EXAMPLE_SAMPLES, EXAMPLE_BATCH_SIZE, EXAMPLE_LR, EXAMPLE_SEED,
// EXAMPLE_IDLE_SECONDS); argv wins. When ML_FOOTPRINT_METRICS names a file, the
// work done is written there as JSON after each epoch and at the end:
// {"samples","steps","epochs","epochs_total"} (epochs_total: --full-epochs, for ml-footprint's forecast).
import { writeFileSync, renameSync } from "node:fs";
import { parseArgs } from "node:util";

// Loaded in main() after the flags parse, so a bad flag fails in milliseconds
// instead of after tfjs's ~0.3 s import.
let tf;

// Defaults tuned so the job runs ~10 s on a 2-vCPU runner (measured: see examples/README.md).
const INT = /^\d+$/;
const DECIMAL = /^(\d+(\.\d*)?|\.\d+)$/;
const intAtLeast = (min) => ({ pattern: INT, ok: (v) => v >= min, accepted: `an integer >= ${min}` });
const FLAGS = {
  epochs: { env: "EXAMPLE_EPOCHS", def: "30", ...intAtLeast(1), help: "passes over the dataset" },
  "full-epochs": {
    env: "EXAMPLE_FULL_EPOCHS",
    def: "30",
    ...intAtLeast(1),
    help: "epochs of the full training recipe (ml-footprint projects it when --epochs is fewer)",
  },
  hidden: { env: "EXAMPLE_HIDDEN", def: "64", ...intAtLeast(1), help: "units per hidden layer (2 layers)" },
  samples: { env: "EXAMPLE_SAMPLES", def: "4000", ...intAtLeast(2), help: "generated dataset size" },
  "batch-size": {
    env: "EXAMPLE_BATCH_SIZE",
    def: "64",
    ...intAtLeast(1),
    help: "examples per optimizer step",
  },
  lr: {
    env: "EXAMPLE_LR",
    def: "0.01",
    pattern: DECIMAL,
    ok: (v) => v > 0,
    accepted: "a number > 0",
    help: "Adam learning rate",
  },
  seed: { env: "EXAMPLE_SEED", def: "42", ...intAtLeast(0), help: "seed for data, init and shuffling" },
  "idle-seconds": {
    env: "EXAMPLE_IDLE_SECONDS",
    def: "0",
    pattern: DECIMAL,
    ok: (v) => v >= 0,
    accepted: "a number >= 0",
    help: "sleep before training",
  },
};

function usage() {
  const lines = Object.entries(FLAGS).map(
    ([name, f]) => `  --${name.padEnd(14)} ${f.help} (default ${f.def}; env ${f.env})`,
  );
  return `usage: node examples/tfjs/train.mjs [flags]\n${lines.join("\n")}\n  --help           this text`;
}

class FlagError extends Error {}

/** Parses argv (strict: unknown flags are errors) with env fallbacks; throws FlagError on bad values. */
function parseFlags(argv, env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: "string" }])),
        help: { type: "boolean" },
      },
    });
  } catch (err) {
    throw new FlagError(err instanceof Error ? err.message : String(err));
  }
  if (parsed.values.help) return { help: true };
  const out = {};
  for (const [name, f] of Object.entries(FLAGS)) {
    const fromArgv = parsed.values[name];
    // An empty env var counts as unset: CI templating often expands missing inputs to "".
    const fromEnv = env[f.env] === "" ? undefined : env[f.env];
    const raw = fromArgv ?? fromEnv ?? f.def;
    const source = fromArgv === undefined && fromEnv !== undefined ? f.env : `--${name}`;
    const value = Number(raw);
    if (!f.pattern.test(raw) || !Number.isFinite(value) || !f.ok(value)) {
      throw new FlagError(`${source}: got "${raw}", expected ${f.accepted}`);
    }
    out[name] = value;
  }
  return out;
}

/** mulberry32: a tiny seeded PRNG so the dataset and shuffles repeat exactly. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Two interleaved spirals with Gaussian-ish noise; label = which arm. */
function makeSpirals(n, random) {
  const xs = new Float32Array(n * 2);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const t = random() * 4 * Math.PI + 0.5; // 2 turns per arm
    // Sum of three uniforms ≈ Gaussian with sd 0.5·scale; sd 0.07 against an arm
    // spacing of ~0.31 makes the arms touch at the edges, so the loss cannot reach 0.
    const noise = () => (random() + random() + random() - 1.5) * 0.14;
    const sign = label === 0 ? 1 : -1;
    xs[2 * i] = (sign * t * Math.cos(t)) / 10 + noise();
    xs[2 * i + 1] = (sign * t * Math.sin(t)) / 10 + noise();
    ys[i] = label;
  }
  return { xs, ys };
}

function buildModel(hidden, seed) {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [2],
      units: hidden,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: hidden,
      activation: "relu",
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  model.add(
    tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
  );
  return model;
}

/** Share of points whose logit has the sign of their label. */
function accuracy(model, { xs, ys }) {
  return tf.tidy(() => {
    const logits = model.predict(tf.tensor2d(xs, [ys.length, 2]));
    return logits
      .greater(0)
      .cast("float32")
      .equal(tf.tensor2d(ys, [ys.length, 1]))
      .mean()
      .dataSync()[0];
  });
}

const pct = (x) => `${(x * 100).toFixed(1)}%`;

function writeMetrics(path, metrics) {
  // Write then rename so a reader never sees half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(metrics)}\n`);
  renameSync(tmp, path);
}

async function main() {
  let flags;
  try {
    flags = parseFlags(process.argv.slice(2), process.env);
  } catch (err) {
    if (!(err instanceof FlagError)) throw err;
    console.error(`train.mjs: ${err.message}\n${usage()}`);
    return 2;
  }
  if (flags.help) {
    console.log(usage());
    return 0;
  }
  const { epochs, hidden, samples, lr, seed } = flags;
  const fullEpochs = flags["full-epochs"];
  const metricsPath = process.env.ML_FOOTPRINT_METRICS;
  const batchSize = flags["batch-size"];
  const idleS = flags["idle-seconds"];

  tf = await import("@tensorflow/tfjs");
  // Prod mode silences tfjs's "install tfjs-node" banner; tfjs-node is what we avoid on purpose.
  tf.enableProdMode();
  await tf.setBackend("cpu");
  await tf.ready();

  if (idleS > 0) {
    console.log(`idle ${idleS} s before training`);
    await new Promise((resolve) => setTimeout(resolve, idleS * 1000));
  }

  const random = rng(seed);
  const data = makeSpirals(samples, random);
  // Held-out points from an independent stream: same distribution, never trained on.
  const test = makeSpirals(Math.max(2, Math.floor(samples / 4)), rng(seed + 1_000_003));
  const model = buildModel(hidden, seed);
  const optimizer = tf.train.adam(lr);
  const stepsPerEpoch = Math.ceil(samples / batchSize);
  console.log(
    `tfjs ${tf.version.tfjs} backend=${tf.getBackend()} samples=${samples} hidden=${hidden}x2 ` +
      `batch=${batchSize} epochs=${epochs} steps/epoch=${stepsPerEpoch}`,
  );

  const order = Array.from({ length: samples }, (_, i) => i);
  const bx = new Float32Array(batchSize * 2);
  const by = new Float32Array(batchSize);
  let steps = 0;
  let lastLoss = NaN;
  const started = performance.now();
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const epochStart = performance.now();
    // Fisher–Yates with the seeded PRNG: same order every run.
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    for (let start = 0; start < samples; start += batchSize) {
      const n = Math.min(batchSize, samples - start);
      for (let k = 0; k < n; k++) {
        const idx = order[start + k];
        bx[2 * k] = data.xs[2 * idx];
        bx[2 * k + 1] = data.xs[2 * idx + 1];
        by[k] = data.ys[idx];
      }
      const loss = tf.tidy(() => {
        const x = tf.tensor2d(bx.subarray(0, 2 * n), [n, 2]);
        const y = tf.tensor2d(by.subarray(0, n), [n, 1]);
        // The last layer is linear: the loss takes logits (numerically stable).
        return optimizer.minimize(() => tf.losses.sigmoidCrossEntropy(y, model.apply(x)), true);
      });
      lossSum += loss.dataSync()[0] * n;
      loss.dispose();
      steps++;
    }
    lastLoss = lossSum / samples;
    const epochS = (performance.now() - epochStart) / 1000;
    console.log(`epoch ${epoch}/${epochs} loss=${lastLoss.toFixed(4)} time=${epochS.toFixed(2)}s`);
    // Epoch progress for ml-footprint's forecast: epochs done and the full recipe's epochs (README: forecast).
    if (metricsPath)
      writeMetrics(metricsPath, { samples: epoch * samples, steps, epochs: epoch, epochs_total: fullEpochs });
  }

  const trainAccuracy = accuracy(model, data);
  const testAccuracy = accuracy(model, test);
  const totalS = (performance.now() - started) / 1000;
  console.log(
    `done: final loss=${lastLoss.toFixed(4)} train accuracy=${pct(trainAccuracy)} ` +
      `held-out accuracy=${pct(testAccuracy)} ` +
      `steps=${steps} samples seen=${epochs * samples} training time=${totalS.toFixed(2)}s`,
  );

  if (metricsPath)
    writeMetrics(metricsPath, { samples: epochs * samples, steps, epochs, epochs_total: fullEpochs });
  return 0;
}

process.exitCode = await main();
