import { couponHasRedemptions, findCouponForUpdate, updateCouponRules } from "@/server/db/queries/coupons";
import { insertEvent } from "@/server/db/queries/events";
import type { CouponRow } from "@/server/db/schema";
import type { UpdateCouponInput } from "@/server/domain/admin-inputs";
import { couponColumns } from "@/server/domain/coupon-columns";
import { auditCouponSnapshot } from "./audit-coupon-snapshot";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import { getCouponOrThrow } from "./get-coupon";
import { publishCouponChange } from "./publish-coupon-change";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";
import { couponEventData } from "./webhooks/coupon-event-data";

/**
 * admin.coupons.update: the coupon's new rules, versioned (caches see the new version at once) and
 * audited in the same transaction. Status changes go through setStatus; an archived coupon is final;
 * after the first redemption the kind and currency stay (they would rewrite what was given).
 */
export async function updateCoupon(input: UpdateCouponInput, actor: AdminActor): Promise<CouponRow> {
  const { idempotencyKey, id, expectedVersion, ...payload } = input;
  const { id: updatedId } = await runAdminMutation(
    { actor, operation: "admin.coupons.update", idempotencyKey, payload: { id, expectedVersion, ...payload } },
    async (tx, audit) => {
      const current = await findCouponForUpdate(tx, id);
      if (!current) throw new NotFoundError("No coupon with this id.");
      if (current.status === "ARCHIVED")
        throw new InvalidInputError("An archived coupon is final: it cannot be changed.");
      if (expectedVersion !== undefined && expectedVersion !== current.version)
        throw new ConflictError(
          `Someone changed this coupon meanwhile (version ${current.version}, you edited ${expectedVersion}). Reload it and apply your change again.`,
        );
      const currency = input.currency ?? null;
      if ((input.kind !== current.kind || currency !== current.currency) && (await couponHasRedemptions(tx, id)))
        throw new InvalidInputError(
          "This coupon has redemptions: its kind and currency are locked (they would rewrite what was given). Create a new coupon instead.",
        );
      const validUntil = input.validUntil === undefined ? current.validUntil : input.validUntil;
      if (input.validFrom && validUntil && input.validFrom >= validUntil)
        throw new InvalidInputError("validUntil must be after validFrom (the coupon's end lies before the new start).");
      const updated = await updateCouponRules(tx, id, { ...couponColumns(input, validUntil), updatedBy: actor.userId });
      if (!updated) throw new NotFoundError("No coupon with this id.");
      await audit({
        action: "coupon.update",
        targetType: "coupon",
        targetId: id,
        before: auditCouponSnapshot(current),
        after: auditCouponSnapshot(updated),
      });
      await insertEvent(tx, { type: "coupon.updated", data: couponEventData(updated) });
      return { id };
    },
  );
  const row = await getCouponOrThrow(updatedId);
  await publishCouponChange(row);
  return row;
}
