import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

export const userRole = pgEnum("user_role", ["admin", "viewer", "shopper"]);

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    name: text().notNull(),
    role: userRole().notNull().default("shopper"),
    // argon2id PHC string; never the password itself.
    passwordHash: text().notNull(),
    // Set: the account can no longer sign in, and its open sessions end within a minute.
    disabledAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Sign-in looks users up by lower-cased email; one account per address.
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
  ],
);

export const categories = pgTable("categories", {
  id: text().primaryKey(),
  name: text().notNull(),
  sortOrder: integer().notNull().default(0),
});

export const products = pgTable(
  "products",
  {
    id: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(""),
    categoryId: text()
      .notNull()
      .references(() => categories.id),
    // Money is integer minor units everywhere (SPEC: no floating point).
    unitPrice: integer().notNull(),
    currency: text().notNull().default("USD"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("products_unit_price_nonnegative", sql`${t.unitPrice} >= 0`),
    check("products_currency_iso", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    index("products_category_idx").on(t.categoryId),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });
// Money is integer minor units; bigint (as a JS number) matches the engine's 10^15 cap.
const money = () => bigint({ mode: "number" });

export const couponKind = pgEnum("coupon_kind", ["PERCENT", "FIXED", "FREE_SHIPPING"]);
// DRAFT: being prepared, never redeemable; ARCHIVED is final (the state machine: server/domain/coupon-status.ts).
export const couponStatus = pgEnum("coupon_status", ["DRAFT", "ACTIVE", "DISABLED", "ARCHIVED"]);
export const stackingMode = pgEnum("stacking_mode", ["EXCLUSIVE", "STACKABLE"]);
export const codeKind = pgEnum("code_kind", ["SHARED", "UNIQUE"]);
export const codeStatus = pgEnum("code_status", ["ACTIVE", "DISABLED"]);
export const lockStatus = pgEnum("lock_status", ["ACTIVE", "RELEASED", "REDEEMED", "EXPIRED"]);

export const coupons = pgTable(
  "coupons",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    description: text().notNull().default(""),
    internalNotes: text().notNull().default(""),
    kind: couponKind().notNull(),
    // PERCENT: basis points (1..10000); FIXED: minor units of currency; FREE_SHIPPING: null.
    value: money(),
    currency: text(),
    maxDiscount: money(),
    minOrderAmount: money(),
    validFrom: timestamp({ withTimezone: true }),
    validUntil: timestamp({ withTimezone: true }),
    status: couponStatus().notNull().default("ACTIVE"),
    maxRedemptions: integer(),
    maxRedemptionsPerUser: integer(),
    budget: money(),
    productIds: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    categoryIds: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    allowedEmailDomains: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    firstOrderOnly: boolean().notNull().default(false),
    channels: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    stacking: stackingMode().notNull().default("STACKABLE"),
    priority: integer().notNull().default(0),
    // Void gives the uses back (true) or keeps them consumed (false).
    voidRestoresUses: boolean().notNull().default(true),
    // Bumped on every change: cached rules carry it, so a stale cache entry is detected.
    version: integer().notNull().default(1),
    createdBy: uuid().references(() => users.id),
    updatedBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // The rules the engine relies on, enforced once more where the data lives.
    check(
      "coupons_value_by_kind",
      sql`(${t.kind} = 'PERCENT' and ${t.value} between 1 and 10000)
       or (${t.kind} = 'FIXED' and ${t.value} >= 1 and ${t.currency} is not null)
       or (${t.kind} = 'FREE_SHIPPING' and ${t.value} is null)`,
    ),
    check(
      "coupons_max_discount_percent_only",
      sql`${t.maxDiscount} is null or (${t.kind} = 'PERCENT' and ${t.maxDiscount} >= 0)`,
    ),
    check("coupons_currency_iso", sql`${t.currency} is null or ${t.currency} ~ '^[A-Z]{3}$'`),
    check(
      "coupons_money_has_currency",
      sql`(${t.maxDiscount} is null and ${t.minOrderAmount} is null and ${t.budget} is null) or ${t.currency} is not null`,
    ),
    check("coupons_window", sql`${t.validFrom} is null or ${t.validUntil} is null or ${t.validFrom} < ${t.validUntil}`),
    check(
      "coupons_limits_positive",
      sql`coalesce(${t.maxRedemptions}, 1) >= 1 and coalesce(${t.maxRedemptionsPerUser}, 1) >= 1 and coalesce(${t.budget}, 1) >= 1`,
    ),
    check("coupons_min_order_nonnegative", sql`coalesce(${t.minOrderAmount}, 0) >= 0`),
    index("coupons_status_created_idx").on(t.status, t.createdAt),
    // The console's list: keyset pages in created order (the default sort) and by name.
    index("coupons_created_id_idx").on(t.createdAt, t.id),
    index("coupons_name_id_idx").on(t.name, t.id),
  ],
);

export const books = pgTable(
  "books",
  {
    id: uuid().primaryKey().defaultRandom(),
    couponId: uuid()
      .notNull()
      .references(() => coupons.id),
    name: text().notNull(),
    description: text().notNull().default(""),
    maxPerUser: integer().notNull().default(1),
    // Shoppers may take a code themselves (wallet.claim); otherwise only admins assign.
    claimable: boolean().notNull().default(false),
    createdBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("books_max_per_user_positive", sql`${t.maxPerUser} >= 1`), index("books_coupon_idx").on(t.couponId)],
);

export const codeJobKind = pgEnum("code_job_kind", ["GENERATE", "IMPORT"]);
export const codeJobStatus = pgEnum("code_job_status", ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]);

