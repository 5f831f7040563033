import { randomUUID } from "node:crypto";
import { asError, createBatcher } from "@/server/batching";
import { getDb, getGateWriteDb, withConnection, type Executor, type SqlTarget } from "@/server/db/client";
import {
  closeLock,
  findLock,
  insertLockAnswered,
  insertRedemptionsAnswered,
  lockCouponsForDecision,
  type NewRedemption,
} from "@/server/db/queries/gate-records";
import { setLocalStatementTimeout } from "@/server/db/queries/set-statement-timeout";
import type { Reason } from "@/server/domain/reasons";
import { REASON_MESSAGES } from "@/server/domain/reasons";
import type { Cart, Customer, Quote } from "@/server/domain/schemas";
import { env } from "@/server/env";
import { currentGateMode, GATE_WRITE_DEADLINE_MS, reportRedisFailure } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { commitLock, releaseLock, reserveUses, restoreUses, setCouponLiveStatus } from "@/server/redis/gate";
import {
  liveFromGate,
  quoteResolved,
  readGateUsage,
  readPostgresUsage,
  refreshStaleRules,
  resolveCodes,
  type LiveUsage,
  type QuotedCheckout,
  type ResolvedCodes,
} from "./checkout-quote";
import { ensureGateState } from "./ensure-gate-state";
import { CheckoutRejectedError, DependencyUnavailableError, isUniqueViolation, NotFoundError } from "./errors";
import type { IdempotentAnswer } from "./run-idempotent";

export type CheckoutCustomerCaller = { customer: Customer; ip: string };
export type LockResult = { lockId: string; expiresAt: string; quote: Quote };
export type RedemptionSummary = { id: string; code: string; couponId: string; amount: number };
export type RedeemResult = { orderId: string; redemptions: RedemptionSummary[]; quote: Quote };

/** What one applied code takes from the gate, and what its redemption row records. */
type PlanItem = {
  code: string;
  codeId: string;
  couponId: string;
  amount: number;
  expectedVersion: number;
  limits: { maxRedemptions: number | null; maxPerUser: number | null; budget: number | null; codeMax: number | null };
  perUserUnique: boolean;
  codeSingleUse: boolean;
};
type Plan = { quote: Quote; items: PlanItem[] };
/** Stored with the lock: enough to redeem it later without re-quoting. */
type StoredLock = { quote: Quote; items: PlanItem[]; currency: string; channel: string | null };

const REDIS_ATTEMPTS = 4;
/**
 * A write the Redis gate approved lands within GATE_WRITE_DEADLINE_MS of the decision or not at all:
 * it must be running on a connection within GATE_WRITE_QUEUE_MS of the decision (waiting for its batch
 * to leave and for a free connection of the gate-write pool both count), and Postgres cuts the
 * statement off after the rest (the pool's statement_timeout).
 */
const GATE_WRITE_QUEUE_MS = 450;
const gateWriteDb = () => getGateWriteDb(GATE_WRITE_DEADLINE_MS - GATE_WRITE_QUEUE_MS - 50);
const tooSlow = () => new DependencyUnavailableError("Postgres is too slow right now; nothing was redeemed.");

/**
 * Runs `write` on a connection of the gate-write pool if one is free before a write decided at
 * `decidedAt` runs out of queue time (else tooSlow): the wait for the connection counts.
 */
function onGateWriteConnection<T>(decidedAt: number, write: (connection: SqlTarget) => Promise<T>): Promise<T> {
  return withConnection(
    gateWriteDb(),
    { maxWaitMs: decidedAt + GATE_WRITE_QUEUE_MS - Date.now(), onTimeout: tooSlow },
    async (connection) => {
      if (waitedTooLong({ decidedAt })) throw tooSlow();
      return write(connection);
    },
  );
}

type ApprovedRedemptions = {
  rows: Array<NewRedemption & { id: string }>;
  answer: { scope: string; key: string; ownerToken: string; response: unknown };
  decidedAt: number;
};

/**
 * The Redis gate's approved redemptions, written in batches: checkouts decided
 * while an earlier batch is being written share the next statement. If a
 * batch fails, each of its checkouts is written alone, so a conflict fails
 * only the checkout it belongs to.
 */
