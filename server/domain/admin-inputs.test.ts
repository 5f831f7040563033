import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createCouponBody, createCouponInput, updateCouponBody, updateCouponInput } from "./admin-inputs";

// The documented REST bodies must judge exactly as the rules do: same answer, same data, same messages.
const outcome = (result: { success: boolean; data?: unknown; error?: z.ZodError }) =>
  result.success ? { data: result.data } : { errors: z.flattenError(result.error!) };

const anyValue = fc.oneof(
  fc.constantFrom(
    "PERCENT",
    "FIXED",
    "FREE_SHIPPING",
    "percent",
    "USD",
    "usd",
    "DRAFT",
    "ACTIVE",
    "ARCHIVED",
    "2030-01-01T00:00:00Z",
    "2029-06-01T00:00:00+02:00",
    "soon",
    "  Name  ",
    "",
    "a\u0000b",
    "key-12345678",
    " Example.COM ",
    "web",
    "fax",
    null,
  ),
  fc.integer({ min: -2, max: 20_000 }),
  fc.double(),
  fc.boolean(),
  fc.array(fc.constantFrom("web", "pos", "fax", "example.com", "p1", ""), { maxLength: 3 }),
  fc.constant(undefined),
);
const KEYS = [
  "name",
  "description",
  "internalNotes",
  "voidRestoresUses",
  "kind",
  "value",
  "currency",
  "maxDiscount",
  "minOrderAmount",
  "validFrom",
  "validUntil",
  "status",
  "maxRedemptions",
  "maxRedemptionsPerUser",
  "budget",
  "productIds",
  "categoryIds",
  "allowedEmailDomains",
  "firstOrderOnly",
  "channels",
  "stacking",
  "priority",
  "idempotencyKey",
  "expectedVersion",
  "lifecycleStatus",
  "unknownKey",
] as const;
const base = fc.record({
  name: fc.constantFrom("Spring", " Spring "),
  kind: fc.constantFrom("PERCENT", "FIXED", "FREE_SHIPPING"),
  value: fc.constantFrom(500, 0, undefined),
  currency: fc.constantFrom("USD", undefined),
});
const body = fc
  .tuple(base, fc.dictionary(fc.constantFrom(...KEYS), anyValue, { maxKeys: 6 }))
  .map(([valid, noise]) => ({ ...valid, ...noise }));

describe("createCouponBody", () => {
  it("judges any body exactly as createCouponInput does", () => {
    fc.assert(
      fc.property(body, (input) => {
        expect(outcome(createCouponBody.safeParse(input))).toEqual(outcome(createCouponInput.safeParse(input)));
      }),
      { numRuns: 500 },
    );
  });

  it("refuses what is not an object, in one message", () => {
    for (const input of [undefined, null, "x", 3, []])
      expect(z.flattenError(createCouponBody.safeParse(input).error!).formErrors).toHaveLength(1);
  });
});

describe("updateCouponBody", () => {
  it("judges any body with a valid id exactly as updateCouponInput does", () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), body, (id, rest) => {
        const input = { ...rest, id };
        expect(outcome(updateCouponBody.safeParse(input))).toEqual(outcome(updateCouponInput.safeParse(input)));
      }),
      { numRuns: 500 },
    );
  });
});
