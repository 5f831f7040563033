// Input schemas of the admin procedures; the console's forms use the same ones.

import { z } from "zod";
import { MAX_RAW_CODE_INPUT_LENGTH } from "./code-format";
import { CouponRules } from "./schemas";

export const couponId = z.uuid({ error: "A coupon id is a UUID." });

const couponText = {
  name: z.string({ error: "A name is required." }).trim().min(1, { error: "A name is required." }).max(200, { error: "A name has at most 200 characters." }),
  description: z.string().max(2_000, { error: "A description has at most 2000 characters." }).default(""),
  internalNotes: z.string().max(5_000, { error: "Internal notes have at most 5000 characters." }).default(""),
  /** Whether voiding a redemption gives its uses back. */
  voidRestoresUses: z.boolean().default(true),
};

// A new coupon is ACTIVE unless said otherwise; validUntil omitted = the default expiry, null = none.
const withActiveDefault = (value: unknown) =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !("status" in value) ? { ...value, status: "ACTIVE" } : value;

export const createCouponInput = z.preprocess(withActiveDefault, z.object(couponText).and(CouponRules));
export type CreateCouponInput = z.infer<typeof createCouponInput>;

export const getCouponInput = z.object({ id: couponId });

export const createCodeInput = z
  .object({
    couponId,
    kind: z.enum(["SHARED", "UNIQUE"], { error: "Kind must be SHARED or UNIQUE." }),
    /** The code itself; required for SHARED, generated from a CSPRNG for UNIQUE when omitted. */
    code: z.string().max(MAX_RAW_CODE_INPUT_LENGTH).optional(),
    /** 1 = single use; N = multi-use. Default: 1 for UNIQUE, unlimited (the coupon's limits) for SHARED. */
    maxRedemptions: z.int({ error: "maxRedemptions is an integer." }).min(1, { error: "maxRedemptions must be at least 1." }).max(1_000_000_000).nullish(),
    assignedUserId: z.uuid({ error: "assignedUserId is a user's UUID." }).nullish(),
  })
  .refine((input) => input.kind === "UNIQUE" || input.code !== undefined, { path: ["code"], message: "A SHARED code needs its code string." });
export type CreateCodeInput = z.infer<typeof createCodeInput>;