const writeApprovedRedemptions = createBatcher(
  async (entries: readonly ApprovedRedemptions[]): Promise<Array<true | Error>> => {
    if (entries.length === 1) return [await writeAlone(entries[0]!)];
    const written = await onGateWriteConnection(Math.max(...entries.map((e) => e.decidedAt)), async (db) => {
      // Checked once the connection is ours: what waited too long is refused, the rest goes in one statement.
      const inTime = new Set(entries.filter((e) => !waitedTooLong(e)));
      const ok =
        inTime.size > 0 &&
        (await insertRedemptionsAnswered(db, [...inTime]).then(
          () => true,
          () => false,
        ));
      return ok ? entries.map((e) => (inTime.has(e) ? true : tooSlow())) : null;
    }).catch(() => null);
    return written ?? Promise.all(entries.map(writeAlone));
  },
);

function waitedTooLong(e: { decidedAt: number }): boolean {
  return Date.now() - e.decidedAt > GATE_WRITE_QUEUE_MS;
}

async function writeAlone(e: ApprovedRedemptions): Promise<true | Error> {
  if (waitedTooLong(e)) return tooSlow();
  try {
    await onGateWriteConnection(e.decidedAt, (db) => insertRedemptionsAnswered(db, [e]));
    return true;
  } catch (error) {
    // Our own new ids already there: the batch did commit, only its answer was lost.
    if (isUniqueViolation(error, "redemptions_pkey")) return true;
    return asError(error);
  }
}

class RedisGateUnavailable extends Error {}

function planFrom(quoted: QuotedCheckout, resolved: ResolvedCodes): Plan {
  const { quote } = quoted;
  if (quote.rejected.length > 0) throw new CheckoutRejectedError(quote.rejected);
  if (quote.applied.length === 0) throw new CheckoutRejectedError([], "No code to lock or redeem.");
  const items = quote.applied.map((applied): PlanItem => {
    const candidate = quoted.accepted.get(applied.code);
    const rules = resolved.rules.get(applied.couponId);
    if (!candidate || !rules) throw new Error(`applied code ${applied.code} has no candidate`);
    const codeMax = candidate.codeInfo.maxRedemptions ?? null;
    return {
      code: applied.code,
      codeId: candidate.codeId,
      couponId: applied.couponId,
      amount: applied.amount,
      expectedVersion: rules.version,
      limits: {
        maxRedemptions: rules.maxRedemptions ?? null,
        maxPerUser: rules.maxRedemptionsPerUser ?? null,
        budget: rules.budget ?? null,
        codeMax,
      },
      perUserUnique: rules.maxRedemptionsPerUser === 1,
      codeSingleUse: codeMax === 1,
    };
  });
  return { quote, items };
}

function rejectedFor(items: PlanItem[], failures: Array<{ index: number; reason: Reason | "STALE_RULES" }>) {
  return failures.map((f) => {
    const reason: Reason = f.reason === "STALE_RULES" ? "EXHAUSTED" : f.reason;
    return { code: items[f.index]?.code ?? "", reason, message: REASON_MESSAGES[reason] };
  });
}

/** Cached rules and zero counters: the reserve script is the judge of status, version and limits. */
function assumedFreshUsage(resolved: ResolvedCodes): LiveUsage {
  return {
    coupons: resolved.couponIds.map((id) => {
      const rules = resolved.rules.get(id);
      return {
        id,
        status: rules?.status ?? "ACTIVE",
        version: rules?.version ?? -1,
        uses: 0,
        discountSpent: 0,
        customerUses: 0,
      };
    }),
    codes: resolved.found.map((code) => ({
      id: code.id,
      status: code.status,
      assignedUserId: code.assignedUserId,
      redeemed: 0,
      locked: 0,
    })),
  };
}

