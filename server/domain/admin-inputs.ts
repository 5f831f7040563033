// Input schemas of the admin procedures; the console's forms use the same ones.

import { z } from "zod";
import { MAX_RAW_CODE_INPUT_LENGTH, parseCode } from "./code-format";
import { CouponRules, MAX_COUNT, StoredText } from "./schemas";

export const couponId = z.uuid({ error: "A coupon id is a UUID." });

const couponText = {
  name: StoredText(200, "A name").trim().min(1, { error: "A name is required." }),
  description: StoredText(2_000, "A description").default(""),
  internalNotes: StoredText(5_000, "Internal notes").default(""),
  /** Whether voiding a redemption gives its uses back. */
  voidRestoresUses: z.boolean().default(true),
};

// A new coupon is ACTIVE unless said otherwise; validUntil omitted = the default expiry, null = none.
const withActiveDefault = (value: unknown) =>
  value !== null && typeof value === "object" && !Array.isArray(value) && !("status" in value)
    ? { ...value, status: "ACTIVE" }
    : value;

export const createCouponInput = z.preprocess(withActiveDefault, z.object(couponText).and(CouponRules));
export type CreateCouponInput = z.infer<typeof createCouponInput>;

export const getCouponInput = z.object({ id: couponId });

export const setCouponStatusInput = z.object({
  id: couponId,
  status: z.enum(["ACTIVE", "DISABLED", "ARCHIVED"], { error: "Status is ACTIVE, DISABLED or ARCHIVED." }),
});

export const createCodeInput = z
  .object({
    couponId,
    kind: z.enum(["SHARED", "UNIQUE"], { error: "Kind must be SHARED or UNIQUE." }),
    /** The code itself; required for SHARED, generated from a CSPRNG for UNIQUE when omitted. */
    code: z
      .string({ error: "A code is text." })
      .max(MAX_RAW_CODE_INPUT_LENGTH, { error: `A code has at most ${MAX_RAW_CODE_INPUT_LENGTH} characters.` })
      .superRefine((value, ctx) => {
        const parsed = parseCode(value);
        if (!parsed.ok) ctx.addIssue({ code: "custom", message: `Code: ${parsed.message}` });
      })
      .optional(),
    /** 1 = single use; N = multi-use. Default: 1 for UNIQUE, unlimited (the coupon's limits) for SHARED. */
    maxRedemptions: z
      .int({ error: "maxRedemptions is an integer." })
      .min(1, { error: "maxRedemptions must be at least 1." })
      .max(MAX_COUNT, { error: `maxRedemptions must be at most ${MAX_COUNT}.` })
      .nullish(),
    assignedUserId: z.uuid({ error: "assignedUserId is a user's UUID." }).nullish(),
  })
  .refine((input) => input.kind === "UNIQUE" || input.code !== undefined, {
    path: ["code"],
    message: "A SHARED code needs its code string.",
  });
export type CreateCodeInput = z.infer<typeof createCodeInput>;
