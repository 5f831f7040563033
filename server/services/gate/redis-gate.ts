import { randomUUID } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { asError, createBatcher } from "@/server/batching";
import { getDb, getGateWriteDb, withConnection, type Executor, type SqlTarget } from "@/server/db/client";
import {
  closeLock,
  findLock,
  findRedemptions,
  insertLockAnswered,
  insertRedemptionsAnswered,
  type AnswerRef,
} from "@/server/db/queries/gate-records";
import { readLiveUsage } from "@/server/db/queries/read-live-usage";
import { setLocalStatementTimeout } from "@/server/db/queries/set-statement-timeout";
import { env } from "@/server/env";
import { GATE_WRITE_DEADLINE_MS, reportRedisFailure } from "@/server/redis/circuit-breaker";
import {
  commitLock,
  readUsage,
  releaseLock,
  reserveUses,
  restoreUses,
  setCouponLiveStatus,
  type CouponUsage,
} from "@/server/redis/gate";
import { reloadRules, type LiveUsage, type ResolvedCodes, type UsageReader } from "../checkout-quote";
import { ensureGateState } from "../ensure-gate-state";
import { CheckoutRejectedError, DependencyUnavailableError, isRefusedByPostgres, isUniqueViolation } from "../errors";
import {
  asConflict,
  couponIdsOf,
  GateUnavailableError,
  lockNotLive,
  rejectedFor,
  type CommitRequest,
  type Gate,
  type GateRecord,
  type RedemptionRow,
  type ReserveRequest,
  type TakenUse,
} from "./gate";

const REDIS_ATTEMPTS = 4;
/**
 * A write the Redis gate approved lands within GATE_WRITE_DEADLINE_MS of the decision or not at all (the
 * breaker's drain and the rebuild wait that long): it must be running on a connection within
 * GATE_WRITE_QUEUE_MS of the decision (its batch leaving and a free connection of the gate-write pool both
 * count), and Postgres cuts the statement off after GATE_WRITE_STATEMENT_MS (the pool's statement_timeout).
 * Admission (admitCheckout) keeps the wait to a few statements: only a failing Postgres uses either up.
 */
const GATE_WRITE_STATEMENT_MS = 900;
const GATE_WRITE_QUEUE_MS = GATE_WRITE_DEADLINE_MS - GATE_WRITE_STATEMENT_MS - 100;
const gateWriteDb = () => getGateWriteDb(GATE_WRITE_STATEMENT_MS);
const tooSlow = () => new DependencyUnavailableError("Postgres is too slow right now; nothing was redeemed.");

/**
 * The Redis gate: one Lua script decides (every count checked and taken atomically), then the decision is
 * written to Postgres within the deadline; a write that fails gives its uses back (unless it landed after
 * all: an answer lost after COMMIT).
 */
export class RedisGate implements Gate {
  readonly kind = "redis";
  constructor(private readonly redis: Redis) {}

  /** The gate's counters while it holds every coupon's state; else Postgres (and the state is loaded meanwhile). */
  async readUsage(resolved: ResolvedCodes, customerId: string | null): Promise<LiveUsage> {
    try {
      const { usage, notLoaded } = await readGateUsage(this.redis, resolved, customerId);
      if (notLoaded.length === 0) return liveFromGate(resolved, usage);
      // One rebuild per coupon per process, shared with lock and redeem.
      ensureGateState(notLoaded).catch((error: unknown) =>
        console.warn("[gate] loading the gate state failed:", error instanceof Error ? error.message : error),
      );
    } catch (error) {
      reportRedisFailure(error);
    }
    return readLiveUsage(getDb(), {
      couponIds: resolved.couponIds,
      codeIds: resolved.found.map((c) => c.id),
      customerId,
    });
  }

  async reserve<R>(request: ReserveRequest<R>): Promise<R> {
    const lockId = request.hold?.lockId ?? randomUUID();
    const { plan, epochs, expiresAtMs } = await this.decide(request, lockId);
    const decidedAt = Date.now();
    const record = request.record(plan, new Date(expiresAtMs));
    try {
      await writeApproved(record, decidedAt);
      return record.response;
    } catch (error) {
      if (await landedAfterAll(error, record, decidedAt)) return record.response;
      // Compensation: the uses Redis took for a write that did not happen go back.
      if (request.hold) await this.release({ id: lockId, couponIds: couponIdsOf(plan.items) });
      else
        await this.restore(
          plan.items.map((item, i) => ({
            couponId: item.couponId,
            codeId: item.codeId,
            customerId: request.customerId,
            amount: item.amount,
            epoch: epochs[i] ?? "",
          })),
        );
      throw asConflict(error, plan.items);
    }
  }

