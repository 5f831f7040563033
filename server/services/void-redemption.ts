import { getDb } from "@/server/db/client";
import { findCouponsByIds } from "@/server/db/queries/coupons";
import { insertEvent } from "@/server/db/queries/events";
import { findRedemptions, voidRedemptionRows } from "@/server/db/queries/gate-records";
import { currentGateMode, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { readUsage, restoreUses } from "@/server/redis/gate";
import { NotFoundError } from "./errors";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";

export type VoidResult = { voided: Array<{ id: string; usesRestored: boolean }> };

/**
 * admin.redemptions.void: marks the redemption(s) voided (they stay in the
 * history) and gives their uses back when the coupon says so.
 */
export async function voidRedemption(
  input: { redemptionId?: string; orderId?: string; reason: string; idempotencyKey?: string },
  actor: AdminActor = { userId: null },
): Promise<VoidResult> {
  const db = getDb();
  const found = await findRedemptions(db, {
    ids: input.redemptionId ? [input.redemptionId] : undefined,
    orderId: input.orderId,
  });
  const live = found.filter((r) => r.voidedAt === null);
  if (found.length === 0) throw new NotFoundError("No such redemption.");
  if (live.length === 0) return { voided: [] };

  const couponIds = [...new Set(live.map((r) => r.couponId))];
  const restores = new Map((await findCouponsByIds(db, couponIds)).map((c) => [c.id, c.voidRestoresUses]));
  const redis = getRedis();
  const useRedis = redis !== null && currentGateMode().kind === "redis";
  // Epochs read before the Postgres commit: a rebuild in between already counts the void, so it must not be restored twice.
  const epochs = new Map<string, string>();
  if (useRedis) {
    try {
      const usage = await readUsage(
        redis,
        couponIds.map((couponId) => ({ couponId, codeIds: [], customerId: null })),
      );
      couponIds.forEach((id, i) => {
        const epoch = usage[i]?.loaded ? usage[i]?.epoch : null;
        if (epoch) epochs.set(id, epoch);
      });
    } catch (error) {
      reportRedisFailure(error);
    }
  }

  // The void and its audit entries commit together; with a key, a retry replays this answer.
  const { idempotencyKey, ...payload } = input;
  // A replayed answer (a concurrent retry with the same key) must not give the uses back in Redis a second time.
  let ranHere = false;
  const voided = await runAdminMutation(
    { actor, operation: "admin.redemptions.void", idempotencyKey, payload },
    async (tx, audit) => {
      ranHere = true;
      const rows = [];
      for (const couponId of couponIds) {
        const ids = live.filter((r) => r.couponId === couponId).map((r) => r.id);
        rows.push(
          ...(await voidRedemptionRows(tx, ids, { reason: input.reason, restoreUses: restores.get(couponId) ?? true })),
        );
      }
      for (const row of rows) {
        await insertEvent(tx, {
          type: "redemption.voided",
          data: {
            redemptionId: row.id,
            couponId: row.couponId,
            codeId: row.codeId,
            customerId: row.customerId,
            orderId: row.orderId,
            amount: row.amount,
            currency: row.currency,
            voidReason: row.voidReason,
            usesRestored: row.usesRestored,
            voidedAt: row.voidedAt,
          },
        });
        await audit({
          action: "redemption.void",
          targetType: "redemption",
          targetId: row.id,
          before: {
            couponId: row.couponId,
            orderId: row.orderId,
            voidedAt: null,
            voidReason: null,
            usesRestored: false,
          },
          after: {
            couponId: row.couponId,
            orderId: row.orderId,
            voidedAt: row.voidedAt,
            voidReason: row.voidReason,
            usesRestored: row.usesRestored,
          },
        });
      }
      return rows.map((r) => ({
        id: r.id,
        couponId: r.couponId,
        codeId: r.codeId,
        customerId: r.customerId,
        amount: r.amount,
        usesRestored: r.usesRestored,
      }));
    },
  );

  const toRestore = ranHere ? voided.filter((r) => r.usesRestored && epochs.has(r.couponId)) : [];
  if (useRedis && toRestore.length > 0) {
    await restoreUses(
      redis,
      toRestore.map((r) => ({
        couponId: r.couponId,
        codeId: r.codeId,
        customerId: r.customerId,
        amount: r.amount,
        epoch: epochs.get(r.couponId)!,
      })),
    ).catch(reportRedisFailure);
  }
  return { voided: voided.map((r) => ({ id: r.id, usesRestored: r.usesRestored })) };
}
