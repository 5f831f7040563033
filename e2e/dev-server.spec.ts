import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { findFreePort } from "@/tools/free-port";
import { startRunner, type Runner } from "./runner.fixtures";

// `npm run dev` as a new user meets it: start it, open pages the moment the ready line appears, keep
// them open, and nothing reloads them by itself (in some starts, pages reloaded ~50 times in 15 s:
// the HMR socket answered each new page with `reloadPage` or a `restart` of a chunk list, and the
// log printed "Compiled in 1ms" per request). Each start is a fresh data dir (Postgres initialised,
// migrated and seeded, pg-boss creating its tables while the pages compile); the starts share this
// checkout's compiled `.next/dev` cache, as a developer's restarts do. Runs `next dev` in this
// checkout: not beside another `npm run dev` of the same checkout.

const STARTS = 3;
const OPEN_MS = 20_000;
/** The pages that looped (a 404 page did not): server-rendered per request, with the layout's session look-up. */
const PAGES = [
  { path: "/sign-in", heading: "Sign in" },
  { path: "/", heading: "The demo store" },
  { path: "/cart", heading: /cart/i },
] as const;

test.describe.configure({ timeout: STARTS * 300_000 });

let runner: Runner | undefined;
const dataDirs: string[] = [];

test.afterEach(async () => {
  runner?.kill();
  await runner?.exited;
  runner = undefined;
  for (const dir of dataDirs.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

type Watch = {
  loads: number;
  documentRequests: number;
  /** Console errors, CSP violations among them, and uncaught page errors. */
  errors: string[];
  /** HMR messages that make the dev client reload the page, with the server's reason. */
  reloadMessages: string[];
};

/** Counts what happens to one page: loads, document requests, errors and the HMR messages that reload it. */
function watch(page: Page): Watch {
  const seen: Watch = { loads: 0, documentRequests: 0, errors: [], reloadMessages: [] };
  page.on("load", () => seen.loads++);
  page.on("request", (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) seen.documentRequests++;
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const { url } = message.location();
    // Chromium asks for /favicon.ico by itself; the app has none (a 404 the page never sees).
    if (/Failed to load resource/.test(message.text()) && /\/favicon\.ico$/.test(url)) return;
    seen.errors.push(`${message.text()} (${url})`);
  });
  page.on("pageerror", (error) => seen.errors.push(`uncaught: ${error.message}`));
  page.on("websocket", (socket) => {
    if (!socket.url().includes("/_next/hmr")) return;
    socket.on("framereceived", ({ payload }) => {
      const text = typeof payload === "string" ? payload : payload.toString("utf8");
      if (/"type":"reloadPage"|"type":"restart"/.test(text)) seen.reloadMessages.push(text.slice(0, 300));
    });
  });
  return seen;
}

test(`npm run dev: pages opened at the ready line load once and stay put for ${OPEN_MS / 1000} s, ${STARTS} starts in a row`, async ({
  context,
}, testInfo) => {
  const results: Array<{ start: number; path: string; compiledLines: number } & Watch> = [];

  for (let start = 1; start <= STARTS; start++) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-dev-"));
    dataDirs.push(dataDir);
    const port = await findFreePort();
    runner = startRunner("dev", { port, dataDir });
    await runner.ready;
    const logBefore = runner.output().length;

    // As the ready line says: localhost, the moment it appears; the three pages at once.
    const opened = await Promise.all(
      PAGES.map(async ({ path: pagePath, heading }) => {
        const page = await context.newPage();
        const seen = watch(page);
        await page.goto(`http://localhost:${port}${pagePath}`, { timeout: 180_000 });
        await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible({ timeout: 60_000 });
        return { page, pagePath, seen };
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, OPEN_MS));
    const compiledLines = (
      runner
        .output()
        .slice(logBefore)
        .match(/Compiled in/g) ?? []
    ).length;
    for (const { page, pagePath, seen } of opened) {
      results.push({ start, path: pagePath, compiledLines, ...seen });
      await page.close();
    }

    runner.signalGroup("SIGINT");
    expect(await runner.exited).toEqual({ code: 0, signal: null });
    await testInfo.attach(`dev log, start ${start}`, { body: runner.output(), contentType: "text/plain" });
    runner = undefined;
  }

  await testInfo.attach("pages", { body: JSON.stringify(results, null, 2), contentType: "application/json" });
  console.log(
    JSON.stringify(
      results.map(({ start, path, loads, documentRequests, compiledLines }) => ({
        start,
        path,
        loads,
        documentRequests,
        compiledLines,
      })),
    ),
  );
  for (const r of results) {
    const where = `start ${r.start}, ${r.path}: ${JSON.stringify(r)}`;
    expect(r.reloadMessages, where).toEqual([]);
    expect(r.errors, where).toEqual([]);
    expect(r.loads, where).toBe(1);
    expect(r.documentRequests, where).toBe(1);
  }
});
