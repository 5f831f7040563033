import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { findFreePort } from "@/tools/free-port";
import { childProcesses, eventually, isAlive, startRunner, type Runner } from "./runner.fixtures";

// `npm start` (tools/run.ts start) as an operator sees it: on the production build the e2e web server
// made, with its own fresh embedded Postgres and redis-server. No browser needed.

test.describe.configure({ timeout: 360_000 });

let dataDir: string;
let runner: Runner | undefined;

test.beforeEach(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-runner-"));
});

test.afterEach(async () => {
  runner?.kill();
  await runner?.exited;
  runner = undefined;
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** The runner's own children: the app server, postgres and redis-server. */
function servicesOf(pid: number) {
  const children = childProcesses(pid);
  const find = (pattern: RegExp) => children.find((c) => pattern.test(c.command));
  return { app: find(/tools\/serve\.ts/), postgres: find(/\/postgres -D /), redis: find(/redis-server/) };
}

/** Keeps requests going until stopped: the server dies under load, as in production. */
function keepBusy(port: number): () => Promise<number> {
  let running = true;
  let answered = 0;
  const loops = Array.from({ length: 4 }, async () => {
    while (running) {
      await fetch(`http://127.0.0.1:${port}/api/trpc/health`, { signal: AbortSignal.timeout(10_000) })
        .then(async (response) => {
          await response.arrayBuffer();
          answered++;
        })
        .catch(() => new Promise((resolve) => setTimeout(resolve, 50)));
    }
  });
  return async () => {
    running = false;
    await Promise.all(loops);
    return answered;
  };
}

async function refusesConnections(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(5_000) }).then(
    () => false,
    () => true,
  );
}

test("kill -9 of the production server under load: the runner stops Postgres and Redis and exits non-zero", async () => {
  const port = await findFreePort();
  runner = startRunner("start", { port, dataDir, args: ["--skip-build", "--fresh"] });
  await runner.ready;
  const { app, postgres, redis } = servicesOf(runner.process.pid!);
  expect(app, runner.output()).toBeDefined();
  expect(postgres, runner.output()).toBeDefined();
  expect(redis, runner.output()).toBeDefined();

  const stopLoad = keepBusy(port);
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  process.kill(app!.pid, "SIGKILL");

  const exit = await Promise.race([
    runner.exited,
    new Promise<"still running">((resolve) => setTimeout(resolve, 120_000, "still running")),
  ]);
  const answered = await stopLoad();
  expect(answered, "the server answered requests before it was killed").toBeGreaterThan(0);
  expect(exit, runner.output()).not.toBe("still running");
  if (exit === "still running") return;
  expect(exit.code, runner.output()).not.toBe(0);
  expect(exit.code, runner.output()).not.toBeNull();
  expect(runner.output()).toMatch(/production server exited on its own \(SIGKILL\)/);
  // Nothing left behind a dead port.
  expect(await eventually(() => !isAlive(postgres!.pid) && !isAlive(redis!.pid), 30_000)).toBe(true);
  expect(await refusesConnections(port)).toBe(true);
});

test("Ctrl-C: the app stops before Postgres and Redis, quietly, and the runner exits 0", async () => {
  const port = await findFreePort();
  // --verbose: Postgres's own log is printed too, so a connection it had to cut would show.
  runner = startRunner("start", { port, dataDir, args: ["--skip-build", "--fresh", "--verbose"] });
  await runner.ready;
  const { postgres, redis } = servicesOf(runner.process.pid!);
  // The Next child started the background jobs (pg-boss, holding connections) before it answered.
  const stopLoad = keepBusy(port);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const before = runner.output().length;

  runner.signalGroup("SIGINT");
  const exit = await Promise.race([
    runner.exited,
    new Promise<"still running">((resolve) => setTimeout(resolve, 120_000, "still running")),
  ]);
  await stopLoad();
  const afterCtrlC = runner.output().slice(before);
  expect(exit, afterCtrlC).toEqual({ code: 0, signal: null });
  expect(afterCtrlC).not.toMatch(/terminating connection due to administrator command/);
  expect(afterCtrlC).not.toMatch(/\berror\b/i);
  expect(afterCtrlC, "no stack trace").not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  // Postgres saw no client to cut off: it stopped last.
  expect(afterCtrlC).toMatch(/database system is shut down/);
  expect(await eventually(() => !isAlive(postgres!.pid) && !isAlive(redis!.pid), 30_000)).toBe(true);
});

test("kill -9 of the runner's whole process group (a test runner's teardown): no Postgres or redis-server is left behind", async () => {
  const port = await findFreePort();
  runner = startRunner("start", { port, dataDir, args: ["--skip-build", "--fresh"] });
  await runner.ready;
  const { postgres, redis } = servicesOf(runner.process.pid!);
  expect(postgres, runner.output()).toBeDefined();
  expect(redis, runner.output()).toBeDefined();

  runner.kill();
  await runner.exited;
  // They run out of the runner's process group (Ctrl-C), so the group kill misses them; the runner's
  // watcher stops them.
  expect(await eventually(() => !isAlive(postgres!.pid) && !isAlive(redis!.pid), 60_000)).toBe(true);
});
