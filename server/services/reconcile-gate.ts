import type { Redis } from "@upstash/redis";
import { getDb } from "@/server/db/client";
import {
  expireStaleLocks,
  logGateRepair,
  readCouponGateSnapshot,
  refreshCouponCounters,
} from "@/server/db/queries/gate-records";
import { deleteExpiredIdempotencyKeys } from "@/server/db/queries/idempotency";
import { currentGateMode, DRAIN_MS, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import {
  dropCouponState,
  dropStaleState,
  listGateCouponIds,
  readUsage,
  reclaimExpiredLocks,
} from "@/server/redis/gate";
import { setCouponDrainUntil } from "@/server/redis/gate-boot";
import { env } from "@/server/env";
import { ensureGateState } from "./ensure-gate-state";
import { DependencyUnavailableError } from "./errors";

/** A Redis call of the pass failed: only this opens the breaker (a Postgres error says nothing about Redis). */
class RedisStepError extends Error {
  constructor(readonly failure: unknown) {
    super(failure instanceof Error ? failure.message : String(failure));
  }
}

function onRedis<T>(call: () => Promise<T>): Promise<T> {
  return call().catch((error: unknown) => {
    throw new RedisStepError(error);
  });
}

const globalForCounters = globalThis as unknown as { couponCountersRefreshed?: boolean };
function countersRefreshedOnce(): boolean {
  const before = globalForCounters.couponCountersRefreshed ?? false;
  globalForCounters.couponCountersRefreshed = true;
  return before;
}

export type ReconcileReport = {
  expiredLocks: number;
  reclaimedLocks: number;
  checkedCoupons: number;
  suspected: string[];
  repaired: string[];
  deletedIdempotencyKeys: number;
  refreshedCounters: number;
  /** Coupons whose check failed on the Postgres side (logged; the next pass tries again). */
  failedCoupons: string[];
  /** Coupons whose keys from an older gate generation were freed. */
  droppedStale: number;
};

type Observation = {
  firstSeenMs: number;
  redisUses: number;
  postgresUses: number;
  redisSpent: number;
  postgresSpent: number;
};
// Writes in flight keep Redis a little ahead of Postgres under load; that is not drift.
// Drift is a difference that stays the same across passes a drain apart (nothing moved,
// e.g. a process died between the gate's decision and its write), or Redis behind
// Postgres twice (the dangerous side: it could let a use through twice).
const globalForSuspects = globalThis as unknown as { couponGateSuspects?: Map<string, Observation> };
function suspects() {
  globalForSuspects.couponGateSuspects ??= new Map();
  return globalForSuspects.couponGateSuspects;
}

/**
 * One reconciliation pass (a pg-boss job runs it every RECONCILE_INTERVAL_SECONDS):
 * expires stale locks in Postgres and Redis, compares every Redis coupon state
 * with Postgres, and rebuilds a coupon whose drift outlives the drain window.
 * Every repair is logged in gate_repairs.
 */
export async function reconcileGate(now = Date.now()): Promise<ReconcileReport> {
  const db = getDb();
  const report: ReconcileReport = {
    expiredLocks: 0,
    reclaimedLocks: 0,
    checkedCoupons: 0,
    suspected: [],
    repaired: [],
    deletedIdempotencyKeys: 0,
    refreshedCounters: 0,
    failedCoupons: [],
    droppedStale: 0,
  };
  const expired = await expireStaleLocks(db);
  report.expiredLocks = expired.length;
  if (expired.length > 0)
    await logGateRepair(db, { couponId: null, kind: "expire-locks", detail: { lockIds: expired } });
  report.deletedIdempotencyKeys = await deleteExpiredIdempotencyKeys(db);
  // Reporting counters: recomputed here, off the redeem path. The first pass of a process covers every coupon.
  report.refreshedCounters = await refreshCouponCounters(
    db,
    countersRefreshedOnce() ? env().RECONCILE_INTERVAL_SECONDS * 3 : null,
  );

  const redis = getRedis();
  if (!redis || currentGateMode(now).kind !== "redis") return report;
  try {
    for (const couponId of await onRedis(() => listGateCouponIds(redis))) {
      try {
        await reconcileCoupon(redis, couponId, now, report);
      } catch (error) {
        if (error instanceof RedisStepError) throw error;
        // Postgres failed (or refused this coupon): not a Redis failure; the next pass tries again.
        console.error(`[gate] reconcile of coupon ${couponId} failed:`, error instanceof Error ? error.message : error);
        report.failedCoupons.push(couponId);
      }
    }
  } catch (error) {
    if (!(error instanceof RedisStepError)) throw error;
    reportRedisFailure(error.failure);
  }
  return report;
}

/** Compares one coupon's Redis state with Postgres; rebuilds it when the drift outlives the drain window. */
async function reconcileCoupon(redis: Redis, couponId: string, now: number, report: ReconcileReport): Promise<void> {
  const db = getDb();
  const { reclaimed } = await onRedis(() => reclaimExpiredLocks(redis, couponId, 1_000));
  report.reclaimedLocks += reclaimed.length;
  const [usage] = await onRedis(() => readUsage(redis, [{ couponId, codeIds: [], customerId: null }]));
  if (!usage?.loaded) {
    // Keys of an older gate generation are never trusted again: free them (atomically; current state is kept).
    if ((await onRedis(() => dropStaleState(redis, couponId))).dropped) report.droppedStale += 1;
    return;
  }
  const snapshot = await db.transaction((tx) => readCouponGateSnapshot(tx, couponId), {
    isolationLevel: "repeatable read",
    accessMode: "read only",
  });
  if (!snapshot) return;
  report.checkedCoupons += 1;
  const agrees = usage.uses === snapshot.uses && usage.spent === snapshot.spent && usage.status === snapshot.status;
  if (agrees) {
    suspects().delete(couponId);
    return;
  }
  const current: Observation = {
    firstSeenMs: now,
    redisUses: usage.uses,
    postgresUses: snapshot.uses,
    redisSpent: usage.spent,
    postgresSpent: snapshot.spent,
  };
  const seen = suspects().get(couponId);
  const unchanged =
    seen &&
    (["redisUses", "postgresUses", "redisSpent", "postgresSpent"] as const).every((k) => seen[k] === current[k]);
  const behindTwice = seen && seen.redisUses < seen.postgresUses && current.redisUses < current.postgresUses;
  const statusDiffers = usage.status !== snapshot.status;
  if (!seen || now - seen.firstSeenMs < DRAIN_MS || !(unchanged || behindTwice || statusDiffers)) {
    if (!seen || !(now - seen.firstSeenMs < DRAIN_MS)) suspects().set(couponId, current);
    report.suspected.push(couponId);
    return;
  }
  // Drift: drop the coupon's state and rebuild it from Postgres after a drain.
  await onRedis(() => setCouponDrainUntil(redis, couponId, Date.now() + DRAIN_MS));
  await onRedis(() => dropCouponState(redis, couponId));
  // A rebuild's Postgres failures come out as DependencyUnavailableError; anything else there is Redis's.
  await ensureGateState([couponId]).catch((error: unknown) => {
    throw error instanceof DependencyUnavailableError ? error : new RedisStepError(error);
  });
  suspects().delete(couponId);
  report.repaired.push(couponId);
  await logGateRepair(db, {
    couponId,
    kind: "drift-rebuild",
    detail: {
      redisUses: usage.uses,
      postgresUses: snapshot.uses,
      redisSpent: usage.spent,
      postgresSpent: snapshot.spent,
      redisStatus: usage.status,
      postgresStatus: snapshot.status,
    },
  });
}
