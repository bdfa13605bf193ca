// `npm run render:comment` (the README's pictures) runs on the current renderer: with the fixture reports it
// writes each comment's page as HTML, and, where Chromium exists, screenshots of them (skipped without it).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const NAMES = ["comment", "comment-budget", "comment-matrix"];

function render(extra: string[], env: Record<string, string> = {}) {
  const out = mkdtempSync(join(tmpdir(), "mlf-render-"));
  const reports = ["test/fixtures/reports/base.json", "test/fixtures/reports/head.json"];
  const result = spawnSync(
    "npm",
    [
      "run",
      "--silent",
      "render:comment",
      "--",
      "--reports",
      ...reports,
      "--out",
      out,
      "--no-install",
      ...extra,
    ],
    { encoding: "utf8", env: { ...process.env, npm_config_update_notifier: "false", ...env } },
  );
  return { out, ...result };
}

describe("npm run render:comment", { timeout: 180_000 }, () => {
  it("writes each comment's page as HTML from the current renderer; without Chromium that is all, and it says so", () => {
    const r = render([], { CHROMIUM_PATH: join(tmpdir(), "no-such-chromium") });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no Chromium at .*no-such-chromium \(--no-install\): wrote the HTML pages only/);
    expect(readdirSync(r.out).sort()).toEqual(NAMES.map((n) => `${n}.html`).sort());
    const page = readFileSync(join(r.out, "comment.html"), "utf8");
    expect(page).toMatch(/<table>/);
    expect(page).toMatch(/How this was measured/);
    expect(readFileSync(join(r.out, "comment-budget.html"), "utf8")).toMatch(/budget/i);
    expect(readFileSync(join(r.out, "comment-matrix.html"), "utf8")).toMatch(/py3\.11, resnet18/);
  });

  it.skipIf(!existsSync(CHROMIUM))(
    "screenshots each page with Chromium (skipped where there is none)",
    () => {
      const r = render(["--html"]);
      expect(r.status, r.stderr).toBe(0);
      expect(readdirSync(r.out).sort()).toEqual(NAMES.flatMap((n) => [`${n}.html`, `${n}.png`]).sort());
      for (const name of NAMES) {
        const png = readFileSync(join(r.out, `${name}.png`));
        expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
        // IHDR: the comment box (880 px) at device scale 2, and taller than a headline alone
        expect(png.readUInt32BE(16)).toBe(1760);
        expect(png.readUInt32BE(20)).toBeGreaterThan(400);
      }
    },
  );
});