/**
 * A bulk generation or import (run by pg-boss). Its codes are written in one
 * transaction that also sets COMPLETED: a cancelled or crashed job leaves no codes.
 */
export const codeJobs = pgTable(
  "code_jobs",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: codeJobKind().notNull(),
    status: codeJobStatus().notNull().default("QUEUED"),
    couponId: uuid()
      .notNull()
      .references(() => coupons.id),
    bookId: uuid().references(() => books.id),
    /** Generation options, or the import's upload id and code settings. */
    params: jsonb().notNull(),
    total: integer().notNull(),
    done: integer().notNull().default(0),
    cancelRequested: boolean().notNull().default(false),
    /** Import: lines refused (the lines themselves are in code_job_errors). */
    errorCount: integer().notNull().default(0),
    message: text(),
    createdBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    /** Heartbeat: a RUNNING job whose heartbeat is old has lost its worker. */
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index("code_jobs_coupon_created_idx").on(t.couponId, t.createdAt)],
);

/** The per-line report of an import: why a line was refused. */
export const codeJobErrors = pgTable(
  "code_job_errors",
  {
    jobId: uuid()
      .notNull()
      .references(() => codeJobs.id),
    line: integer().notNull(),
    error: text().notNull(),
    /** The refused value, cut to a readable length. */
    value: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.line] })],
);

