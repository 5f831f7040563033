import type { Redis } from "@upstash/redis";
import { getControlDb } from "@/server/db/client";
import { closeGateMode, openGateMode, readGateMode, type GateModeRow } from "@/server/db/queries/gate-modes";
import { getRedis, REDIS_REQUEST_TIMEOUT_MS, redisScope } from "./client";

/**
 * Whether the Redis gate may be trusted: one answer for every process that uses the same Redis (the
 * front process and the Next child of `npm start`, and every instance), kept in one row of gate_modes
 * in Postgres, the store that stays reachable when Redis is not.
 *
 * - Mode and generation. The row says "redis" or "postgres"; every change bumps its generation. Gate
 *   state in Redis is stamped with the generation it was loaded under and every gate script compares
 *   that stamp with the caller's generation (passed as ARGV: one coupon's script may only touch keys of
 *   that coupon's hash tag, so it cannot read a global epoch key on Redis Cluster). A bump invalidates
 *   all of Redis in one row update: state loaded before it answers "not loaded" and is rebuilt from
 *   Postgres. Nothing is wiped while other processes use Redis.
 * - Leases. Each process re-reads the row every POLL_MS on a connection of its own and trusts what it
 *   read for LEASE_MS from sending the query; past that it trusts no gate ("draining") until it reads
 *   again. LEASE_MS after a change commits, nobody decides under the old mode.
 * - Failure. A process whose Redis call fails stops using Redis at once and flips the row to "postgres"
 *   (generation + 1). Nobody decides in Postgres before DRAIN_MS after the flip (the row's changed_at,
 *   by the Postgres clock): another process's lease, its Redis request in flight and the write deadline
 *   of what Redis approved all end within it.
 * - Recovery. Processes in Postgres mode PING Redis after the drain; one that gets PONG flips the row
 *   back to "redis" (generation + 1) with a conditional UPDATE on the generation it saw, so one process
 *   recovers per outage. Each coupon is then rebuilt once, on use, under the per-coupon rebuild token
 *   (begin-rebuild.ts); the first rebuild of a generation waits a drain for Postgres-gate decisions
 *   still in flight (gate-boot.ts).
 * - A process that cannot reach Redis while others can (a partial partition) flips the row whenever it
 *   fails: everyone moves to the Postgres gate and back again. Correct, and slower.
 * Without a configured Redis the Postgres gate decides alone and no row is used.
 */
export type GateMode = { kind: "redis" } | { kind: "postgres" } | { kind: "draining"; untilMs: number };

/** Longest time between a Redis decision and its Postgres commit (enforced by the writers). */
export const GATE_WRITE_DEADLINE_MS = 2_000;
/** How long a process trusts the mode it read. */
export const LEASE_MS = 1_000;
/**
 * After a change of mode: every lease taken before it has run out, a script sent under it has run (one
 * request timeout waiting for its batch, one in flight) and what it approved has been written.
 */
export const DRAIN_MS = LEASE_MS + 2 * REDIS_REQUEST_TIMEOUT_MS + GATE_WRITE_DEADLINE_MS + 500;
const POLL_MS = 200;
const PROBE_EVERY_MS = 500;
/** How long a gate call waits for a fresh read of the mode before giving up (GateModeUnknownError). */
const FRESH_READ_WAIT_MS = 2 * LEASE_MS;

/** This process could not read the shared mode lately: no gate script may run. Not a Redis failure. */
export class GateModeUnknownError extends Error {
  constructor(detail: string) {
    super(`gate: the shared gate mode could not be read lately (${detail})`);
    this.name = "GateModeUnknownError";
  }
}

type View = { mode: "redis" | "postgres"; generation: number; readAtMs: number; drainUntilMs: number };
type ScopeState = {
  redis: Redis;
  view?: View;
  /** Resolved at each read of the row. */
  nextView: Promise<void>;
  gotView: () => void;
  /** This process saw Redis fail while trusting this generation (-1: before its first read). */
  failedAt?: number;
  lastProbeMs: number;
  wake?: () => void;
  lastError?: string;
};
type Breaker = { scopes: Map<string, ScopeState>; onRecover?: (generation: number) => Promise<void> };

const globalForBreaker = globalThis as unknown as { couponGateBreaker?: Breaker };
function breaker(): Breaker {
  globalForBreaker.couponGateBreaker ??= { scopes: new Map() };
  return globalForBreaker.couponGateBreaker;
}

/** Runs once per recovery, in the process that recovered (after the row went back to "redis"). */
export function setRecoveryHandler(handler: (generation: number) => Promise<void>): void {
  breaker().onRecover = handler;
}

function scopeState(redis: Redis): ScopeState {
  const scope = redisScope(redis);
  let s = breaker().scopes.get(scope);
  if (!s) {
    s = { redis, lastProbeMs: 0, ...viewSignal() };
    breaker().scopes.set(scope, s);
    void followSharedMode(scope, s);
  }
  return s;
}

