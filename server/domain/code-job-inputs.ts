// Input schemas of bulk codes, books and the wallet; the console's forms use the same ones.

import { z } from "zod";
import { couponId } from "./admin-inputs";
import { MAX_CODES_PER_JOB, planCodeGeneration } from "./code-generator";
import { MAX_COUNT, StoredText } from "./schemas";

const maxRedemptions = z
  .int({ error: "maxRedemptions is an integer." })
  .min(1, { error: "maxRedemptions must be at least 1." })
  .max(MAX_COUNT, { error: `maxRedemptions must be at most ${MAX_COUNT}.` });

const shortText = (label: string) =>
  z.string({ error: `${label} is text.` }).max(64, { error: `${label} is too long.` });

export const generateCodesInput = z
  .object({
    couponId,
    count: z
      .int({ error: "The count is a whole number." })
      .min(1, { error: "Generate at least 1 code." })
      .max(MAX_CODES_PER_JOB, { error: `At most ${MAX_CODES_PER_JOB.toLocaleString("en-US")} codes per job.` }),
    length: z.int({ error: "The length is a whole number." }).optional(),
    alphabet: shortText("The alphabet").optional(),
    prefix: shortText("The prefix").optional(),
    suffix: shortText("The suffix").optional(),
    pattern: shortText("The pattern").optional(),
    /** Uses per code; 1 (single use) by default. */
    maxRedemptions: maxRedemptions.default(1),
    bookId: z.uuid({ error: "bookId is a book's UUID." }).optional(),
  })
  // The same plan the job will run: limits, characters, total length and the entropy check.
  .superRefine((input, ctx) => {
    const planned = planCodeGeneration(input);
    if (!planned.ok) {
      const path =
        planned.error === "INVALID_ALPHABET"
          ? ["alphabet"]
          : planned.error === "INVALID_PATTERN"
            ? ["pattern"]
            : planned.error === "INVALID_AFFIX"
              ? ["prefix"]
              : planned.error === "INVALID_COUNT" || planned.error === "INSUFFICIENT_ENTROPY"
                ? ["count"]
                : ["length"];
      ctx.addIssue({ code: "custom", path, message: planned.message });
    }
  });
export type GenerateCodesInput = z.infer<typeof generateCodesInput>;

export const importCodesInput = z.object({
  couponId,
  /** From POST /api/admin/uploads. */
  uploadId: z.uuid({ error: "uploadId is the UUID the upload answered." }),
  kind: z.enum(["SHARED", "UNIQUE"], { error: "Kind must be SHARED or UNIQUE." }).default("UNIQUE"),
  maxRedemptions: maxRedemptions.default(1),
  bookId: z.uuid({ error: "bookId is a book's UUID." }).optional(),
});
export type ImportCodesInput = z.infer<typeof importCodesInput>;

export const jobIdInput = z.object({ jobId: z.uuid({ error: "A job id is a UUID." }) });

export const exportCodesInput = z
  .object({
    couponId: couponId.optional(),
    jobId: z.uuid({ error: "A job id is a UUID." }).optional(),
    bookId: z.uuid({ error: "A book id is a UUID." }).optional(),
  })
  .refine((v) => [v.couponId, v.jobId, v.bookId].filter((x) => x !== undefined).length === 1, {
    message: "Give exactly one of couponId, jobId or bookId.",
  });
export type ExportCodesInput = z.infer<typeof exportCodesInput>;

export const createBookInput = z.object({
  couponId,
  name: StoredText(200, "A name").trim().min(1, { error: "A name is required." }),
  description: StoredText(2_000, "A description").default(""),
  maxPerUser: z
    .int({ error: "The per-user limit is a whole number." })
    .min(1, { error: "The per-user limit is at least 1." })
    .max(1_000, { error: "The per-user limit is at most 1,000." })
    .default(1),
  /** Shoppers may claim a code themselves (wallet.claim). */
  claimable: z.boolean().default(false),
});
export type CreateBookInput = z.infer<typeof createBookInput>;

export const listBooksInput = z.object({ couponId: couponId.optional() }).default({});

const userRef = z.union([
  z.object({ userId: z.uuid({ error: "userId is a user's UUID." }) }),
  z.object({ email: z.email({ error: "Enter the user's email address." }).max(320) }),
]);

export const assignBookInput = z.object({
  bookId: z.uuid({ error: "A book id is a UUID." }),
  user: userRef,
  /** A specific code of the book (its id); omitted = a random available one. */
  codeId: z.uuid({ error: "codeId is a code's UUID." }).optional(),
});
export type AssignBookInput = z.infer<typeof assignBookInput>;

export const bookCodesInput = z.object({
  bookId: z.uuid({ error: "A book id is a UUID." }),
  limit: z.int().min(1).max(200).default(50),
  /** Keyset: the last code's createdAt and id of the previous page. */
  cursor: z.object({ createdAt: z.iso.datetime(), id: z.uuid() }).optional(),
});

export const claimInput = z.object({ bookId: z.uuid({ error: "A book id is a UUID." }) });

const isoDay = z.iso.date({ error: "A day is YYYY-MM-DD." });
const MAX_RANGE_DAYS = 366;

/** Dashboard filters: a UTC day range (default the last 30 days), optionally one coupon or channel. */
export const analyticsInput = z
  .object({
    from: isoDay.optional(),
    to: isoDay.optional(),
    couponId: couponId.optional(),
    channel: z
      .enum(["web", "app", "pos", "partner", ""], { error: "Channel is web, app, pos, partner or ''." })
      .optional(),
    /** Timeseries: the currency whose discount is charted. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, { error: "A currency is an ISO 4217 code like USD." })
      .default("USD"),
  })
  .default({ currency: "USD" })
  .transform((input, ctx) => {
    const to = input.to ?? new Date().toISOString().slice(0, 10);
    const from = input.from ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
    if (days < 1) ctx.addIssue({ code: "custom", path: ["from"], message: "from must be on or before to." });
    if (days > MAX_RANGE_DAYS)
      ctx.addIssue({ code: "custom", path: ["from"], message: `At most ${MAX_RANGE_DAYS} days at a time.` });
    return { ...input, from, to };
  });
export type AnalyticsInput = z.output<typeof analyticsInput>;