/** An uploaded file (CSV import), stored in 1 MiB pieces so any app instance can read it. */
export const uploads = pgTable("uploads", {
  id: uuid().primaryKey().defaultRandom(),
  filename: text().notNull(),
  bytes: bigint({ mode: "number" }).notNull().default(0),
  createdBy: uuid().references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const uploadChunks = pgTable(
  "upload_chunks",
  {
    uploadId: uuid()
      .notNull()
      .references(() => uploads.id),
    seq: integer().notNull(),
    data: bytea().notNull(),
  },
  (t) => [primaryKey({ columns: [t.uploadId, t.seq] })],
);

/** One-time download links (CSV export): only the hash of the token is kept; used_at burns it. */
export const downloadTokens = pgTable("download_tokens", {
  tokenHash: bytea().primaryKey(),
  /** What to stream: { couponId } or { jobId }. */
  target: jsonb().notNull(),
  createdBy: uuid().references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
});

export const codes = pgTable(
  "codes",
  {
    id: uuid().primaryKey().defaultRandom(),
    couponId: uuid()
      .notNull()
      .references(() => coupons.id),
    // HMAC-SHA256 of the normalised look-up key: a dump alone yields no redeemable code.
    lookupHash: bytea().notNull(),
    // AES-256-GCM (iv | tag | ciphertext) of the display form, for admins and export.
    codeEncrypted: bytea().notNull(),
    kind: codeKind().notNull(),
    // 1 = single use; N = multi-use; null = only the coupon's limits apply.
    maxRedemptions: integer(),
    status: codeStatus().notNull().default("ACTIVE"),
    assignedUserId: uuid().references(() => users.id),
    assignedAt: timestamp({ withTimezone: true }),
    bookId: uuid().references(() => books.id),
    /** The generation or import job that made it. */
    jobId: uuid().references(() => codeJobs.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One code string, one code, across all coupons (look-up must be unambiguous).
    uniqueIndex("codes_lookup_hash_key").on(t.lookupHash),
    check("codes_max_redemptions_positive", sql`coalesce(${t.maxRedemptions}, 1) >= 1`),
    index("codes_coupon_idx").on(t.couponId, t.createdAt),
    // Random assignment starts at a random id among a book's unassigned codes (books' fair pick).
    index("codes_book_unassigned_idx")
      .on(t.bookId, t.id)
      .where(sql`${t.assignedUserId} is null`),
    index("codes_book_idx")
      .on(t.bookId, t.createdAt)
      .where(sql`${t.bookId} is not null`),
    index("codes_job_idx")
      .on(t.jobId)
      .where(sql`${t.jobId} is not null`),
    index("codes_assigned_user_idx").on(t.assignedUserId),
  ],
);

export const locks = pgTable(
  "locks",
  {
    id: uuid().primaryKey().defaultRandom(),
    customerId: text().notNull(),
    status: lockStatus().notNull().default("ACTIVE"),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    cart: jsonb().notNull(),
    quote: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    index("locks_active_expiry_idx")
      .on(t.expiresAt)
      .where(sql`${t.status} = 'ACTIVE'`),
  ],
);

export const lockItems = pgTable(
  "lock_items",
  {
    lockId: uuid()
      .notNull()
      .references(() => locks.id),
    codeId: uuid()
      .notNull()
      .references(() => codes.id),
    couponId: uuid()
      .notNull()
      .references(() => coupons.id),
    customerId: text().notNull(),
    amount: money().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.lockId, t.codeId] }),
    index("lock_items_coupon_idx").on(t.couponId),
    index("lock_items_code_idx").on(t.codeId),
  ],
);

