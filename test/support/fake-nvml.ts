/**
 * The fake libnvidia-ml.so.1 (test/fixtures/fake-nvml/fake_nvml.c), compiled with the system C compiler into a
 * temporary directory that tests put on LD_LIBRARY_PATH: the NVML helper then loads it by soname, exactly as it
 * loads the driver's library in production. No compiler → `skipReason` says so and the tests skip (.ci/run
 * installs gcc from Debian, so CI always builds it).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SOURCE = fileURLToPath(new URL("../fixtures/fake-nvml/fake_nvml.c", import.meta.url));

function findCompiler(): string | null {
  for (const cc of [process.env.CC, "cc", "gcc"]) {
    if (!cc) continue;
    try {
      execFileSync(cc, ["--version"], { stdio: "ignore" });
      return cc;
    } catch {
      // not this one
    }
  }
  return null;
}

export interface FakeNvml {
  /** directory holding libnvidia-ml.so.1 (for LD_LIBRARY_PATH) */
  libDir: string;
  /** write a device script (see fake_nvml.c) and return its path, for FAKE_NVML_CONFIG */
  config(lines: string[]): string;
}

/** Build the fake library once; null with the reason when there is no C compiler. */
export function buildFakeNvml(): { fake: FakeNvml; skipReason: null } | { fake: null; skipReason: string } {
  const cc = findCompiler();
  if (cc === null)
    return { fake: null, skipReason: "no C compiler (cc/gcc) to build the fake libnvidia-ml.so.1" };
  const libDir = mkdtempSync(join(tmpdir(), "mlf-fake-nvml-"));
  execFileSync(cc, ["-shared", "-fPIC", "-O1", "-o", join(libDir, "libnvidia-ml.so.1"), SOURCE], {
    stdio: "inherit",
  });
  let n = 0;
  return {
    skipReason: null,
    fake: {
      libDir,
      config(lines) {
        n += 1;
        const path = join(libDir, `devices-${n}.txt`);
        writeFileSync(path, `${lines.join("\n")}\n`);
        return path;
      },
    },
  };
}

/** The UUIDs of the fake nvidia-smi fixture steady-300-150.csv. */
export const STEADY_UUIDS = [
  "GPU-aaaaaaaa-0000-4000-8000-000000000000",
  "GPU-bbbbbbbb-0000-4000-8000-000000000001",
] as const;
