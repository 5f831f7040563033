// A coupon's rules as stored (a row's columns, nulls for "none"), for the console's words and form.

import type { COUPON_KINDS, STACKING_MODES } from "./schemas";

export type StoredCouponRules = {
  kind: (typeof COUPON_KINDS)[number];
  value: number | null;
  currency: string | null;
  maxDiscount: number | null;
  minOrderAmount: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  maxRedemptions: number | null;
  maxRedemptionsPerUser: number | null;
  budget: number | null;
  productIds: string[];
  categoryIds: string[];
  allowedEmailDomains: string[];
  firstOrderOnly: boolean;
  channels: string[];
  stacking: (typeof STACKING_MODES)[number];
  priority: number;
  voidRestoresUses: boolean;
};
