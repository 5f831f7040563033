import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { findFreePort } from "@/tools/free-port";
import { startRunner, type Runner } from "./runner.fixtures";

// `npm run dev` as a new user meets it: start it, open a page the moment the ready line appears, keep
// it open, and nothing reloads it by itself. The loop this guards against (docs/dev-server.md): Turbopack's
// filesystem cache (.next/dev/cache) brought back, from the run before, which routes had emitted the app's
// shared client chunk list; until those routes were compiled again, every HMR subscription to that list
// was answered with `restart`, each `restart` reloaded the page, and the reloaded page subscribed again
// (~1 reload a second, "Compiled in 1ms" per reload, for as long as the page stayed open; other open pages
// got `reloadPage: HMR hash mismatch`). Seen when the run before had compiled other routes than the page
// opened first, so the priming start below compiles other routes, and each start then opens one page
// alone (three pages opened at once hid it). The starts share this checkout's `.next/dev` and one data
// dir, as a developer's restarts do. The assertions count events (HMR frames, document requests, loads),
// never time. Runs `next dev` in this checkout: not beside another `npm run dev` of the same checkout.

const STARTS = 3;
const OPEN_MS = 20_000;
/** The first page, opened alone at the ready line; the others once it has subscribed to HMR updates. */
const FIRST = { path: "/", heading: "The demo store" } as const;
/** What the priming start opens: routes other than FIRST. */
const PRIMING = ["/sign-in", "/cart", "/orders", "/wallet", "/no-such-page"] as const;
const THEN = [
  { path: "/sign-in", heading: "Sign in" },
  { path: "/cart", heading: /cart/i },
] as const;

test.describe.configure({ timeout: (STARTS + 1) * 300_000 });

let runner: Runner | undefined;
let dataDir: string | undefined;

test.afterEach(async () => {
  runner?.kill();
  await runner?.exited;
  runner = undefined;
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
  dataDir = undefined;
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
function watch(page: Page): Watch & { subscribed: Promise<void> } {
  const seen: Watch = { loads: 0, documentRequests: 0, errors: [], reloadMessages: [] };
  let markSubscribed = () => {};
  const subscribed = new Promise<void>((resolve) => (markSubscribed = resolve));
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
    socket.on("framesent", ({ payload }) => {
      if (typeof payload === "string" && payload.includes('"type":"turbopack-subscribe"')) markSubscribed();
    });
    socket.on("framereceived", ({ payload }) => {
      const text = typeof payload === "string" ? payload : payload.toString("utf8");
      if (/"type":"reloadPage"|"type":"restart"/.test(text)) seen.reloadMessages.push(text.slice(0, 300));
    });
  });
  return Object.assign(seen, { subscribed });
}

async function startDev(): Promise<{ runner: Runner; port: number }> {
  const port = await findFreePort();
  runner = startRunner("dev", { port, dataDir: dataDir! });
  await runner.ready;
  return { runner, port };
}

async function stopDev(dev: Runner, label: string, attach: (name: string, body: string) => Promise<void>) {
  dev.signalGroup("SIGINT");
  expect(await dev.exited).toEqual({ code: 0, signal: null });
  await attach(`dev log, ${label}`, dev.output());
  runner = undefined;
}

test(`npm run dev: a page opened at the ready line loads once and stays put for ${OPEN_MS / 1000} s, ${STARTS} starts after one that compiled other routes`, async ({
  context,
}, testInfo) => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-dev-"));
  const attach = (name: string, body: string) => testInfo.attach(name, { body, contentType: "text/plain" });

  // Priming start: other routes than the first page below, a 404 among them.
  {
    const { runner: dev, port } = await startDev();
    for (const pagePath of PRIMING) {
      const page = await context.newPage();
      const response = await page.goto(`http://localhost:${port}${pagePath}`, { timeout: 180_000 });
      expect(response?.status(), pagePath).toBeLessThan(500);
      await page.close();
    }
    await stopDev(dev, "priming start", attach);
  }

  const results: Array<{ start: number; path: string; compiledLines: number } & Watch> = [];
  for (let start = 1; start <= STARTS; start++) {
    const { runner: dev, port } = await startDev();
    const logBefore = dev.output().length;

    const open = async ({ path: pagePath, heading }: { path: string; heading: string | RegExp }) => {
      const page = await context.newPage();
      const seen = watch(page);
      await page.goto(`http://localhost:${port}${pagePath}`, { timeout: 180_000 });
      await expect(page.getByRole("heading", { name: heading, level: 1 })).toBeVisible({ timeout: 60_000 });
      return { page, pagePath, seen };
    };
    // As the ready line says: localhost, the moment it appears; the others once it listens for updates.
    const first = await open(FIRST);
    await first.seen.subscribed;
    const opened = [first, ...(await Promise.all(THEN.map(open)))];
    await new Promise((resolve) => setTimeout(resolve, OPEN_MS));
    const compiledLines = (
      dev
        .output()
        .slice(logBefore)
        .match(/Compiled in/g) ?? []
    ).length;
    for (const { page, pagePath, seen } of opened) {
      const { loads, documentRequests, errors, reloadMessages } = seen;
      results.push({ start, path: pagePath, compiledLines, loads, documentRequests, errors, reloadMessages });
      await page.close();
    }
    await stopDev(dev, `start ${start}`, attach);
  }

  await testInfo.attach("pages", { body: JSON.stringify(results, null, 2), contentType: "application/json" });
  console.log(
    JSON.stringify(
      results.map(({ start, path, loads, documentRequests, compiledLines, reloadMessages }) => ({
        start,
        path,
        loads,
        documentRequests,
        compiledLines,
        reloadMessages: reloadMessages.length,
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