  async commit<R>(request: CommitRequest<R>): Promise<R> {
    const { lock, plan, record } = request;
    const committed = await redisCall(async () => {
      const result = await commitLock(this.redis, { lockId: lock.id, couponIds: lock.couponIds });
      if (result.ok || !("notLoaded" in result)) return result;
      await ensureGateState(result.notLoaded);
      return commitLock(this.redis, { lockId: lock.id, couponIds: lock.couponIds });
    });
    if (!committed.ok) throw lockNotLive(plan.items);
    const decidedAt = Date.now();
    try {
      await writeWithinDeadline(decidedAt, async (tx) => {
        if (!(await closeLock(tx, lock.id, "REDEEMED"))) throw lockNotLive(plan.items);
        await insertRedemptionsAnswered(tx, [{ rows: record.rows.redemptions, answer: record.answer }]);
      });
      return record.response;
    } catch (error) {
      if (await landedAfterAll(error, record, decidedAt)) return record.response;
      await this.restore(committed.items.map((item, i) => ({ ...item, epoch: committed.epochs[i] ?? "" })));
      throw asConflict(error, plan.items);
    }
  }

  async release(lock: { id: string; couponIds: string[] }): Promise<void> {
    await releaseLock(this.redis, { lockId: lock.id, couponIds: lock.couponIds }).catch(reportRedisFailure);
  }

  /** Only into the epoch a use was counted in: a rebuilt state already reflects Postgres. */
  async restore(uses: TakenUse[]): Promise<void> {
    await restoreUses(this.redis, uses).catch(reportRedisFailure);
  }

  /** A Redis failure here (before anything changed) moves the caller to the other gate (withGate). */
  async epochsOf(couponIds: string[]): Promise<Map<string, string>> {
    const usage = await redisCall(() =>
      readUsage(
        this.redis,
        couponIds.map((couponId) => ({ couponId, codeIds: [], customerId: null })),
      ),
    );
    const epochs = new Map<string, string>();
    couponIds.forEach((id, i) => {
      const counted = usage[i];
      if (counted?.loaded && counted.epoch) epochs.set(id, counted.epoch);
    });
    return epochs;
  }

  /** Quote on the gate's counters, then one script takes every use or none; retried while state loads or rules move. */
  private async decide<R>(request: ReserveRequest<R>, lockId: string) {
    const readForDecision: UsageReader = (resolved) => this.readUsageForDecision(resolved, request.customerId);
    for (let attempt = 1; attempt <= REDIS_ATTEMPTS; attempt += 1) {
      const plan = await request.plan(readForDecision);
      const result = await redisCall(() =>
        reserveUses(this.redis, {
          mode: request.hold ? "lock" : "redeem",
          lockId,
          customerId: request.customerId,
          ttlMs: request.hold?.ttlMs ?? 1,
          items: plan.items.map((item) => ({
            couponId: item.couponId,
            codeId: item.codeId,
            amount: item.amount,
            expectedVersion: item.expectedVersion,
            limits: item.limits,
          })),
          ...(request.hold ? { maxLiveLocksPerCustomer: env().MAX_LIVE_LOCKS_PER_CUSTOMER } : {}),
        }),
      );
      if (result.ok) return { plan, epochs: result.epochs, expiresAtMs: result.expiresAtMs };
      if ("notLoaded" in result) {
        await redisCall(() => ensureGateState(result.notLoaded));
        continue;
      }
      // Rules changed between the quote and the script: read them again and retry.
      if (result.failures.every((f) => f.reason === "STALE_RULES") && attempt < REDIS_ATTEMPTS) {
        const stale = [...new Set(result.failures.map((f) => plan.items[f.index]?.couponId ?? ""))];
        const rules = await reloadRules(stale.filter(Boolean));
        // A lost write-through leaves Redis on an older version: move it forward (versions never go back).
        await redisCall(() =>
          Promise.all(
            rules.map((r) => setCouponLiveStatus(this.redis, r.id, { status: r.status, version: r.version })),
          ),
        );
        continue;
      }
      throw rejectedFor(plan.items, result.failures);
    }
    throw new DependencyUnavailableError("The coupon gate is busy rebuilding; retry shortly.");
  }

