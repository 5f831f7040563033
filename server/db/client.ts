import type { SQL } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/server/env";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A database handle or an open transaction: every query function takes one. */
export type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export function createDatabase(
  url: string,
  options: { max?: number; statementTimeoutMs?: number } = {},
): { db: Database; sql: postgres.Sql } {
  const sql = postgres(url, {
    max: options.max ?? 10,
    // Postgres NOTICEs (e.g. "relation already exists, skipping") are noise here.
    onnotice: () => {},
    connection: {
      application_name: "couponforge",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    },
  });
  return { db: drizzle(sql, { schema, casing: "snake_case" }), sql };
}

// One pool per process; kept on globalThis so dev hot reloads don't leak pools.
const globalForDb = globalThis as unknown as {
  couponDb?: { db: Database; sql: postgres.Sql };
  couponGateWriteDb?: { db: Database; sql: postgres.Sql };
  couponControlDb?: { db: Database; sql: postgres.Sql };
};

export function getDb(): Database {
  globalForDb.couponDb ??= createDatabase(env().DATABASE_URL, { max: env().DATABASE_POOL_SIZE });
  return globalForDb.couponDb.db;
}

/**
 * The pool for writes the Redis gate already approved: every statement on it is
 * cut off by Postgres after `deadlineMs`, so such a write lands within the
 * deadline or not at all (the rebuild and the failover wait that long).
 */
export function getGateWriteDb(deadlineMs: number): Database {
  globalForDb.couponGateWriteDb ??= createDatabase(env().DATABASE_URL, {
    max: gateWritePoolSize(),
    statementTimeoutMs: deadlineMs,
  });
  return globalForDb.couponGateWriteDb.db;
}

/** Connections of the gate-write pool: the checkout admission is sized to it. */
export function gateWritePoolSize(): number {
  return Math.max(2, Math.ceil(env().DATABASE_POOL_SIZE / 2));
}

/**
 * One connection for the shared gate mode (circuit-breaker.ts reads it every few hundred ms): it must
 * not queue behind checkout traffic in the main pool, or every process would stop trusting any gate.
 */
export function getControlDb(): Database {
  globalForDb.couponControlDb ??= createDatabase(env().DATABASE_URL, { max: 1, statementTimeoutMs: 5_000 });
  return globalForDb.couponControlDb.db;
}

/** Where a raw statement can run: drizzle's pool or transaction, one postgres.js connection (withConnection) or transaction (a bulk job). */
export type SqlTarget = Executor | postgres.Sql | postgres.TransactionSql;

/**
 * One connection of `db`'s pool for `run` (for executePrepared), taken within `maxWaitMs` or not at
 * all: then `onTimeout()` is thrown, and a connection that comes later goes straight back. For
 * deadlines that must count the wait for a free connection (a pool's statement_timeout only bounds
 * each statement once it runs).
 */
export async function withConnection<T>(
  db: Database,
  opts: { maxWaitMs: number; onTimeout: () => Error },
  run: (connection: postgres.ReservedSql) => Promise<T>,
): Promise<T> {
  const reserving = db.$client.reserve();
  let timer: NodeJS.Timeout | undefined;
  const reserved = await Promise.race([
    reserving,
    new Promise<null>((resolve) => (timer = setTimeout(resolve, Math.max(0, opts.maxWaitMs), null))),
  ]).finally(() => clearTimeout(timer));
  if (!reserved) {
    reserving.then(
      (late) => late.release(),
      () => undefined,
    );
    throw opts.onTimeout();
  }
  try {
    return await run(reserved);
  } finally {
    reserved.release();
  }
}

const dialect = new PgDialect();

/**
 * Runs a statement as a prepared statement, for the redeem path's hot statements. drizzle runs every
 * query unprepared, and postgres.js then asks Postgres for the parameter types first: Parse+Describe,
 * wait for the answer, then Bind+Execute, two round trips and two writes per statement. Prepared, the
 * statement is parsed once per connection and runs in one round trip after that. A statement text
 * should not vary with its input (pass arrays, e.g. unnest, not one placeholder per row), or every
 * variant is prepared anew. In a drizzle transaction (no client of its own) it runs as drizzle runs it.
 */
export async function executePrepared<T extends Record<string, unknown>>(db: SqlTarget, query: SQL): Promise<T[]> {
  if (typeof db !== "function" && !("$client" in db)) return [...(await db.execute(query))] as T[];
  const client = typeof db === "function" ? db : db.$client;
  const { sql: text, params } = dialect.sqlToQuery(query);
  return [...(await client.unsafe<T[]>(text, params as postgres.ParameterOrJSON<never>[], { prepare: true }))];
}