export const redemptions = pgTable(
  "redemptions",
  {
    id: uuid().primaryKey().defaultRandom(),
    couponId: uuid()
      .notNull()
      .references(() => coupons.id),
    codeId: uuid()
      .notNull()
      .references(() => codes.id),
    customerId: text().notNull(),
    orderId: text().notNull(),
    lockId: uuid().references(() => locks.id),
    // The discount given (shipping discount included for FREE_SHIPPING), in currency's minor units.
    amount: money().notNull(),
    currency: text().notNull(),
    channel: text(),
    // Copied at redemption: they drive the last-line-of-defence unique indexes below.
    perUserUnique: boolean().notNull(),
    codeSingleUse: boolean().notNull(),
    voidedAt: timestamp({ withTimezone: true }),
    voidReason: text(),
    // A voided redemption whose uses were given back no longer counts toward any limit.
    usesRestored: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check("redemptions_amount_nonnegative", sql`${t.amount} >= 0`),
    // One redemption per code per order.
    uniqueIndex("redemptions_code_order_key").on(t.codeId, t.orderId),
    // Per-user limit 1: one counting redemption per coupon per customer, whatever the gate did.
    uniqueIndex("redemptions_coupon_customer_once_key")
      .on(t.couponId, t.customerId)
      .where(sql`${t.perUserUnique} and not ${t.usesRestored}`),
    // Single-use code: one counting redemption per code, whatever the gate did.
    uniqueIndex("redemptions_single_use_code_key")
      .on(t.codeId)
      .where(sql`${t.codeSingleUse} and not ${t.usesRestored}`),
    index("redemptions_voided_idx")
      .on(t.voidedAt)
      .where(sql`${t.voidedAt} is not null`),
    index("redemptions_customer_coupon_idx").on(t.customerId, t.couponId),
    index("redemptions_order_idx").on(t.orderId),
    // The console's history: keyset pages (newest first) overall and per coupon, code or customer. Every
    // redeem writes each index: (coupon, created_at, id) also serves what (coupon, created_at) alone did.
    index("redemptions_created_id_idx").on(t.createdAt, t.id),
    index("redemptions_coupon_created_id_idx").on(t.couponId, t.createdAt, t.id),
    index("redemptions_code_created_id_idx").on(t.codeId, t.createdAt, t.id),
    index("redemptions_customer_created_id_idx").on(t.customerId, t.createdAt, t.id),
  ],
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    // Keys are per caller (the customer): one caller's key never collides with another's.
    scope: text().notNull(),
    key: text().notNull(),
    operation: text().notNull(),
    // SHA-256 of the canonical request: the same key with another payload is refused.
    requestHash: text().notNull(),
    status: text().notNull().default("IN_PROGRESS"),
    response: jsonb(),
    // Who runs the call now: a takeover writes a new token, and the old owner's answer then touches nothing.
    ownerToken: uuid().notNull().defaultRandom(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
  },
  (t) => [
    // One key, one execution: the insert that wins owns the call (invariant 3).
    primaryKey({ columns: [t.scope, t.key] }),
    index("idempotency_keys_expires_idx").on(t.expiresAt),
  ],
);

/**
 * Reporting counters, refreshed by the background job from redemptions: the
 * redeem path never UPDATEs a per-coupon row (that would be a hot row in a flash sale).
 */
export const couponCounters = pgTable("coupon_counters", {
  couponId: uuid()
    .primaryKey()
    .references(() => coupons.id),
  redemptions: integer().notNull().default(0),
  voided: integer().notNull().default(0),
  discountTotal: money().notNull().default(0),
  refreshedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * Analytics, pre-aggregated per UTC day, coupon, channel, currency and code kind by the
 * background refresh (never by the redeem path): dashboard views read these, not redemptions.
 */
export const redemptionDaily = pgTable(
  "redemption_daily",
  {
    day: date({ mode: "string" }).notNull(),
    couponId: uuid()
      .notNull()
      .references(() => coupons.id),
    /** "" when the checkout gave none. */
    channel: text().notNull(),
    currency: text().notNull(),
    codeKind: codeKind().notNull(),
    /** Counting redemptions (not voided). */
    redemptions: integer().notNull(),
    voided: integer().notNull(),
    discount: money().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.day, t.couponId, t.channel, t.currency, t.codeKind] }),
    index("redemption_daily_coupon_day_idx").on(t.couponId, t.day),
  ],
);

/** Codes issued per coupon (for the redemption rate), recounted by the refresh when a coupon gets codes. */
export const couponCodeStats = pgTable("coupon_code_stats", {
  couponId: uuid()
    .primaryKey()
    .references(() => coupons.id),
  uniqueIssued: integer().notNull(),
  sharedIssued: integer().notNull(),
  refreshedAt: timestamp({ withTimezone: true }).notNull(),
});

/** Watermarks of background refreshes (name -> the time up to which rows are counted). */
export const refreshMarks = pgTable("refresh_marks", {
  name: text().primaryKey(),
  markedAt: timestamp({ withTimezone: true }).notNull(),
});