/** Redis gate: quote on Redis counters, then one script reserves every code or none. */
async function decideInRedis(
  mode: "lock" | "redeem",
  resolved: ResolvedCodes,
  input: { cart: Cart },
  caller: CheckoutCustomerCaller,
  lockId: string,
  ttlMs: number,
  now: Date,
): Promise<{ plan: Plan; epochs: string[] }> {
  const redis = getRedis();
  if (!redis) throw new RedisGateUnavailable("no redis");
  // The script re-checks status, version and every count atomically; the counters only change
  // the quote when a budget caps the discount. Without a budget, skip that round trip.
  const needsUsage = resolved.couponIds.some((id) => resolved.rules.get(id)?.budget != null);
  for (let attempt = 1; attempt <= REDIS_ATTEMPTS; attempt += 1) {
    let live: LiveUsage;
    if (needsUsage) {
      const { usage, notLoaded } = await redisCall(() => readGateUsage(redis, resolved, caller.customer.id));
      if (notLoaded.length > 0) {
        await redisCall(() => ensureGateState(notLoaded));
        continue;
      }
      live = liveFromGate(resolved, usage);
      await refreshStaleRules(resolved, live.coupons);
    } else {
      live = assumedFreshUsage(resolved);
    }
    const plan = planFrom(quoteResolved(resolved, live, input.cart, caller.customer, now), resolved);
    const result = await redisCall(() =>
      reserveUses(redis, {
        mode,
        lockId,
        customerId: caller.customer.id,
        ttlMs,
        items: plan.items.map((item) => ({
          couponId: item.couponId,
          codeId: item.codeId,
          amount: item.amount,
          expectedVersion: item.expectedVersion,
          limits: item.limits,
        })),
      }),
    );
    if (result.ok) return { plan, epochs: result.epochs };
    if ("notLoaded" in result) {
      await redisCall(() => ensureGateState(result.notLoaded));
      continue;
    }
    // Rules changed between the quote and the script: read them again and retry.
    if (result.failures.every((f) => f.reason === "STALE_RULES") && attempt < REDIS_ATTEMPTS) {
      await refreshStaleRules(
        resolved,
        resolved.couponIds.map((id) => ({ id, version: -1 })),
      );
      // A lost write-through leaves Redis on an older version: move it forward (versions never go back).
      await redisCall(() =>
        Promise.all(
          result.failures.map((f) => {
            const rules = resolved.rules.get(plan.items[f.index]?.couponId ?? "");
            return rules
              ? setCouponLiveStatus(redis, rules.id, { status: rules.status, version: rules.version })
              : undefined;
          }),
        ),
      );
      continue;
    }
    throw new CheckoutRejectedError(rejectedFor(plan.items, result.failures));
  }
  throw new DependencyUnavailableError("The coupon gate is busy rebuilding; retry shortly.");
}

async function redisCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CheckoutRejectedError || error instanceof DependencyUnavailableError) throw error;
    reportRedisFailure(error);
    throw new RedisGateUnavailable(error instanceof Error ? error.message : String(error));
  }
}

async function waitForGate(): Promise<"redis" | "postgres"> {
  for (;;) {
    const mode = currentGateMode();
    if (mode.kind !== "draining") return mode.kind;
    await new Promise((resolve) => setTimeout(resolve, Math.max(10, mode.untilMs - Date.now())));
  }
}

/** Writes what the Redis gate approved, within the deadline the rebuild and failover wait out. */
async function writeWithinDeadline<T>(decidedAtMs: number, write: (tx: Executor) => Promise<T>): Promise<T> {
  return getDb().transaction(async (tx) => {
    const left = GATE_WRITE_DEADLINE_MS - (Date.now() - decidedAtMs);
    if (left <= 50) throw tooSlow();
    await setLocalStatementTimeout(tx, left);
    const result = await write(tx);
    if (Date.now() - decidedAtMs > GATE_WRITE_DEADLINE_MS) throw tooSlow();
    return result;
  });
}

type RowContext = {
  customerId: string;
  orderId: string;
  lockId: string | null;
  currency: string;
  channel: string | null;
};

function answerOf(complete: IdempotentAnswer, response: unknown) {
  return { ...complete.key, response: complete.stored(response) };
}

/**
 * Redemptions and the idempotent answer, as one statement (ids made here, so the answer can name them):
 * in the caller's transaction, or, decided by the Redis gate at `decidedAt`, in the next batch.
 */
async function writeRedemptions(
  target: Executor | { decidedAt: number },
  plan: { items: PlanItem[]; quote: Quote },
  ctx: RowContext,
  complete: IdempotentAnswer,
): Promise<RedeemResult> {
  const rows = redemptionRows(plan, ctx);
  const response = redeemResponse(ctx.orderId, rows, plan);
  const answer = answerOf(complete, response);
  await ("decidedAt" in target
    ? writeApprovedRedemptions({ rows, answer, decidedAt: target.decidedAt })
    : insertRedemptionsAnswered(target, [{ rows, answer }]));
  return response;
}

