import { getDb, type Executor } from "@/server/db/client";
import { findCouponsByIds } from "@/server/db/queries/coupons";
import { insertEvent } from "@/server/db/queries/events";
import { findRedemptions, voidRedemptionRows } from "@/server/db/queries/gate-records";
import { NotFoundError } from "./errors";
import { withGate } from "./gate/choose-gate";
import { runAdminMutation, type AdminActor, type AuditEntryInput } from "./run-admin-mutation";

export type VoidResult = { voided: Array<{ id: string; usesRestored: boolean }> };

/**
 * admin.redemptions.void: marks the redemption(s) voided (they stay in the
 * history) and gives their uses back when the coupon says so, on the gate the breaker chooses: the
 * Redis gate's counters get them back once (only the call whose update voided the rows restores, in
 * the epoch read before it); the Postgres gate counts the rows, so the void itself gives them back.
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
  // Nothing left to void; with a key, the answer is still the key's (a retry replays the first answer).
  if (live.length === 0 && !input.idempotencyKey) return { voided: [] };

  const couponIds = [...new Set(live.map((r) => r.couponId))];
  const restores = new Map((await findCouponsByIds(db, couponIds)).map((c) => [c.id, c.voidRestoresUses]));
  const { idempotencyKey, ...payload } = input;

  // On the gate the breaker trusts (a Redis failure before the void moves it to the other gate).
  const voided = await withGate(async (gate) => {
    // Epochs read before the Postgres commit: a rebuild in between already counts the void, so it must not be restored twice.
    const epochs = await gate.epochsOf(couponIds);
    // A replayed answer (a retry with the same key) or a void another call committed first gives nothing back here.
    let ranHere = false;
    // The void and its audit entries commit together; with a key, a retry replays this answer.
    const rows = await runAdminMutation(
      { actor, operation: "admin.redemptions.void", idempotencyKey, payload },
      async (tx, audit) => {
        ranHere = true;
        return voidAndAudit(tx, audit, live, couponIds, { reason: input.reason, restores });
      },
    );
    if (ranHere)
      await gate.restore(
        rows.flatMap((r) => {
          const epoch = epochs.get(r.couponId);
          if (!r.usesRestored || epoch === undefined) return [];
          return [{ couponId: r.couponId, codeId: r.codeId, customerId: r.customerId, amount: r.amount, epoch }];
        }),
      );
    return rows;
  });
  return { voided: voided.map((r) => ({ id: r.id, usesRestored: r.usesRestored })) };
}

/** Voids the live rows (only those still live when the update runs: a raced void voids nothing) and audits each. */
async function voidAndAudit(
  tx: Executor,
  audit: (entry: AuditEntryInput) => Promise<void>,
  live: Array<{ id: string; couponId: string }>,
  couponIds: string[],
  how: { reason: string; restores: Map<string, boolean> },
) {
  const rows = [];
  for (const couponId of couponIds) {
    const ids = live.filter((r) => r.couponId === couponId).map((r) => r.id);
    rows.push(
      ...(await voidRedemptionRows(tx, ids, { reason: how.reason, restoreUses: how.restores.get(couponId) ?? true })),
    );
  }
  for (const row of rows) {
    // The outbox (redemption.voided), in the transaction of the void.
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
}