  /**
   * The counters a decision quotes on. The script re-checks status, version and every count atomically;
   * the counters only change the quote when a budget caps the discount. Without a budget, skip that round trip.
   */
  private async readUsageForDecision(resolved: ResolvedCodes, customerId: string): Promise<LiveUsage> {
    if (!resolved.couponIds.some((id) => resolved.rules.get(id)?.budget != null)) return assumedFreshUsage(resolved);
    for (let attempt = 1; attempt <= REDIS_ATTEMPTS; attempt += 1) {
      const { usage, notLoaded } = await redisCall(() => readGateUsage(this.redis, resolved, customerId));
      if (notLoaded.length === 0) return liveFromGate(resolved, usage);
      await redisCall(() => ensureGateState(notLoaded));
    }
    throw new DependencyUnavailableError("The coupon gate is busy rebuilding; retry shortly.");
  }
}

/** A Redis failure before anything was reserved: reported to the breaker, and the other gate decides. */
async function redisCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CheckoutRejectedError || error instanceof DependencyUnavailableError) throw error;
    reportRedisFailure(error);
    throw new GateUnavailableError(error instanceof Error ? error.message : String(error));
  }
}

/** The Redis gate's counters for the resolved codes' coupons (in `resolved.couponIds` order), and the coupons not loaded. */
async function readGateUsage(
  redis: Redis,
  resolved: ResolvedCodes,
  customerId: string | null,
): Promise<{ usage: CouponUsage[]; notLoaded: string[] }> {
  const usage = await readUsage(
    redis,
    resolved.couponIds.map((couponId) => ({
      couponId,
      codeIds: resolved.found.filter((c) => c.couponId === couponId).map((c) => c.id),
      customerId,
    })),
  );
  return { usage, notLoaded: resolved.couponIds.filter((_, i) => !usage[i]?.loaded) };
}

/** The Redis gate's counters as a usage snapshot; code status and assignment come from the (write-through) code cache. */
function liveFromGate(resolved: ResolvedCodes, usage: CouponUsage[]): LiveUsage {
  const coupons = usage.map((u, i) => ({
    id: resolved.couponIds[i]!,
    status: u.status ?? "DISABLED",
    version: u.version ?? -1,
    uses: u.uses,
    discountSpent: u.spent,
    customerUses: u.customerUses ?? 0,
    // The reserve script counts and limits live locks itself.
    customerLiveLocks: 0,
  }));
  const codes = resolved.found.map((code) => {
    const counts = usage[resolved.couponIds.indexOf(code.couponId)]?.codes[code.id] ?? { used: 0, locked: 0 };
    return {
      id: code.id,
      status: code.status,
      assignedUserId: code.assignedUserId,
      redeemed: counts.used,
      locked: counts.locked,
    };
  });
  return { coupons, codes };
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
        customerLiveLocks: 0,
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

/** Writes what the gate approved: a lock on the gate-write pool, redemptions in the next batch. */
async function writeApproved(record: GateRecord<unknown>, decidedAt: number): Promise<void> {
  const { rows, answer } = record;
  if ("lock" in rows) await onGateWriteConnection(decidedAt, (db) => insertLockAnswered(db, rows.lock, answer));
  else await writeApprovedRedemptions({ rows: rows.redemptions, answer, decidedAt });
}

/**
 * After a failed write: did it land all the same? Not if Postgres refused it (an error with a SQLSTATE)
 * or it was never sent (DependencyUnavailableError, a refusal). Otherwise (the connection was lost, maybe
 * after COMMIT) wait until it can no longer land (the deadline), then look its rows up by their ids. When
 * even that fails, nothing is given back: the counters stay high (never an oversell) until reconciliation.
 */
async function landedAfterAll(error: unknown, record: GateRecord<unknown>, decidedAt: number): Promise<boolean> {
  if (error instanceof DependencyUnavailableError || error instanceof CheckoutRejectedError) return false;
  if (isRefusedByPostgres(error)) return false;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, decidedAt + GATE_WRITE_DEADLINE_MS - Date.now())));
  try {
    const { rows } = record;
    if ("lock" in rows) return (await findLock(getDb(), rows.lock.id)) !== undefined;
    return (await findRedemptions(getDb(), { ids: rows.redemptions.map((r) => r.id) })).length > 0;
  } catch {
    throw new DependencyUnavailableError("Postgres did not confirm the write; retry shortly with the same key.");
  }
}

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
  rows: RedemptionRow[];
  answer: AnswerRef;
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
