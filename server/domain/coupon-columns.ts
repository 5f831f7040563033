// A coupon's text and rules, as the admin API takes them, in the columns they are stored in.

import type { CouponFields } from "./admin-inputs";
import type { StoredCouponRules } from "./stored-coupon";

/**
 * The stored columns of a coupon's fields (create and update alike): nulls for "none", no value for
 * FREE_SHIPPING, maxDiscount only for PERCENT. validUntil is decided by the caller (a default lifetime on
 * create, the current end on update when omitted).
 */
export function couponColumns(
  input: CouponFields,
  validUntil: Date | null,
): StoredCouponRules & { name: string; description: string; internalNotes: string } {
  return {
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
  };
}
