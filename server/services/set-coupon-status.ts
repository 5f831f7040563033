import { findCouponForUpdate, updateCouponStatus } from "@/server/db/queries/coupons";
import { insertEvent } from "@/server/db/queries/events";
import type { CouponRow } from "@/server/db/schema";
import { explainTransition } from "@/server/domain/coupon-status";
import { InvalidInputError, NotFoundError } from "./errors";
import { getCouponOrThrow } from "./get-coupon";
import { publishCouponChange } from "./publish-coupon-change";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";
import { couponEventData } from "./webhooks/coupon-event-data";

/**
 * admin.coupons.setStatus: one step of the state machine (draft -> active <-> disabled; any ->
 * archived, final), judged on the locked row; Postgres first (the truth), with its audit entry,
 * then written through to the Redis gate and the rules cache.
 */
export async function setCouponStatus(
  input: { id: string; status: CouponRow["status"] },
  actor: AdminActor,
): Promise<CouponRow> {
  const { id } = await runAdminMutation(
    { actor, operation: "admin.coupons.setStatus", payload: input },
    async (tx, audit) => {
      const current = await findCouponForUpdate(tx, input.id);
      if (!current) throw new NotFoundError("No coupon with this id.");
      const refusal = explainTransition(current.status, input.status);
      if (refusal) throw new InvalidInputError(refusal);
      const updated = await updateCouponStatus(tx, { ...input, updatedBy: actor.userId });
      if (!updated) throw new NotFoundError("No coupon with this id.");
      await audit({
        action: `coupon.${input.status.toLowerCase()}`,
        targetType: "coupon",
        targetId: updated.id,
        before: { status: current.status, version: current.version },
        after: { status: updated.status, version: updated.version },
      });
      // coupon.disabled for a disable; any other step (activate, archive) is a coupon.updated.
      await insertEvent(tx, {
        type: updated.status === "DISABLED" ? "coupon.disabled" : "coupon.updated",
        data: { ...couponEventData(updated), previousStatus: current.status },
      });
      return { id: updated.id };
    },
  );
  const row = await getCouponOrThrow(id);
  await publishCouponChange(row);
  return row;
}