/**
 * Every admin change: who, when, what, and the record before and after. Written in the
 * transaction that makes the change, so a change without its entry cannot commit.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: uuid().primaryKey().defaultRandom(),
    // null = the system (e.g. a service call without a signed-in actor).
    actorId: uuid().references(() => users.id),
    // Copied at write time: the log reads the same after the account changes.
    actorEmail: text(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text().notNull(),
    before: jsonb(),
    after: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_created_id_idx").on(t.createdAt, t.id),
    index("audit_log_target_created_idx").on(t.targetType, t.targetId, t.createdAt),
    index("audit_log_actor_created_idx").on(t.actorId, t.createdAt),
    index("audit_log_action_created_idx").on(t.action, t.createdAt),
  ],
);

export const gateRepairs = pgTable(
  "gate_repairs",
  {
    id: uuid().primaryKey().defaultRandom(),
    couponId: uuid(),
    kind: text().notNull(),
    detail: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("gate_repairs_created_idx").on(t.createdAt)],
);

export const orderState = pgEnum("order_state", ["pending", "paid", "failed"]);

/** A demo-checkout order: priced on the server from the catalog, paid with a simulated payment. */
export const orders = pgTable(
  "orders",
  {
    id: uuid().primaryKey().defaultRandom(),
    // A signed-in user's id, or "guest:<uuid>" for a guest checkout (its signed cookie's id; no users row).
    customerId: text().notNull(),
    // Decided by the server (the storefront is "web"), never taken from the browser.
    channel: text().notNull(),
    state: orderState().notNull().default("pending"),
    currency: text().notNull(),
    // [{ productId, name, categoryId, unitPrice, quantity }] as priced when the order was placed.
    items: jsonb().notNull(),
    shippingMethod: text().notNull(),
    subtotal: money().notNull(),
    shipping: money().notNull(),
    discountTotal: money().notNull(),
    shippingDiscount: money().notNull(),
    total: money().notNull(),
    // The codes applied, in order of application, and the quote that explains each amount.
    codes: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    quote: jsonb().notNull(),
    // The lock holding the codes while payment runs (null without codes); replaced when the hold is renewed.
    lockId: uuid().references(() => locks.id),
    lockExpiresAt: timestamp({ withTimezone: true }),
    redemptions: jsonb()
      .notNull()
      .default(sql`'[]'::jsonb`),
    failureReason: text(),
    idempotencyKey: text().notNull(),
    // SHA-256 of what was asked (items, shipping, codes): the same key with another cart is refused.
    requestHash: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    paidAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // One order per placing attempt: a retried "place order" finds the first one.
    uniqueIndex("orders_customer_idempotency_key").on(t.customerId, t.idempotencyKey),
    // previousOrders counts a customer's paid orders on every checkout call.
    index("orders_customer_state_idx").on(t.customerId, t.state, t.createdAt),
    check(
      "orders_customer_id_format",
      sql`${t.customerId} ~ '^(guest:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'`,
    ),
    check(
      "orders_amounts_nonnegative",
      sql`least(${t.subtotal}, ${t.shipping}, ${t.discountTotal}, ${t.shippingDiscount}, ${t.total}) >= 0`,
    ),
    check("orders_paid_has_paid_at", sql`(${t.state} = 'paid') = (${t.paidAt} is not null)`),
  ],
);

/**
 * The gate mode every process shares (server/redis/circuit-breaker.ts), one row per Redis (scope = its
 * REST URL). Each change bumps `generation`; Redis gate state loaded under an older generation is never
 * trusted again.
 */
