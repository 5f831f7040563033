import { getRedis } from "./client";

/**
 * Decides whether the Redis gate may be trusted. Closed: use Redis. Open: Redis
 * failed; the Postgres gate takes over, but only after DRAIN_MS, so that every
 * write Redis already approved has reached Postgres (or been abandoned) before
 * Postgres counts alone. A probe PINGs Redis; when it answers, `onRecover` (wipe
 * the gate state, so it is rebuilt from Postgres) runs before Redis is trusted.
 */
export type GateMode = { kind: "redis" } | { kind: "postgres" } | { kind: "draining"; untilMs: number };

/** Longest time between a Redis decision and its Postgres commit (enforced by the writers). */
export const GATE_WRITE_DEADLINE_MS = 2_000;
export const DRAIN_MS = GATE_WRITE_DEADLINE_MS + 1_000;
const PROBE_EVERY_MS = 500;

type BreakerState = { open: boolean; openedAtMs: number; probing: boolean; onRecover?: () => Promise<void> };

const globalForBreaker = globalThis as unknown as { couponGateBreaker?: BreakerState };
function state(): BreakerState {
  globalForBreaker.couponGateBreaker ??= { open: false, openedAtMs: 0, probing: false };
  return globalForBreaker.couponGateBreaker;
}

export function setRecoveryHandler(handler: () => Promise<void>): void {
  state().onRecover = handler;
}

export function currentGateMode(now = Date.now()): GateMode {
  if (!getRedis()) return { kind: "postgres" };
  const s = state();
  if (!s.open) return { kind: "redis" };
  const untilMs = s.openedAtMs + DRAIN_MS;
  return now < untilMs ? { kind: "draining", untilMs } : { kind: "postgres" };
}

/** Called when a gate call to Redis failed (network, timeout, server error). */
export function reportRedisFailure(error: unknown): void {
  const s = state();
  if (!s.open) {
    s.open = true;
    s.openedAtMs = Date.now();
    const message = error instanceof Error ? error.message : String(error);
    console.warn(
      "[gate] Redis failed; Postgres gate after drain:",
      message.length > 300 ? `${message.slice(0, 300)}…` : message,
    );
  }
  if (!s.probing) void probeUntilRecovered();
}

async function probeUntilRecovered(): Promise<void> {
  const s = state();
  s.probing = true;
  try {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
      const redis = getRedis();
      if (!redis) return;
      try {
        if ((await redis.ping()) !== "PONG") continue;
        // Redis state may predate the outage: rebuild it from Postgres before trusting it.
        await s.onRecover?.();
        s.open = false;
        console.warn("[gate] Redis is back; gate state wiped, rebuilt from Postgres on use");
        return;
      } catch {
        // still down
      }
    }
  } finally {
    s.probing = false;
  }
}

/** For tests: forget breaker state. */
export function resetBreaker(): void {
  globalForBreaker.couponGateBreaker = { open: false, openedAtMs: 0, probing: false, onRecover: state().onRecover };
}
