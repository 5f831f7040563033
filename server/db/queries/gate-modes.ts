import { sql } from "drizzle-orm";
import type { Executor } from "../client";

export type GateModeRow = {
  mode: "redis" | "postgres";
  generation: number;
  /** Time left of the drain that follows the last change, by the Postgres clock (0 when over). */
  drainLeftMs: number;
};

/** No row yet: Redis is trusted, generation 0. */
const INITIAL: GateModeRow = { mode: "redis", generation: 0, drainLeftMs: 0 };

type Row = { mode: string; generation: string | number; drain_left_ms: string | number };
const fromRow = (row: Row): GateModeRow => ({
  mode: row.mode === "postgres" ? "postgres" : "redis",
  generation: Number(row.generation),
  drainLeftMs: Math.max(0, Math.ceil(Number(row.drain_left_ms))),
});

// clock_timestamp(), not now(): the time of the statement, not of its transaction.
const drainLeft = (drainMs: number) =>
  sql`greatest(0, extract(epoch from (changed_at + make_interval(secs => ${drainMs / 1000}) - clock_timestamp())) * 1000)`;

export async function readGateMode(db: Executor, scope: string, drainMs: number): Promise<GateModeRow> {
  const rows = await db.execute<Row>(
    sql`select mode, generation, ${drainLeft(drainMs)} as drain_left_ms from gate_modes where scope = ${scope}`,
  );
  return rows[0] ? fromRow(rows[0]) : INITIAL;
}

/**
 * Redis failed for a process that trusted it under `seenGeneration`: the mode becomes "postgres" with a
 * new generation, unless another process already moved it on (null then).
 */
export async function openGateMode(
  db: Executor,
  scope: string,
  seenGeneration: number,
  drainMs: number,
): Promise<GateModeRow | null> {
  const rows = await db.execute<Row>(sql`
    insert into gate_modes as g (scope, mode, generation, changed_at)
    values (${scope}, 'postgres', ${seenGeneration + 1}, clock_timestamp())
    on conflict (scope) do update set mode = 'postgres', generation = g.generation + 1, changed_at = clock_timestamp()
    where g.mode = 'redis' and g.generation <= ${seenGeneration}
    returning mode, generation, ${drainLeft(drainMs)} as drain_left_ms`);
  return rows[0] ? fromRow(rows[0]) : null;
}

/**
 * Redis answers again: the mode goes back to "redis" with a new generation, for exactly one caller per
 * outage (the one whose conditional update finds the generation it saw); null for the others.
 */
export async function closeGateMode(
  db: Executor,
  scope: string,
  seenGeneration: number,
  drainMs: number,
): Promise<GateModeRow | null> {
  const rows = await db.execute<Row>(sql`
    update gate_modes set mode = 'redis', generation = generation + 1, changed_at = clock_timestamp()
    where scope = ${scope} and mode = 'postgres' and generation = ${seenGeneration}
    returning mode, generation, ${drainLeft(drainMs)} as drain_left_ms`);
  return rows[0] ? fromRow(rows[0]) : null;
}
