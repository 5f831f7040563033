// Input schemas of the admin procedures; the console's forms use the same ones.

import { z } from "zod";
import { MAX_RAW_CODE_INPUT_LENGTH, parseCode } from "./code-format";
import {
  COUPON_KINDS,
  CouponKind,
  couponRulesFields,
  CouponLifecycleStatus,
  CouponRules,
  DateTime,
  MAX_COUNT,
  StoredText,
} from "./schemas";

export const couponId = z.uuid({ error: "A coupon id is a UUID." });

const couponText = {
  name: StoredText(200, "A name").trim().min(1, { error: "A name is required." }),
  description: StoredText(2_000, "A description").default(""),
  internalNotes: StoredText(5_000, "Internal notes").default(""),
  /** Whether voiding a redemption gives its uses back. */
  voidRestoresUses: z.boolean().default(true),
};

/**
 * A new coupon is ACTIVE unless said otherwise (DRAFT to prepare it first); validUntil omitted = the
 * default expiry, null = none. The lifecycle status (DRAFT included) is judged apart from the rules,
 * whose status is the engine's (a draft is not live).
 */
const withLifecycleStatus = (value: unknown) => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const { status, ...rest } = value as Record<string, unknown>;
  return { ...rest, status: "ACTIVE", lifecycleStatus: status ?? "ACTIVE" };
};

/** Optional on create, update and void: a retry with the same key returns the first answer and changes nothing more. */
export const adminIdempotencyKey = z
  .string({ error: "An idempotencyKey is text." })
  .min(8, { error: "An idempotencyKey has 8 to 200 characters." })
  .max(200, { error: "An idempotencyKey has 8 to 200 characters." })
  .regex(/^[\x21-\x7e]+$/, { error: "An idempotencyKey is printable ASCII without spaces." })
  .optional();

/** The coupon's editable fields (text and rules), as the form holds them. */
export const couponFields = z.object(couponText).and(CouponRules);
export type CouponFields = z.infer<typeof couponFields>;

export const createCouponInput = z.preprocess(
  withLifecycleStatus,
  z.object({ idempotencyKey: adminIdempotencyKey, lifecycleStatus: CouponLifecycleStatus }).and(couponFields),
);
export type CreateCouponInput = z.infer<typeof createCouponInput>;

/** The version the caller edited; a coupon changed since then is refused (409). */
const expectedVersion = z.int({ error: "expectedVersion is an integer." }).min(1).optional();

/**
 * admin.coupons.update: the coupon's full new rules. `status` changes only through setStatus
 * (its value here is ignored); `expectedVersion` refuses a change made over someone else's.
 */
export const updateCouponInput = z.preprocess(
  withLifecycleStatus,
  z
    .object({
      id: couponId,
      expectedVersion,
      idempotencyKey: adminIdempotencyKey,
    })
    .and(couponFields),
);
export type UpdateCouponInput = z.infer<typeof updateCouponInput>;

/**
 * A coupon body as trpc-to-openapi can document it (a flat object: every field of every kind, each with
 * the schema of the rules) that is judged by `rules` alone: each field lets its value through as sent
 * (`catch`), then `rules` parses the whole body, so there is one set of rules and messages whether the
 * call comes over tRPC or REST. A path parameter (`id`) stays a plain field: the document needs a string.
 */
function documentedBody<T extends z.ZodType>(
  rules: T,
  fields: Record<string, z.ZodType>,
  pathParameters: Record<string, z.ZodType> = {},
): z.ZodType<z.output<T>, z.input<T>> {
  const passed = Object.fromEntries(
    Object.entries(fields).map(([key, field]) => [key, field.catch((ctx: { value: unknown }) => ctx.value)]),
  );
  return z.object({ ...pathParameters, ...passed }).transform((body, ctx) => {
    const parsed = rules.safeParse(body);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue });
    return z.NEVER;
  }) as unknown as z.ZodType<z.output<T>, z.input<T>>;
}

const couponBodyFields = {
  ...couponText,
  // Not the engine's status: a new coupon's lifecycle status is below; an update's goes through setStatus.
  ...z.object(couponRulesFields).omit({ status: true }).shape,
  idempotencyKey: adminIdempotencyKey.meta({
    description: "A retry with the same key (same body) returns the first answer and changes nothing more.",
  }),
};

/** admin.coupons.create (REST: POST /coupons): createCouponInput, documented field by field. */
export const createCouponBody = documentedBody(createCouponInput, {
  ...couponBodyFields,
  status: CouponLifecycleStatus.optional().meta({
    description: "The status it starts in: ACTIVE (the default), or DRAFT to prepare it first.",
  }),
});

