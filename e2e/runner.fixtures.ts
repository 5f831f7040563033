import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Generous: this machine is shared and slow, and a first start initialises a Postgres cluster. */
export const START_TIMEOUT_MS = 240_000;

export type Runner = {
  process: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves on the ready line; rejects if the runner exits first. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Signals the runner's whole process group, as a terminal's Ctrl-C does. */
  signalGroup(signal: NodeJS.Signals): void;
  /** SIGKILL to the group, if still there: for cleanup after a failed test. */
  kill(): void;
};

/**
 * `npm run dev` / `npm start` as a user runs them, minus npm: tools/run.ts under node --import tsx (one
 * process to signal), in a process group of its own like a terminal's foreground job, on its own port
 * and data dir, with any DATABASE_URL/UPSTASH_* of the shell ignored.
 */
export function startRunner(
  mode: "dev" | "start",
  opts: { port: number; dataDir: string; args?: string[]; env?: NodeJS.ProcessEnv },
): Runner {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "tools/run.ts",
      mode,
      "--port",
      String(opts.port),
      "--data-dir",
      opts.dataDir,
      ...(opts.args ?? []),
    ],
    {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        DATABASE_URL: "",
        UPSTASH_REDIS_REST_URL: "",
        UPSTASH_REDIS_REST_TOKEN: "",
        PORT: "",
        ...opts.env,
      },
    },
  );
  let output = "";
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (/✔ Ready \(/.test(output)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    void exited.then(({ code, signal }) =>
      reject(new Error(`the runner exited (${signal ?? code}) before it was ready:\n${output.slice(-3000)}`)),
    );
  });
  ready.catch(() => undefined);
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    }
  };
  return { process: child, output: () => output, ready, exited, signalGroup, kill: () => signalGroup("SIGKILL") };
}

/** Live processes whose parent is `pid`, with their command lines. */
export function childProcesses(pid: number): Array<{ pid: number; command: string }> {
  const found: Array<{ pid: number; command: string }> = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== pid) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ").trim();
      found.push({ pid: Number(entry), command });
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    // A zombie still answers kill(0); it is gone for our purposes.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return check();
}