export function currentGateMode(now = Date.now()): GateMode {
  const redis = getRedis();
  if (!redis) return { kind: "postgres" };
  const s = scopeState(redis);
  const view = s.view;
  // Not read yet, or read too long ago: no gate may decide until the next read.
  if (!view || now - view.readAtMs > LEASE_MS) return { kind: "draining", untilMs: now + POLL_MS };
  if (view.mode === "redis")
    return s.failedAt === undefined ? { kind: "redis" } : { kind: "draining", untilMs: now + POLL_MS };
  return now < view.drainUntilMs ? { kind: "draining", untilMs: view.drainUntilMs } : { kind: "postgres" };
}

/**
 * The generation gate scripts compare with their coupon's state, from a read of the mode within the
 * lease: a script is never sent on a stale view (it waits for a fresh read, or throws
 * GateModeUnknownError). Gate wrappers take it by default; pass it to pin one.
 */
export async function gateGeneration(redis: Redis): Promise<number> {
  const s = scopeState(redis);
  const deadline = Date.now() + FRESH_READ_WAIT_MS;
  for (;;) {
    const view = s.view;
    if (view && Date.now() - view.readAtMs <= LEASE_MS) return view.generation;
    const left = deadline - Date.now();
    if (left <= 0) throw new GateModeUnknownError(s.lastError ?? "no answer from Postgres");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([s.nextView, new Promise((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }
}

function viewSignal(): { nextView: Promise<void>; gotView: () => void } {
  let gotView!: () => void;
  const nextView = new Promise<void>((resolve) => (gotView = resolve));
  return { nextView, gotView };
}

/** Called when a gate call to Redis failed (network, timeout, server error). */
export function reportRedisFailure(error: unknown): void {
  const redis = getRedis();
  if (!redis || error instanceof GateModeUnknownError) return;
  const s = scopeState(redis);
  const generation = s.view?.generation ?? -1;
  if (s.failedAt !== undefined && s.failedAt >= generation) return;
  s.failedAt = generation;
  const message = error instanceof Error ? error.message : String(error);
  console.warn(
    "[gate] Redis failed; every process moves to the Postgres gate after a drain:",
    message.length > 300 ? `${message.slice(0, 300)}…` : message,
  );
  s.wake?.();
}

/** The background loop of one scope: read the shared row, flip it when this process saw Redis fail, probe to recover. */
async function followSharedMode(scope: string, s: ScopeState): Promise<void> {
  for (;;) {
    try {
      await syncOnce(scope, s);
      s.lastError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (s.lastError !== message) console.warn("[gate] could not read or change the shared gate mode:", message);
      s.lastError = message;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      timer.unref();
      s.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    s.wake = undefined;
  }
}

async function syncOnce(scope: string, s: ScopeState): Promise<void> {
  const db = getControlDb();
  let sentAt = Date.now();
  const row = await readGateMode(db, scope, DRAIN_MS);
  accept(s, row, sentAt);

  if (s.failedAt !== undefined && row.mode === "redis") {
    sentAt = Date.now();
    const opened = await openGateMode(db, scope, Math.max(s.failedAt, row.generation), DRAIN_MS);
    if (opened) accept(s, opened, sentAt);
    return;
  }

  if (row.mode === "postgres" && row.drainLeftMs === 0 && Date.now() - s.lastProbeMs >= PROBE_EVERY_MS) {
    s.lastProbeMs = Date.now();
    if (!(await answersPing(s.redis))) return;
    sentAt = Date.now();
    const closed = await closeGateMode(db, scope, row.generation, DRAIN_MS);
    if (!closed) return; // another process recovered first
    accept(s, closed, sentAt);
    console.warn(`[gate] Redis is back: generation ${closed.generation}; gate state is rebuilt from Postgres on use`);
    await breaker()
      .onRecover?.(closed.generation)
      .catch((error) => console.warn("[gate] recovery handler failed:", error));
  }
}

function accept(s: ScopeState, row: GateModeRow, sentAt: number): void {
  // The lease runs from when the query was sent; the drain from when the answer came (both err late).
  s.view = { mode: row.mode, generation: row.generation, readAtMs: sentAt, drainUntilMs: Date.now() + row.drainLeftMs };
  if (s.failedAt === -1) s.failedAt = row.generation;
  else if (s.failedAt !== undefined && row.generation > s.failedAt) s.failedAt = undefined;
  const gotView = s.gotView;
  Object.assign(s, viewSignal());
  gotView();
}

async function answersPing(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  }
}

/** For tests: forget the failures this process saw (the shared row is left as it is). */
export function resetBreaker(): void {
  for (const s of breaker().scopes.values()) s.failedAt = undefined;
}