/** admin.coupons.update (REST: PUT /coupons/{id}): updateCouponInput, documented field by field. */
export const updateCouponBody = documentedBody(
  updateCouponInput,
  {
    ...couponBodyFields,
    expectedVersion: expectedVersion.meta({
      description: "The version you edited (the coupon's `version`): a coupon changed since then is refused with 409.",
    }),
  },
  { id: couponId },
);

export const COUPON_WINDOWS = ["scheduled", "running", "ended"] as const;
export const COUPON_SORTS = ["created", "name", "updated"] as const;
export const MAX_PAGE_SIZE = 100;

const pageSize = z
  .int({ error: "limit is an integer." })
  .min(1, { error: "limit is at least 1." })
  .max(MAX_PAGE_SIZE, { error: `limit is at most ${MAX_PAGE_SIZE}.` })
  .default(25);
/** An opaque keyset cursor from the previous page's nextCursor. */
const cursor = z.string().max(500, { error: "Not a cursor of this list." }).nullish();

export const listCouponsInput = z.object({
  /** Part of the name (any case), or an exact code. */
  search: StoredText(200, "Search").trim().optional(),
  status: CouponLifecycleStatus.optional(),
  kind: CouponKind.optional(),
  window: z.enum(COUPON_WINDOWS, { error: `window is one of: ${COUPON_WINDOWS.join(", ")}.` }).optional(),
  sort: z.enum(COUPON_SORTS, { error: `sort is one of: ${COUPON_SORTS.join(", ")}.` }).default("created"),
  direction: z.enum(["asc", "desc"], { error: "direction is asc or desc." }).default("desc"),
  cursor,
  limit: pageSize,
});
export type ListCouponsInput = z.infer<typeof listCouponsInput>;
export { COUPON_KINDS };

export const getCouponInput = z.object({ id: couponId });

export const setCouponStatusInput = z.object({ id: couponId, status: CouponLifecycleStatus });

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

export const listCodesInput = z.object({ couponId, cursor, limit: pageSize });

/** Exact-code look-up: any case, spaces and dashes as a shopper would type it. */
export const lookupCodeInput = z.object({
  code: z
    .string({ error: "A code is text." })
    .trim()
    .min(1, { error: "Type a code." })
    .max(MAX_RAW_CODE_INPUT_LENGTH, { error: `A code has at most ${MAX_RAW_CODE_INPUT_LENGTH} characters.` }),
});

export const setCodeStatusInput = z.object({
  id: z.uuid({ error: "A code id is a UUID." }),
  status: z.enum(["ACTIVE", "DISABLED"], { error: "A code's status is ACTIVE or DISABLED." }),
});

const filterText = (label: string) =>
  StoredText(200, label)
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined));

export const listRedemptionsInput = z
  .object({
    couponId: couponId.optional(),
    code: filterText("Code"),
    customerId: filterText("Customer"),
    orderId: filterText("Order"),
    from: DateTime.optional(),
    to: DateTime.optional(),
    cursor,
    limit: pageSize,
  })
  .refine((v) => !v.from || !v.to || v.from < v.to, { path: ["to"], message: "'to' must be after 'from'." });
export type ListRedemptionsInput = z.infer<typeof listRedemptionsInput>;

export const voidRedemptionInput = z
  .object({
    redemptionId: z.uuid({ error: "A redemption id is a UUID." }).optional(),
    orderId: StoredText(200, "An orderId").trim().min(1).optional(),
    reason: StoredText(500, "A reason").trim().min(1, { error: "Say why (e.g. order cancelled)." }),
    idempotencyKey: adminIdempotencyKey,
  })
  .refine((v) => (v.redemptionId === undefined) !== (v.orderId === undefined), {
    message: "Give either redemptionId or orderId.",
  });
export type VoidRedemptionInput = z.infer<typeof voidRedemptionInput>;

export const AUDIT_TARGET_TYPES = ["coupon", "code", "redemption", "book", "code_job", "api_key"] as const;

export const listAuditInput = z
  .object({
    /** An actor's email (exact, any case). */
    actor: filterText("Actor"),
    targetType: z.enum(AUDIT_TARGET_TYPES).optional(),
    targetId: filterText("Target"),
    action: filterText("Action"),
    from: DateTime.optional(),
    to: DateTime.optional(),
    cursor,
    limit: pageSize,
  })
  .refine((v) => !v.from || !v.to || v.from < v.to, { path: ["to"], message: "'to' must be after 'from'." });
export type ListAuditInput = z.infer<typeof listAuditInput>;