function redemptionRows(plan: { items: PlanItem[] }, ctx: RowContext): Array<NewRedemption & { id: string }> {
  return plan.items.map((item) => ({
    id: randomUUID(),
    couponId: item.couponId,
    codeId: item.codeId,
    customerId: ctx.customerId,
    orderId: ctx.orderId,
    lockId: ctx.lockId,
    amount: item.amount,
    currency: ctx.currency,
    channel: ctx.channel,
    perUserUnique: item.perUserUnique,
    codeSingleUse: item.codeSingleUse,
  }));
}

// The unique indexes are the last line of defence: they refuse what no gate should have let through.
function asConflict(error: unknown, items: PlanItem[]): unknown {
  if (isUniqueViolation(error, "redemptions_coupon_customer_once_key"))
    return new CheckoutRejectedError(
      items.map((i) => ({
        code: i.code,
        reason: "USER_LIMIT_REACHED" as const,
        message: REASON_MESSAGES.USER_LIMIT_REACHED,
      })),
    );
  if (
    isUniqueViolation(error, "redemptions_single_use_code_key") ||
    isUniqueViolation(error, "redemptions_code_order_key")
  ) {
    return new CheckoutRejectedError(
      items.map((i) => ({
        code: i.code,
        reason: "ALREADY_REDEEMED" as const,
        message: REASON_MESSAGES.ALREADY_REDEEMED,
      })),
    );
  }
  return error;
}

function lockResponse(lockId: string, expiresAt: Date, quote: Quote): LockResult {
  return { lockId, expiresAt: expiresAt.toISOString(), quote };
}

function redeemResponse(
  orderId: string,
  rows: Array<{ id: string; couponId: string; amount: number }>,
  plan: { items: PlanItem[]; quote: Quote },
): RedeemResult {
  return {
    orderId,
    redemptions: rows.map((row, i) => ({
      id: row.id,
      code: plan.items[i]?.code ?? "",
      couponId: row.couponId,
      amount: row.amount,
    })),
    quote: plan.quote,
  };
}

/**
 * checkout.lock and checkout.redeem with codes: reserve one use of every code,
 * coupon limit, budget and per-user limit, all or nothing; then record it in
 * Postgres (a lock, or redemptions). Redis decides when it is up; Postgres
 * (advisory locks) when it is not configured or unreachable.
 */
export async function reserveCheckout(
  mode: "lock" | "redeem",
  input: { codes: string[]; cart: Cart; orderId?: string },
  caller: CheckoutCustomerCaller,
  complete: IdempotentAnswer,
  opts: { ttlMs?: number; now?: Date } = {},
): Promise<LockResult | RedeemResult> {
  const now = opts.now ?? new Date();
  const ttlMs = opts.ttlMs ?? env().LOCK_TTL_SECONDS * 1000;
  const lockId = randomUUID();
  const resolved = await resolveCodes(input.codes);
  const rowContext = {
    customerId: caller.customer.id,
    orderId: input.orderId ?? "",
    currency: input.cart.currency,
    channel: input.cart.channel ?? null,
  };
  // What either gate writes once it has decided: the lock or the redemptions, with the idempotent answer, in one statement.
  const recordPlan = async (
    target: Executor | { decidedAt: number },
    plan: Plan,
    expiresAt: Date,
  ): Promise<LockResult | RedeemResult> => {
    if (mode === "lock") {
      const response = lockResponse(lockId, expiresAt, plan.quote);
      const stored: StoredLock = {
        quote: plan.quote,
        items: plan.items,
        currency: rowContext.currency,
        channel: rowContext.channel,
      };
      const lock = {
        id: lockId,
        customerId: caller.customer.id,
        expiresAt,
        cart: input.cart,
        quote: stored,
        items: plan.items,
      };
      const write = (db: SqlTarget) => insertLockAnswered(db, lock, answerOf(complete, response));
      await ("decidedAt" in target ? onGateWriteConnection(target.decidedAt, write) : write(target));
      return response;
    }
    return writeRedemptions(target, plan, { ...rowContext, lockId: null }, complete);
  };

  if ((await waitForGate()) === "redis") {
    try {
      const { plan, epochs } = await decideInRedis(mode, resolved, input, caller, lockId, ttlMs, now);
      const decidedAt = Date.now();
      try {
        // One statement on the deadline-bound pool: it lands within the deadline the rebuild and failover wait out, or not at all.
        const response = await recordPlan({ decidedAt }, plan, new Date(decidedAt + ttlMs));
        complete.done();
        return response;
      } catch (error) {
        // Compensation: the uses Redis reserved for a write that did not happen go back.
        const redis = getRedis()!;
        await (
          mode === "lock"
            ? releaseLock(redis, { lockId, couponIds: [...new Set(plan.items.map((i) => i.couponId))] })
            : restoreUses(
                redis,
                plan.items.map((item, i) => ({
                  couponId: item.couponId,
                  codeId: item.codeId,
                  customerId: caller.customer.id,
                  amount: item.amount,
                  epoch: epochs[i] ?? "",
                })),
              )
        ).catch(reportRedisFailure);
        throw asConflict(error, plan.items);
      }
    } catch (error) {
      if (!(error instanceof RedisGateUnavailable)) throw error;
      await waitForGate();
    }
  }

  // Postgres gate: the same decisions, serialised per coupon, written in the same transaction.
  const response = await getDb().transaction(async (tx) => {
    await lockCouponsForDecision(tx, resolved.couponIds);
    const live = await readPostgresUsage(tx, resolved, caller.customer.id);
    await refreshStaleRules(resolved, live.coupons);
    const plan = planFrom(quoteResolved(resolved, live, input.cart, caller.customer, now), resolved);
    try {
      return await recordPlan(tx, plan, new Date(Date.now() + ttlMs));
    } catch (error) {
      throw asConflict(error, plan.items);
    }
  });
  complete.done();
  return response;
}

