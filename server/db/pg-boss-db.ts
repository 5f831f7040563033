import type postgres from "postgres";
import type { Database } from "./client";

/** pg-boss's database interface (PgBoss.Db) over our postgres.js pool. */
export type PgBossDb = { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> };

// pg-boss writes job data as JSON parameters (node-postgres stringifies objects; postgres.js needs it done).
function toParameter(value: unknown): unknown {
  if (value === undefined) return null;
  if (value !== null && typeof value === "object" && !(value instanceof Date) && !Buffer.isBuffer(value))
    return JSON.stringify(value);
  return value;
}

/**
 * Lets a process send jobs through pg-boss on the pool it already has, without starting a
 * pg-boss instance of its own (which would open a second pool and run maintenance).
 */
export function toPgBossDb(db: Database): PgBossDb {
  return {
    async executeSql(text, values) {
      const rows = await db.$client.unsafe(text, (values ?? []).map(toParameter) as postgres.ParameterOrJSON<never>[]);
      return { rows: [...rows] };
    },
  };
}