export const gateModes = pgTable("gate_modes", {
  scope: text().primaryKey(),
  mode: text().notNull(),
  generation: bigint({ mode: "number" }).notNull(),
  changedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/**
 * The outbox: one row per domain event, written in the transaction (often the statement) that makes
 * the change, so an event exists if and only if its change committed. The webhook dispatcher fans
 * undispatched rows out to endpoints (server/services/webhooks).
 */
export const events = pgTable(
  "events",
  {
    id: uuid().primaryKey().defaultRandom(),
    type: text().notNull(),
    data: jsonb().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    dispatchedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // The dispatcher's queue: only the few rows not yet fanned out are indexed.
    // The only secondary index: every redeem inserts here (kept cheap on the hot path).
    index("events_undispatched_idx")
      .on(t.createdAt)
      .where(sql`${t.dispatchedAt} is null`),
  ],
);

/** A receiver of events. The signing secret (whsec_...) is stored AES-256-GCM encrypted with the code key. */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: uuid().primaryKey().defaultRandom(),
  url: text().notNull(),
  description: text().notNull().default(""),
  eventTypes: text().array().notNull(),
  secretEncrypted: bytea().notNull(),
  enabled: boolean().notNull().default(true),
  /** Set when the endpoint was disabled automatically (kept failing): the console's notice. */
  disabledReason: text(),
  disabledAt: timestamp({ withTimezone: true }),
  /** Failed attempts since the last success, and when that streak began (auto-disable). */
  consecutiveFailures: integer().notNull().default(0),
  failingSince: timestamp({ withTimezone: true }),
  lastSuccessAt: timestamp({ withTimezone: true }),
  createdBy: uuid().references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const webhookDeliveryStatus = pgEnum("webhook_delivery_status", ["PENDING", "SUCCEEDED", "FAILED"]);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid().primaryKey().defaultRandom(),
    eventId: uuid()
      .notNull()
      .references(() => events.id),
    endpointId: uuid()
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    status: webhookDeliveryStatus().notNull().default("PENDING"),
    attempts: integer().notNull().default(0),
    lastStatusCode: integer(),
    lastError: text(),
    /** Handed to pg-boss (a delivery written but not yet enqueued is picked up by the next dispatch). */
    enqueuedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Exactly one delivery per (event, endpoint), however often the dispatcher runs.
    uniqueIndex("webhook_deliveries_event_endpoint_key").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint_created_idx").on(t.endpointId, t.createdAt, t.id),
    index("webhook_deliveries_unenqueued_idx")
      .on(t.createdAt)
      .where(sql`${t.enqueuedAt} is null`),
  ],
);

/** Every HTTP attempt of a delivery (the console's delivery log). */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: uuid().primaryKey().defaultRandom(),
    deliveryId: uuid()
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer().notNull(),
    statusCode: integer(),
    durationMs: integer().notNull(),
    error: text(),
    replay: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);

export const apiKeyChannel = pgEnum("api_key_channel", ["web", "app", "pos", "partner"]);

/**
 * Server-to-server API keys. Only a keyed hash of the secret is stored (shown once at creation); a key is
 * live while not revoked and before its expiry (a rotation sets the old key's expiry to the grace end, so
 * two keys are live during a rotation). The channel is the key's: checkout calls never name their own.
 */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    // The first characters of the secret, shown in lists so a key can be recognised (not enough to use it).
    prefix: text().notNull(),
    // HMAC-SHA256 of the whole secret (server/crypto/api-key-secrets.ts).
    secretHash: bytea().notNull(),
    scopes: text().array().notNull(),
    channel: apiKeyChannel().notNull(),
    createdBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    revokedBy: uuid().references(() => users.id),
    lastUsedAt: timestamp({ withTimezone: true }),
    // The key this one replaced (rotation).
    rotatedFromId: uuid(),
  },
  (t) => [
    // Authentication looks keys up by hash; one hash, one key.
    uniqueIndex("api_keys_secret_hash_key").on(t.secretHash),
    // A key without a scope could do nothing; unknown scopes are refused at the boundary and here.
    check(
      "api_keys_scopes_known",
      sql`cardinality(${t.scopes}) >= 1 and ${t.scopes} <@ array['checkout','admin:read','admin:write']::text[]`,
    ),
    index("api_keys_created_idx").on(t.createdAt),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Category = typeof categories.$inferSelect;
export type Product = typeof products.$inferSelect;
export type CouponRow = typeof coupons.$inferSelect;
export type NewCouponRow = typeof coupons.$inferInsert;
export type CodeRow = typeof codes.$inferSelect;
export type BookRow = typeof books.$inferSelect;
export type RedemptionRow = typeof redemptions.$inferSelect;
export type CodeJobRow = typeof codeJobs.$inferSelect;
export type OrderRow = typeof orders.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;
export type EventRow = typeof events.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
