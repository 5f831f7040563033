import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { findFreePort } from "@/tools/free-port";
import { startRunner, type Runner } from "./runner.fixtures";

// `npm run dev` as a new user meets it: start it, open a page the moment the ready line appears, keep
// it open, and nothing reloads it by itself (once, in some starts, a page reloaded ~100 times in 20 s).
// Each start is a fresh data dir (Postgres initialised, migrated and seeded, pg-boss creating its
// tables while the page compiles). Runs `next dev` in this checkout (output in .next/dev): not beside
// another `npm run dev` of the same checkout.

const STARTS = 3;
const OPEN_MS = 20_000;

test.describe.configure({ timeout: STARTS * 300_000 });

let runner: Runner | undefined;
const dataDirs: string[] = [];

test.afterEach(async () => {
  runner?.kill();
  await runner?.exited;
  runner = undefined;
  for (const dir of dataDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

test(`npm run dev: a page opened at the ready line loads once and stays put for ${OPEN_MS / 1000} s, ${STARTS} starts in a row`, async ({
  page,
}, testInfo) => {
  const seen: Array<{ start: number; navigations: number; documentRequests: number; compiledLines: number }> = [];
  let navigations = 0;
  let documentRequests = 0;
  page.on("load", () => navigations++);
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) documentRequests++;
  });

  for (let start = 1; start <= STARTS; start++) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-dev-"));
    dataDirs.push(dataDir);
    const port = await findFreePort();
    runner = startRunner("dev", { port, dataDir });
    await runner.ready;
    const logBefore = runner.output().length;

    navigations = 0;
    documentRequests = 0;
    // As the ready line says: localhost, the moment it appears.
    await page.goto(`http://localhost:${port}/sign-in`, { timeout: 180_000 });
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible({ timeout: 60_000 });
    await page.waitForTimeout(OPEN_MS);
    const compiledLines = (
      runner
        .output()
        .slice(logBefore)
        .match(/Compiled in/g) ?? []
    ).length;
    seen.push({ start, navigations, documentRequests, compiledLines });

    runner.signalGroup("SIGINT");
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    await testInfo.attach(`dev log, start ${start}`, { body: runner.output(), contentType: "text/plain" });
    runner = undefined;
    await page.goto("about:blank");
  }

  console.log(JSON.stringify(seen));
  for (const s of seen) {
    expect(s.navigations, `start ${s.start}: ${JSON.stringify(s)}`).toBe(1);
    expect(s.documentRequests, `start ${s.start}: ${JSON.stringify(s)}`).toBe(1);
  }
});