/** checkout.redeem with a lock id: the lock's reservations become redemptions (no re-quote). */
export async function redeemLock(
  input: { lockId: string; orderId: string },
  caller: CheckoutCustomerCaller,
  complete: IdempotentAnswer,
): Promise<RedeemResult> {
  const lock = await findLock(getDb(), input.lockId);
  if (!lock || lock.customerId !== caller.customer.id) throw new NotFoundError("No such lock.");
  const stored = lock.quote as StoredLock;
  const plan = { quote: stored.quote, items: stored.items };
  const couponIds = [...new Set(stored.items.map((i) => i.couponId))];
  const rowContext = {
    customerId: caller.customer.id,
    orderId: input.orderId,
    lockId: lock.id,
    currency: stored.currency,
    channel: stored.channel,
  };
  const expired = () =>
    new CheckoutRejectedError(
      stored.items.map((i) => ({
        code: i.code,
        reason: "EXPIRED" as const,
        message: "This lock has expired or was released; lock the codes again.",
      })),
    );
  if (lock.status !== "ACTIVE") throw expired();

  if ((await waitForGate()) === "redis") {
    try {
      const redis = getRedis()!;
      const committed = await redisCall(async () => {
        let result = await commitLock(redis, { lockId: lock.id, couponIds });
        if (!result.ok && "notLoaded" in result) {
          await ensureGateState(result.notLoaded);
          result = await commitLock(redis, { lockId: lock.id, couponIds });
        }
        return result;
      });
      if (!committed.ok) throw expired();
      const decidedAt = Date.now();
      try {
        const response = await writeWithinDeadline(decidedAt, async (tx) => {
          if (!(await closeLock(tx, lock.id, "REDEEMED"))) throw expired();
          return writeRedemptions(tx, plan, rowContext, complete);
        });
        complete.done();
        return response;
      } catch (error) {
        await restoreUses(
          redis,
          committed.items.map((item, i) => ({ ...item, epoch: committed.epochs[i] ?? "" })),
        ).catch(reportRedisFailure);
        throw asConflict(error, plan.items);
      }
    } catch (error) {
      if (!(error instanceof RedisGateUnavailable)) throw error;
      await waitForGate();
    }
  }

  const response = await getDb().transaction(async (tx) => {
    await lockCouponsForDecision(tx, couponIds);
    if (!(await closeLock(tx, lock.id, "REDEEMED", { requireUnexpired: true }))) throw expired();
    try {
      return await writeRedemptions(tx, plan, rowContext, complete);
    } catch (error) {
      throw asConflict(error, plan.items);
    }
  });
  complete.done();
  return response;
}
