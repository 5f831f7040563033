import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "../free-port";
import { waitForHttp as waitUntilAnswering } from "../wait-for-http";

/** A child whose recent output is kept, so a failure can show why without flooding a good run's report. */
export type ManagedChild = {
  name: string;
  process: ChildProcess;
  /** The last lines it printed (stdout and stderr interleaved). */
  recentOutput(): string;
  stop(): Promise<void>;
};

const KEPT_LINES = 40;
const STOP_GRACE_MS = 5_000;

export function spawnManaged(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; echo?: boolean },
): ManagedChild {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    if (options.echo) process.stdout.write(chunk);
    lines.push(
      ...chunk
        .toString("utf8")
        .split("\n")
        .filter((line) => line.trim() !== ""),
    );
    if (lines.length > KEPT_LINES) lines.splice(0, lines.length - KEPT_LINES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, process: child, recentOutput: () => lines.join("\n"), stop: () => stopProcess(child) };
}

/** SIGTERM, then SIGKILL if it is still there after a grace period. */
export async function stopProcess(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Polls until the URL answers below 500; fails early when the server process dies. */
export function waitForHttp(url: string, timeoutMs: number, server: ManagedChild): Promise<void> {
  return waitUntilAnswering(url, timeoutMs, {
    gone: () =>
      server.process.exitCode !== null || server.process.signalCode !== null ? `${server.name} exited` : undefined,
    describe: () => `${server.name}: ${server.recentOutput()}`,
  });
}

/** A free loopback port that is none of the reserved ones (3000: dev server, 3100: e2e). */
export async function findFreePortExcept(reserved: ReadonlySet<number>): Promise<number> {
  for (;;) {
    const port = await findFreePort();
    if (!reserved.has(port)) return port;
  }
}
