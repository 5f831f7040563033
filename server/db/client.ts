import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/server/env";
import * as schema from "./schema";

export type Database = PostgresJsDatabase<typeof schema>;
/** A database handle or an open transaction: every query function takes one. */
export type Executor = Database | Parameters<Parameters<Database["transaction"]>[0]>[0];

export function createDatabase(url: string, options: { max?: number; statementTimeoutMs?: number } = {}): { db: Database; sql: postgres.Sql } {
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
const globalForDb = globalThis as unknown as { couponDb?: { db: Database; sql: postgres.Sql }; couponGateWriteDb?: { db: Database; sql: postgres.Sql } };

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
  globalForDb.couponGateWriteDb ??= createDatabase(env().DATABASE_URL, { max: Math.max(2, Math.ceil(env().DATABASE_POOL_SIZE / 2)), statementTimeoutMs: deadlineMs });
  return globalForDb.couponGateWriteDb.db;
}
