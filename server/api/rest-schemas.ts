// Output shapes of the procedures the REST mirror exposes (trpc-to-openapi documents them from these).
// Admin shapes are open objects: they name the fields clients rely on and keep whatever else the
// service returns, so the tRPC answers the console reads are unchanged. Dates travel as ISO 8601 strings.

import { z } from "zod";
import { Money, Quote } from "@/server/domain/schemas";

export const LockResult = z.object({ lockId: z.uuid(), expiresAt: z.string(), quote: Quote });

export const RedeemResult = z.object({
  orderId: z.string(),
  redemptions: z.array(z.object({ id: z.string(), code: z.string(), couponId: z.string(), amount: Money })),
  quote: Quote,
});

export const CouponOut = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  status: z.string(),
  version: z.number(),
});

export const CouponUsageOut = z.looseObject({ source: z.string(), used: z.number(), redeemed: z.number() });

export const CodeOut = z.looseObject({ id: z.string() });

export const CodeLookupOut = z.looseObject({});

export const ListItemOut = z.looseObject({ id: z.string() });

export const CodeStatusOut = z.looseObject({ id: z.string(), status: z.string() });

export const RedemptionOut = z.looseObject({ id: z.string() });

export const VoidOut = z.object({ voided: z.array(z.looseObject({ id: z.string(), usesRestored: z.boolean() })) });

/** A keyset page: `nextCursor` goes back as `cursor` for the next page; null on the last one. */
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.looseObject({ items: z.array(item), nextCursor: z.string().nullable() });

/**
 * A documented output schema typed as what the service returns: clients (the console's tRPC calls)
 * keep the service's exact types, and the open schema still checks the fields it names.
 */
export function documented<T>(schema: z.ZodType): z.ZodType<T> {
  return schema as unknown as z.ZodType<T>;
}
