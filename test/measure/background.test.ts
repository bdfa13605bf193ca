import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { isAlive } from "../../src/measure/background.js";

const state = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.charAt(stat.lastIndexOf(")") + 2);
  } catch {
    return "gone";
  }
};

it.runIf(process.platform === "linux")(
  "treats an exited but unreaped process (a zombie) as not alive",
  async () => {
    // sh starts a short sleep in the background and execs sleep, which never reaps it: `true` stays a zombie.
    const parent = spawn("sh", ["-c", "sleep 0.2 & echo $!; exec sleep 5"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const pid = Number(
        await new Promise<string>((resolve) => parent.stdout.once("data", (d) => resolve(String(d)))),
      );
      const deadline = Date.now() + 3_000;
      while (state(pid) !== "Z" && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(state(pid)).toBe("Z");
      expect(() => process.kill(pid, 0)).not.toThrow(); // signal 0 alone would call it alive
      expect(isAlive(pid)).toBe(false);
      expect(isAlive(parent.pid ?? -1)).toBe(true);
    } finally {
      parent.kill("SIGKILL");
    }
  },
);
