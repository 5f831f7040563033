import { getDb } from "@/server/db/client";
import { insertCoupon } from "@/server/db/queries/coupons";
import type { CouponRow } from "@/server/db/schema";
import type { CreateCouponInput } from "@/server/domain/admin-inputs";
import { env } from "@/server/env";

const DAY_MS = 86_400_000;

export async function createCoupon(
  input: CreateCouponInput,
  actor: { userId: string },
  now = new Date(),
): Promise<CouponRow> {
  // Omitted = the default lifetime (counted from the start when it lies ahead); null = never expires.
  const start = input.validFrom && input.validFrom > now ? input.validFrom : now;
  const validUntil =
    input.validUntil === undefined
      ? new Date(start.getTime() + env().DEFAULT_EXPIRATION_DAYS * DAY_MS)
      : input.validUntil;
  return insertCoupon(getDb(), {
    name: input.name,
    description: input.description,
    internalNotes: input.internalNotes,
    kind: input.kind,
    value: input.kind === "FREE_SHIPPING" ? null : input.value,
    currency: input.currency ?? null,
    maxDiscount: input.kind === "PERCENT" ? (input.maxDiscount ?? null) : null,
    minOrderAmount: input.minOrderAmount ?? null,
    validFrom: input.validFrom ?? null,
    validUntil,
    status: input.status,
    maxRedemptions: input.maxRedemptions ?? null,
    maxRedemptionsPerUser: input.maxRedemptionsPerUser ?? null,
    budget: input.budget ?? null,
    productIds: input.productIds,
    categoryIds: input.categoryIds,
    allowedEmailDomains: input.allowedEmailDomains,
    firstOrderOnly: input.firstOrderOnly,
    channels: input.channels,
    stacking: input.stacking,
    priority: input.priority,
    voidRestoresUses: input.voidRestoresUses,
    createdBy: actor.userId,
    updatedBy: actor.userId,
  });
}
