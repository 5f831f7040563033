import { randomUUID } from "node:crypto";
import { getDb } from "@/server/db/client";
import { logGateRepair, readCouponGateSnapshot } from "@/server/db/queries/gate-records";
import { DRAIN_MS, gateGeneration, setRecoveryHandler } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { beginRebuild, finishRebuild, loadRebuildChunk, readUsage } from "@/server/redis/gate";
import { isGateBootMarked, markGateBoot, readCouponDrainUntil } from "@/server/redis/gate-boot";
import { DependencyUnavailableError } from "./errors";

// When Redis comes back after an outage, its gate state predates what the Postgres gate decided: the new
// generation already outdates all of it (circuit-breaker.ts), so each coupon is rebuilt on use.
// This used to SCAN + DEL every gate key while other processes kept using Redis; a coupon rebuilt
// between two pages could lose its users/codes hashes and stay "loaded" with counters too low. Now
// nothing is deleted across coupons: the bump is one row update, every script compares generations
// atomically, and a coupon's old keys are cleared by its own begin-rebuild script, under its token.
setRecoveryHandler(async (generation) => {
  await logGateRepair(getDb(), { couponId: null, kind: "redis-recovered", detail: { generation } });
});

const CHUNK = 2_000;
const WAIT_FOR_OTHER_REBUILD_MS = DRAIN_MS + 10_000;

// One rebuild per coupon per process at a time; concurrent callers share it.
const globalForRebuilds = globalThis as unknown as { couponRebuilds?: Map<string, Promise<void>> };
function rebuilds(): Map<string, Promise<void>> {
  globalForRebuilds.couponRebuilds ??= new Map();
  return globalForRebuilds.couponRebuilds;
}

/** Rebuilds the Redis gate state of these coupons from Postgres (missing after a flush, restart or first use). */
export async function ensureGateState(couponIds: string[]): Promise<void> {
  await Promise.all(
    couponIds.map((couponId) => {
      const running = rebuilds().get(couponId);
      if (running) return running;
      const rebuild = rebuildCoupon(couponId).finally(() => rebuilds().delete(couponId));
      rebuilds().set(couponId, rebuild);
      return rebuild;
    }),
  );
}

async function rebuildCoupon(couponId: string): Promise<void> {
  const redis = getRedis();
  if (!redis) return;
  const token = randomUUID();
  // One generation for the whole rebuild: a change of mode meanwhile outdates what it loads, as it should.
  const generation = await gateGeneration(redis);
  const { won } = await beginRebuild(redis, couponId, token, { generation });
  if (!won) {
    await waitUntilLoaded(couponId);
    return;
  }
  // After a flush, a restart or a change of mode (or a deliberate drop), writes that Redis approved or the
  // Postgres gate decided may still be landing in Postgres.
  const drained = !(await isGateBootMarked(redis, generation));
  const waitUntil = Math.max(drained ? Date.now() + DRAIN_MS : 0, await readCouponDrainUntil(redis, couponId));
  if (waitUntil > Date.now()) await new Promise((resolve) => setTimeout(resolve, waitUntil - Date.now()));

  // One consistent picture of the coupon's counting redemptions and live locks.
  const snapshot = await onPostgres(() =>
    getDb().transaction((tx) => readCouponGateSnapshot(tx, couponId), {
      isolationLevel: "repeatable read",
      accessMode: "read only",
    }),
  );
  if (!snapshot) return; // no such coupon: callers answer NOT_FOUND
  for (let i = 0; i < snapshot.users.length; i += CHUNK) {
    const users = Object.fromEntries(snapshot.users.slice(i, i + CHUNK).map((u) => [u.customerId, u.uses]));
    if (!(await loadRebuildChunk(redis, couponId, token, { users })).ok) return;
  }
  for (let i = 0; i < snapshot.codes.length; i += CHUNK) {
    const codes = Object.fromEntries(
      snapshot.codes.slice(i, i + CHUNK).map((c) => [c.codeId, { used: c.used, locked: c.locked }]),
    );
    if (!(await loadRebuildChunk(redis, couponId, token, { codes })).ok) return;
  }
  for (let i = 0; i < snapshot.locks.length; i += CHUNK) {
    if (!(await loadRebuildChunk(redis, couponId, token, { locks: snapshot.locks.slice(i, i + CHUNK) })).ok) return;
  }
  const epoch = randomUUID();
  await finishRebuild(redis, couponId, token, {
    epoch,
    status: snapshot.status as "ACTIVE" | "DISABLED" | "ARCHIVED",
    version: snapshot.version,
    uses: snapshot.uses,
    spent: snapshot.spent,
  });
  if (drained) await markGateBoot(redis, String(generation));
  await onPostgres(() =>
    logGateRepair(getDb(), {
      couponId,
      kind: "rebuild",
      detail: {
        uses: snapshot.uses,
        spent: snapshot.spent,
        users: snapshot.users.length,
        locks: snapshot.locks.length,
        drained,
      },
    }),
  );
}

/** Postgres failures of a rebuild are not Redis failures: callers must not open the Redis breaker for them. */
function onPostgres<T>(call: () => Promise<T>): Promise<T> {
  return call().catch((error: unknown) => {
    throw new DependencyUnavailableError(
      `Postgres failed while rebuilding the gate state: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  });
}

async function waitUntilLoaded(couponId: string): Promise<void> {
  const redis = getRedis();
  if (!redis) return;
  const deadline = Date.now() + WAIT_FOR_OTHER_REBUILD_MS;
  while (Date.now() < deadline) {
    const [usage] = await readUsage(redis, [{ couponId, codeIds: [], customerId: null }]);
    if (usage?.loaded) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
