import type { Database, Executor } from "@/server/db/client";
import {
  closeLock,
  insertLockAnswered,
  insertRedemptionsAnswered,
  lockCouponsForDecision,
} from "@/server/db/queries/gate-records";
import { readLiveUsage } from "@/server/db/queries/read-live-usage";
import { setLocalStatementTimeout } from "@/server/db/queries/set-statement-timeout";
import { env } from "@/server/env";
import { currentGateMode, GATE_WRITE_DEADLINE_MS } from "@/server/redis/circuit-breaker";
import type { LiveUsage, PlanItem, ResolvedCodes } from "../checkout-quote";
import { CheckoutRejectedError, DependencyUnavailableError, isStatementTimeout } from "../errors";
import {
  asConflict,
  GateUnavailableError,
  HOARDING_MESSAGE,
  lockNotLive,
  type CommitRequest,
  type Gate,
  type GateRecord,
  type ReserveRequest,
} from "./gate";

type PostgresUsage = Awaited<ReturnType<typeof readLiveUsage>>;

/**
 * The Postgres gate: the same decisions as the Redis gate, serialised per coupon by transaction-scoped
 * advisory locks, counted from the rows (redemptions + live locks) and written in the same transaction.
 * Slower, and correct without Redis.
 */
export class PostgresGate implements Gate {
  readonly kind = "postgres";
  constructor(private readonly db: Database) {}

  readUsage(resolved: ResolvedCodes, customerId: string | null): Promise<LiveUsage> {
    return readUsageOf(this.db, resolved, customerId);
  }

  async reserve<R>(request: ReserveRequest<R>): Promise<R> {
    const decision = new Decision(this.db);
    try {
      let usage: PostgresUsage | undefined;
      // The codes are looked up before the transaction opens (no connection held meanwhile).
      const plan = await request.plan(async (resolved) => {
        const tx = await decision.begin();
        // Serialised per coupon: the usage read here stays true until this transaction ends.
        await lockCouponsForDecision(tx, resolved.couponIds);
        usage = await readUsageOf(tx, resolved, request.customerId);
        return usage;
      });
      if (!usage) throw new Error("postgres gate: the plan read no usage");
      if (request.hold) refuseHoarding(plan.items, usage, env().MAX_LIVE_LOCKS_PER_CUSTOMER);
      // The lock's expiry by the Postgres clock, the one its liveness is judged with here.
      const record = request.record(plan, new Date(usage.clockMs + (request.hold?.ttlMs ?? 0)));
      await writeRecord(await decision.begin(), record, plan.items);
      await decision.commit();
      return record.response;
    } catch (error) {
      throw await decision.rollBack(error);
    }
  }

  async commit<R>(request: CommitRequest<R>): Promise<R> {
    const { lock, plan, record } = request;
    const decision = new Decision(this.db);
    try {
      const tx = await decision.begin();
      await lockCouponsForDecision(tx, lock.couponIds);
      if (!(await closeLock(tx, lock.id, "REDEEMED", { requireUnexpired: true }))) throw lockNotLive(plan.items);
      await writeRecord(tx, record, plan.items);
      await decision.commit();
      return record.response;
    } catch (error) {
      throw await decision.rollBack(error);
    }
  }

  /** Postgres counts a lock from its row: closing the row (unlockCheckout does it first) gave its uses back. */
  async release(): Promise<void> {}

  /** Postgres counts uses from the rows: a voided or unwritten redemption already counts no more. */
  async restore(): Promise<void> {}

  /** The rows are the counters: every coupon, one epoch (""). */
  async epochsOf(couponIds: string[]): Promise<Map<string, string>> {
    return new Map(couponIds.map((id) => [id, ""]));
  }
}

function readUsageOf(db: Executor, resolved: ResolvedCodes, customerId: string | null): Promise<PostgresUsage> {
  return readLiveUsage(db, { couponIds: resolved.couponIds, codeIds: resolved.found.map((c) => c.id), customerId });
}

/**
 * One Postgres-gate decision: a transaction opened on its first read and committed within
 * GATE_WRITE_DEADLINE_MS of opening, or rolled back. Why the deadline: when Redis comes back, the breaker
 * trusts it again and coupon states are rebuilt from a Postgres snapshot taken no earlier than DRAIN_MS
 * (> the deadline) later (ensureGateState waits that out after a recovery). A decision that saw the
 * Postgres mode inside its transaction therefore commits before any such snapshot and is counted in it;
 * one that sees another mode leaves it to withGate. Unbounded (a long wait for a coupon's advisory lock),
 * it could commit after the snapshot and be missed by the rebuilt counters: an oversell.
 */
class Decision {
  private opened?: Promise<Executor>;
  private end?: (error: unknown) => void;
  private transaction?: Promise<void>;
  private startedAt = 0;

  constructor(private readonly db: Database) {}

  begin(): Promise<Executor> {
    this.opened ??= new Promise<Executor>((opened, failed) => {
      const ended = new Promise<unknown>((end) => (this.end = end));
      this.transaction = this.db.transaction(async (tx) => {
        this.startedAt = Date.now();
        // Decided only while the breaker says Postgres (not while Redis-approved writes may still land).
        if (currentGateMode(this.startedAt).kind !== "postgres") throw new GateUnavailableError("The gate changed.");
        await setLocalStatementTimeout(tx, GATE_WRITE_DEADLINE_MS);
        opened(tx);
        const error = await ended;
        if (error !== undefined) throw error;
      });
      this.transaction.catch(failed);
    });
    return this.opened;
  }

  /** Commits, unless the decision took longer than the deadline (then nothing was reserved). */
  async commit(): Promise<void> {
    const late = Date.now() - this.startedAt > GATE_WRITE_DEADLINE_MS;
    this.end?.(
      late ? new DependencyUnavailableError("Postgres is too slow right now; nothing was reserved.") : undefined,
    );
    await this.transaction;
  }

  /** Rolls back; a decision cut off at the deadline (statement_timeout) reserved nothing: a 503, not a 500. */
  async rollBack(error: unknown): Promise<unknown> {
    this.end?.(error ?? new Error("rolled back"));
    await this.transaction?.catch(() => undefined);
    return isStatementTimeout(error)
      ? new DependencyUnavailableError("Postgres is too slow right now; nothing was reserved.")
      : error;
  }
}

/** Lock hoarding: a shopper who already holds the limit of live locks on a coupon cannot lock it again. */
function refuseHoarding(items: PlanItem[], usage: PostgresUsage, maxLiveLocks: number): void {
  const held = new Map(usage.coupons.map((c) => [c.id, c.customerLiveLocks]));
  const refused = items.filter((item) => (held.get(item.couponId) ?? 0) >= maxLiveLocks);
  if (refused.length > 0)
    throw new CheckoutRejectedError(
      refused.map((item) => ({ code: item.code, reason: "LOCKED" as const, message: HOARDING_MESSAGE })),
    );
}

async function writeRecord(tx: Executor, record: GateRecord<unknown>, items: PlanItem[]): Promise<void> {
  const { rows, answer } = record;
  try {
    if ("lock" in rows) await insertLockAnswered(tx, rows.lock, answer);
    else await insertRedemptionsAnswered(tx, [{ rows: rows.redemptions, answer }]);
  } catch (error) {
    throw asConflict(error, items);
  }
}
