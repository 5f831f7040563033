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
import { dropCouponState, listGateCouponIds, readUsage, reclaimExpiredLocks } from "@/server/redis/gate";
import { setCouponDrainUntil } from "@/server/redis/gate-boot";
import { env } from "@/server/env";
import { ensureGateState } from "./ensure-gate-state";

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
    for (const couponId of await listGateCouponIds(redis)) {
      const { reclaimed } = await reclaimExpiredLocks(redis, couponId, 1_000);
      report.reclaimedLocks += reclaimed.length;
      const [usage] = await readUsage(redis, [{ couponId, codeIds: [], customerId: null }]);
      if (!usage?.loaded) continue;
      const snapshot = await db.transaction((tx) => readCouponGateSnapshot(tx, couponId), {
        isolationLevel: "repeatable read",
        accessMode: "read only",
      });
      if (!snapshot) continue;
      report.checkedCoupons += 1;
      const agrees = usage.uses === snapshot.uses && usage.spent === snapshot.spent && usage.status === snapshot.status;
      if (agrees) {
        suspects().delete(couponId);
        continue;
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
        continue;
      }
      // Drift: drop the coupon's state and rebuild it from Postgres after a drain.
      await setCouponDrainUntil(redis, couponId, Date.now() + DRAIN_MS);
      await dropCouponState(redis, couponId);
      await ensureGateState([couponId]);
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
  } catch (error) {
    reportRedisFailure(error);
  }
  return report;
}
