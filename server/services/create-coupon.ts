import { insertCoupon } from "@/server/db/queries/coupons";
import { insertEvent } from "@/server/db/queries/events";
import type { CouponRow } from "@/server/db/schema";
import type { CreateCouponInput } from "@/server/domain/admin-inputs";
import { couponColumns } from "@/server/domain/coupon-columns";
import { env } from "@/server/env";
import { auditCouponSnapshot } from "./audit-coupon-snapshot";
import { getCouponOrThrow } from "./get-coupon";
import { runAdminMutation, type AdminActor } from "./run-admin-mutation";
import { couponEventData } from "./webhooks/coupon-event-data";

const DAY_MS = 86_400_000;

/** admin.coupons.create: the coupon, its audit entry and its event in one transaction; once per idempotency key. */
export async function createCoupon(input: CreateCouponInput, actor: AdminActor, now = new Date()): Promise<CouponRow> {
  const { idempotencyKey, ...payload } = input;
  // Omitted = the default lifetime (counted from the start when it lies ahead); null = never expires.
  const start = input.validFrom && input.validFrom > now ? input.validFrom : now;
  const validUntil =
    input.validUntil === undefined
      ? new Date(start.getTime() + env().DEFAULT_EXPIRATION_DAYS * DAY_MS)
      : input.validUntil;
  const values = {
    ...couponColumns(input, validUntil),
    status: input.lifecycleStatus,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  };
  const { id } = await runAdminMutation(
    { actor, operation: "admin.coupons.create", idempotencyKey, payload },
    async (tx, audit) => {
      const row = await insertCoupon(tx, values);
      await audit({
        action: "coupon.create",
        targetType: "coupon",
        targetId: row.id,
        before: null,
        after: auditCouponSnapshot(row),
      });
      await insertEvent(tx, { type: "coupon.created", data: couponEventData(row) });
      return { id: row.id };
    },
  );
  return getCouponOrThrow(id);
}
