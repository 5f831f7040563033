import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { findFreePort } from "./free-port";
import { stopWithThisProcess } from "./orphan-guard";

export interface RedisServerOptions {
  /** Fixed port; by default a free loopback port is picked (and re-picked if another process grabs it first). */
  port?: number;
  /** Working directory for redis-server; by default a temp dir that stop() removes. */
  dir?: string;
  /** Receives every line redis-server writes to stdout/stderr. */
  log?: (line: string) => void;
}

export interface RedisServerHandle {
  port: number;
  /** redis://127.0.0.1:PORT */
  url: string;
  /** Shuts redis-server down and waits for the process to exit. Idempotent. */
  stop(): Promise<void>;
  process: ChildProcess;
}

const BINARY = "redis-server";
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const PORT_ATTEMPTS = 3;
const KEPT_LOG_LINES = 40;

/** Is the redis-server binary on PATH? */
export function isRedisServerAvailable(): boolean {
  return findOnPath(BINARY) !== null;
}

/**
 * Spawns a throw-away redis-server on 127.0.0.1 (no RDB, no AOF) and resolves once it answers PING.
 */
export async function startRedisServer(opts: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const binary = findOnPath(BINARY);
  if (!binary) {
    throw new Error(
      `${BINARY} was not found on PATH. Install Redis >= 7 (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and retry.`,
    );
  }
  const ownsDir = opts.dir === undefined;
  const dir = opts.dir ?? mkdtempSync(path.join(os.tmpdir(), "local-redis-"));
  mkdirSync(dir, { recursive: true });

  // findFreePort releases the port before redis binds it, so another process can win the race:
  // retry with a fresh port unless the caller pinned one.
  const attempts = opts.port === undefined ? PORT_ATTEMPTS : 1;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const port = opts.port ?? (await findFreePort());
    try {
      return await launch(binary, port, dir, ownsDir, opts.log);
    } catch (error) {
      lastError = error;
      if (!(error instanceof PortInUseError)) break;
    }
  }
  if (ownsDir) rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

class PortInUseError extends Error {}

async function launch(
  binary: string,
  port: number,
  dir: string,
  ownsDir: boolean,
  log: ((line: string) => void) | undefined,
): Promise<RedisServerHandle> {
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--save",
    "",
    "--appendonly",
    "no",
    "--dir",
    dir,
    "--daemonize",
    "no",
    "--logfile",
    "",
  ];
  // A process group of its own, so a Ctrl-C in the terminal does not stop Redis under the app: its owner
  // stops it (stop(), or when this process exits) after the app.
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
  trackChild(child);
  // Killed outright, this process cannot stop it: a watcher does (orphan-guard.ts).
  if (child.pid !== undefined) child.once("exit", stopWithThisProcess(child.pid, "SIGTERM"));

  // Keep the tail of the log so a failed start can say why.
  const recent: string[] = [];
  const onLine = (line: string) => {
    recent.push(line);
    if (recent.length > KEPT_LOG_LINES) recent.shift();
    log?.(line);
  };
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream }).on("line", onLine);
  }

  // A failed spawn emits "error" and never "exit": settle on either so nothing waits forever.
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", (error) => {
      spawnError = error;
      resolve();
    });
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM"); // redis shuts down cleanly on SIGTERM; with --save "" it writes nothing
      const killTimer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(killTimer);
    }
    untrackChild(child);
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) {
      await exited;
      untrackChild(child);
      const tail = recent.join("\n");
      if (/address already in use/i.test(tail)) throw new PortInUseError(`port ${port} is already in use`);
      throw new Error(
        `${BINARY} exited before becoming ready (code ${child.exitCode ?? "?"}, signal ${child.signalCode ?? "none"})` +
          (spawnError ? `: ${spawnError.message}` : "") +
          (tail ? `\n--- ${BINARY} output ---\n${tail}` : ""),
      );
    }
    if (await answersPing(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `${BINARY} on port ${port} did not answer PING within ${READY_TIMEOUT_MS} ms\n${recent.join("\n")}`,
      );
    }
    await sleep(50);
  }

  return { port, url: `redis://127.0.0.1:${port}`, stop, process: child };
}

/** One raw RESP PING; avoids pulling a client library (and its reconnect noise) into the readiness probe. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function findOnPath(name: string): string | null {
  const dirs = (process.env.PATH ?? "").split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A crashed test run must not leave redis-server processes behind: kill live children when this process exits.
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const c of liveChildren) c.kill("SIGKILL");
  });
}

function untrackChild(child: ChildProcess): void {
  liveChildren.delete(child);
}
