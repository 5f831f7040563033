import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { createDatabase } from "@/server/db/client";
import { migrateDatabase } from "@/server/db/migrate";
import { encryptCode, hashCodeForLookup } from "@/server/crypto/code-secrets";
import { seedDatabase, type SeedCodeSecrets } from "@/server/db/seed";
import { startEmbeddedPostgres } from "./local-postgres";
import { isRedisServerAvailable, startRedisServer } from "./local-redis";
import { startUpstashBridge } from "./upstash-bridge/server";

export type LocalServices = {
  /** Environment for the app: DATABASE_URL, UPSTASH_REDIS_*, secrets. */
  env: Record<string, string>;
  /** Raw redis:// URL of the local redis-server (tests use it to flush or kill). */
  redisUrl?: string;
  redisPid?: number;
  redisMode: "local" | "external" | "off";
  postgresMode: "local" | "external";
  /** The demo accounts and coupons are in the database: embedded Postgres, or SEED_DEMO=1. */
  demoSeeded: boolean;
  stop(): Promise<void>;
};

type Options = {
  dataDir: string;
  /** Wipe dataDir first (tests, e2e). */
  fresh?: boolean;
  seed?: boolean;
  log?: (line: string) => void;
  /** Extra environment to honour instead of process.env (for DATABASE_URL etc.). */
  sourceEnv?: Record<string, string | undefined>;
};

/**
 * Starts what the app needs on this machine: the embedded Postgres (unless
 * DATABASE_URL is set), redis-server + our Upstash REST bridge (unless
 * UPSTASH_REDIS_REST_URL is set; off with a clear message when redis-server is
 * missing), dev secrets persisted in dataDir, migrations and the seed.
 */
export async function startLocalServices(opts: Options): Promise<LocalServices> {
  const log = opts.log ?? (() => {});
  const source = opts.sourceEnv ?? process.env;
  const dataDir = path.resolve(opts.dataDir);
  if (opts.fresh) await fs.rm(dataDir, { recursive: true, force: true });
  await fs.mkdir(dataDir, { recursive: true });

  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((e) => log(`stop failed: ${String(e)}`));
    stops.length = 0;
  };

  try {
    const env: Record<string, string> = { ...readOrCreateSecrets(dataDir, source) };

    let postgresMode: LocalServices["postgresMode"] = "external";
    if (source.DATABASE_URL) {
      env.DATABASE_URL = source.DATABASE_URL;
    } else {
      const pg = await startEmbeddedPostgres({
        dir: path.join(dataDir, "pg"),
        database: "coupons",
        log: (l) => log(`[pg] ${l}`),
      });
      stops.push(pg.stop);
      env.DATABASE_URL = pg.url;
      postgresMode = "local";
    }

    let redisMode: LocalServices["redisMode"] = "off";
    let redisUrl: string | undefined;
    let redisPid: number | undefined;
    if (source.UPSTASH_REDIS_REST_URL) {
      env.UPSTASH_REDIS_REST_URL = source.UPSTASH_REDIS_REST_URL;
      env.UPSTASH_REDIS_REST_TOKEN = source.UPSTASH_REDIS_REST_TOKEN ?? "";
      redisMode = "external";
    } else if (isRedisServerAvailable()) {
      const redis = await startRedisServer({ log: (l) => log(`[redis] ${l}`) });
      stops.push(redis.stop);
      const token = randomBytes(24).toString("hex");
      const bridge = await startUpstashBridge({ redisUrl: redis.url, token });
      stops.push(bridge.close);
      env.UPSTASH_REDIS_REST_URL = bridge.url;
      env.UPSTASH_REDIS_REST_TOKEN = token;
      redisUrl = redis.url;
      redisPid = redis.process.pid;
      redisMode = "local";
    }

    await migrateDatabase(env.DATABASE_URL);
    // Demo accounts (known passwords) and live sample coupons: only in the embedded database, or when asked for.
    const demo = postgresMode === "local" || wantsDemoSeed(source);
    if (opts.seed !== false) {
      const { db, sql } = createDatabase(env.DATABASE_URL, { max: 2 });
      try {
        await seedDatabase(db, { demo, secrets: seedSecretsFrom(env) });
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
    // The app shows the demo accounts on /sign-in only where they were seeded.
    env.SEED_DEMO = demo && opts.seed !== false ? "1" : "0";
    return { env, redisUrl, redisPid, redisMode, postgresMode, demoSeeded: env.SEED_DEMO === "1", stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** SEED_DEMO=1 (or true): a configured DATABASE_URL gets the demo data too. */
export function wantsDemoSeed(source: Record<string, string | undefined>): boolean {
  return source.SEED_DEMO === "1" || source.SEED_DEMO === "true";
}

const SECRET_NAMES = ["AUTH_SECRET", "CODE_HMAC_KEY", "CODE_ENCRYPTION_KEY"] as const;

// Dev secrets live beside the data they protect, so sessions and encrypted codes survive restarts.
function readOrCreateSecrets(dataDir: string, source: Record<string, string | undefined>): Record<string, string> {
  const file = path.join(dataDir, "secrets.json");
  const stored: Record<string, string> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  const secrets: Record<string, string> = {};
  let changed = false;
  for (const name of SECRET_NAMES) {
    const value = source[name] ?? stored[name];
    if (value) {
      secrets[name] = value;
    } else {
      secrets[name] = randomBytes(32).toString("hex");
      stored[name] = secrets[name];
      changed = true;
    }
  }
  if (changed) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return secrets;
}

/** The seed's view of code storage, with the given keys (hex). */
export function seedSecretsFrom(env: Record<string, string | undefined>): SeedCodeSecrets | undefined {
  if (!env.CODE_HMAC_KEY || !env.CODE_ENCRYPTION_KEY) return undefined;
  const hmacKey = Buffer.from(env.CODE_HMAC_KEY, "hex");
  const encryptionKey = Buffer.from(env.CODE_ENCRYPTION_KEY, "hex");
  return {
    lookupHash: (key) => hashCodeForLookup(key, hmacKey),
    encrypt: (display) => encryptCode(display, encryptionKey),
  };
}
