import { randomUUID } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startRedisServer } from "@/tools/local-redis";
import { startUpstashBridge } from "@/tools/upstash-bridge/server";
import { getDb, getGateWriteDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { insertRedemptionsAnswered } from "@/server/db/queries/gate-records";
import { redemptions } from "@/server/db/schema";
import { GATE_WRITE_DEADLINE_MS, resetBreaker } from "@/server/redis/circuit-breaker";
import { createRedis } from "@/server/redis/client";
import { dropCouponState } from "@/server/redis/gate";
import { CheckoutRejectedError, DependencyUnavailableError } from "./errors";
import { lockCheckout } from "./lock-checkout";
import { redeemCheckout, type RedeemInput } from "./redeem-checkout";
import { validateCheckout } from "./validate-checkout";
import { countRedemptions, gateUsesInRedis, makeTestCoupon, TEST_CART, testCaller } from "./gate-test-fixtures";

// Group commit on the redeem path, end to end: the Redis gate (own redis-server behind the bridge,
// through the production client with its CoalescingRequester), batched idempotency claims and
// batched redemption writes against the real Postgres; and validate reading the same gate.

// Not a mock: the real statement runs; the spy only lets the tests see how the writes were batched.
vi.mock("@/server/db/queries/gate-records", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/server/db/queries/gate-records")>();
  return { ...actual, insertRedemptionsAnswered: vi.fn(actual.insertRedemptionsAnswered) };
});
const writes = vi.mocked(insertRedemptionsAnswered);

const globals = globalThis as unknown as { couponRedis?: Redis | null; couponLimiters?: unknown };
const TOKEN = "redeem-batching-test-token";

let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;
let redis: Redis;
let adminId: string;

beforeAll(async () => {
  redisServer = await startRedisServer();
  bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN });
  redis = createRedis(bridge.url, TOKEN);
  adminId = (await findUserByEmail(getDb(), "admin@demo.test"))!.id;
});

afterAll(async () => {
  await bridge.close();
  await redisServer.stop();
});

beforeEach(() => {
  globals.couponRedis = redis;
  globals.couponLimiters = undefined;
  resetBreaker();
  writes.mockClear();
});

const cart = TEST_CART;
const makeCoupon = (
  rules: Record<string, unknown>,
  code: { kind?: "SHARED" | "UNIQUE"; maxRedemptions?: number } = {},
) => makeTestCoupon(adminId, "BATCH", rules, code);
const caller = (id: string) => testCaller(id, 88);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Outcome =
  | { ok: true; result: Awaited<ReturnType<typeof redeemCheckout>> }
  | { ok: false; reason: string | undefined; message: string };

async function redeem(input: RedeemInput, customerId: string): Promise<Outcome> {
  try {
    return { ok: true, result: await redeemCheckout(input, caller(customerId)) };
  } catch (error) {
    if (error instanceof CheckoutRejectedError)
      return { ok: false, reason: error.rejected[0]?.reason, message: error.message };
    throw error;
  }
}

const checkout = (code: string): RedeemInput => ({
  codes: [code],
  cart,
  orderId: `order-${randomUUID()}`,
  idempotencyKey: randomUUID(),
});

const redisUses = (couponId: string) => gateUsesInRedis(redis, couponId);

/** The customers whose redemptions each insertRedemptionsAnswered call carried, and how it ended. */
function writeCalls() {
  return writes.mock.calls.map(([, entries], i) => ({
    customers: entries.map((e) => e.rows[0]?.customerId),
    ok: writes.mock.settledResults[i]?.type === "fulfilled",
  }));
}

describe("group commit on the Redis-gate redeem path", () => {
  it("200 concurrent redeems by distinct customers on maxRedemptions 50: 50 succeed, 150 EXHAUSTED, 50 rows, and every replay is identical", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 50 });
    const customers = Array.from({ length: 200 }, (_, i) => `flash-${couponId}-${i}`);
    const inputs = customers.map(() => checkout(code));
    const results = await Promise.all(customers.map((customer, i) => redeem(inputs[i]!, customer)));

    const won = results.flatMap((r, i) => (r.ok ? [i] : []));
    expect(won).toHaveLength(50);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(
      Array.from({ length: 150 }, () => "EXHAUSTED"),
    );
    expect(await countRedemptions(couponId)).toBe(50);
    expect(await redisUses(couponId)).toBe(50);

    // Each success is its own: its order id, its rows, the rows really in Postgres.
    const rows = await getDb().execute<{ id: string; customer_id: string; order_id: string }>(
      sql`select id, customer_id, order_id from redemptions where coupon_id = ${couponId}`,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const i of won) {
      const result = (results[i] as Extract<Outcome, { ok: true }>).result;
      expect(result.orderId).toBe(inputs[i]!.orderId);
      expect(result.redemptions).toHaveLength(1);
      expect(byId.get(result.redemptions[0]!.id)).toEqual({
        id: result.redemptions[0]!.id,
        customer_id: customers[i],
        order_id: inputs[i]!.orderId,
      });
    }

    // The writes really were batched: some statement carried several checkouts.
    const calls = writeCalls();
    expect(Math.max(...calls.map((c) => c.customers.length))).toBeGreaterThan(1);
    expect(
      calls
        .filter((c) => c.ok)
        .flatMap((c) => c.customers)
        .sort(),
    ).toEqual(won.map((i) => customers[i]).sort());

    // Same key, same payload: the stored answer, identical, and nothing new written.
    const replays = await Promise.all(customers.map((customer, i) => redeem(inputs[i]!, customer)));
    replays.forEach((replay, i) => expect(replay).toEqual(results[i]));
    expect(await countRedemptions(couponId)).toBe(50);
    expect(await redisUses(couponId)).toBe(50);

    const keys = await getDb().execute<{ status: string; n: number }>(
      sql`select status, count(*)::int as n from idempotency_keys where scope like ${`flash-${couponId}-%`} group by status`,
    );
    expect(keys).toEqual([{ status: "DONE", n: 200 }]);
  }, 120_000);

  it("a checkout refused by a unique index fails alone: the other checkouts of its batch are written, and its uses go back to the gate", async () => {
    const target = await makeCoupon({ maxRedemptionsPerUser: 1 });
    // Load the gate state from Postgres first (one ordinary redemption)...
    expect((await redeem(checkout(target.code), `warm-${target.couponId}`)).ok).toBe(true);
    // ...then give some customers a redemption behind the gate's back: the gate admits them, the partial unique index refuses.
    const customers = Array.from({ length: 60 }, (_, i) => `batch-${target.couponId}-${i}`);
    const victims = new Set([customers[9]!, customers[23]!, customers[31]!, customers[44]!, customers[58]!]);
    await getDb()
      .insert(redemptions)
      .values(
        [...victims].map((customerId) => ({
          couponId: target.couponId,
          codeId: target.codeId,
          customerId,
          orderId: `earlier-${randomUUID()}`,
          amount: 100,
          currency: "USD",
          perUserUnique: true,
          codeSingleUse: false,
        })),
      );
    expect(await redisUses(target.couponId)).toBe(1);
    writes.mockClear();

    const inputs = customers.map(() => checkout(target.code));
    const results = await Promise.all(customers.map((customer, i) => redeem(inputs[i]!, customer)));

    results.forEach((result, i) => {
      if (victims.has(customers[i]!)) expect(result).toMatchObject({ ok: false, reason: "USER_LIMIT_REACHED" });
      else expect(result.ok, `${customers[i]}: ${JSON.stringify(result)}`).toBe(true);
    });
    // 1 warm-up + 5 written behind the gate's back + 55 now; the gate counts what it approved and kept.
    expect(await countRedemptions(target.couponId)).toBe(1 + 5 + 55);
    expect(await redisUses(target.couponId)).toBe(1 + 55);
    const [perCustomer] = await getDb().execute<{ max: number }>(
      sql`select max(n)::int as max from (select count(*) as n from redemptions where coupon_id = ${target.couponId} group by customer_id) c`,
    );
    expect(perCustomer!.max).toBe(1);

    // A victim shared a statement with others; that statement failed, then each checkout was written alone.
    const calls = writeCalls();
    const failedBatches = calls.filter((c) => !c.ok && c.customers.length > 1);
    expect(failedBatches.length).toBeGreaterThan(0);
    for (const batch of failedBatches) {
      expect(batch.customers.some((c) => victims.has(c!))).toBe(true);
      for (const customer of batch.customers) {
        const alone = calls.filter((c) => c.customers.length === 1 && c.customers[0] === customer);
        expect(alone.map((c) => c.ok)).toEqual([!victims.has(customer!)]);
      }
    }

    // Replays answer the same, success or refusal.
    const replays = await Promise.all(customers.map((customer, i) => redeem(inputs[i]!, customer)));
    replays.forEach((replay, i) => expect(replay).toEqual(results[i]));
    expect(await countRedemptions(target.couponId)).toBe(61);
  }, 60_000);

  it("while both write slots are stuck for less than the write deadline, later approved checkouts wait for them and are all written: no refusal after the gate approved", async () => {
    const target = await makeCoupon({});
    const customers = Array.from({ length: 30 }, (_, i) => `slots-${target.couponId}-${i}`);
    const inputs = customers.map(() => checkout(target.code));
    const indexes = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    const [wave1, wave2, wave3] = [indexes(0, 10), indexes(10, 20), indexes(20, 30)];

    // An uncommitted row with the same (code, order) as one checkout of each of the first two waves:
    // their batch statements wait on it (Postgres makes the insert wait for that transaction), holding both slots.
    let rollBack!: () => void;
    const rolledBack = new Promise<void>((resolve) => (rollBack = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const blocker = getDb()
      .transaction(async (tx) => {
        await tx.insert(redemptions).values(
          [wave1[0]!, wave2[0]!].map((i) => ({
            couponId: target.couponId,
            codeId: target.codeId,
            customerId: `blocker-${i}`,
            orderId: inputs[i]!.orderId,
            amount: 100,
            currency: "USD",
            perUserUnique: false,
            codeSingleUse: false,
          })),
        );
        holding();
        await rolledBack;
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await held;

    const customerIn = (call: { customers: Array<string | undefined> }, i: number) =>
      call.customers.includes(customers[i]);
    const run = (wave: number[]) =>
      Promise.all(
        wave.map((i) =>
          redeemCheckout(inputs[i]!, caller(customers[i]!)).then(
            (result) => ({ ok: true as const, result }),
            (error: unknown) => ({ ok: false as const, error }),
          ),
        ),
      );
    const first = run(wave1);
    await expect
      .poll(() => writeCalls().some((c) => customerIn(c, wave1[0]!)), { timeout: 10_000, interval: 5 })
      .toBe(true);
    const second = run(wave2);
    await expect
      .poll(() => writeCalls().some((c) => customerIn(c, wave2[0]!)), { timeout: 10_000, interval: 5 })
      .toBe(true);
    const third = run(wave3);
    // The third wave is decided (or admitted) and queued behind the two stuck statements for a while.
    await pause(700);
    rollBack();
    await blocker;
    const [r1, r2, r3] = await Promise.all([first, second, third]);

    // Everything the Redis gate approved is written: a stall shorter than the deadline refuses nothing.
    expect([...r1, ...r2, ...r3].map((r) => (r.ok ? "written" : r.error))).toEqual(
      Array.from({ length: 30 }, () => "written"),
    );
    expect(await countRedemptions(target.couponId)).toBe(30);
    expect(await redisUses(target.couponId)).toBe(30);
  }, 60_000);

  it("while every connection of the gate-write pool is taken, an approved redeem or lock gives up within the queue limit: nothing written, uses given back", async () => {
    const target = await makeCoupon({});
    expect((await redeem(checkout(target.code), `conn-warm-${target.couponId}`)).ok).toBe(true);
    // The pool the approved writes use (made by the redeem above; the argument only matters on creation).
    const pool = getGateWriteDb(GATE_WRITE_DEADLINE_MS).$client;
    const held = await Promise.all(Array.from({ length: pool.options.max }, () => pool.reserve()));
    // Given back after the deadline: a write that waited for one of them would land too late.
    const releasing = pause(GATE_WRITE_DEADLINE_MS + 500).then(() =>
      held.forEach((connection) => connection.release()),
    );
    try {
      const settle = (p: Promise<unknown>) =>
        p.then(
          () => "written",
          (error: unknown) => error,
        );
      const [redeemed, locked] = await Promise.all([
        settle(redeemCheckout(checkout(target.code), caller(`conn-redeem-${target.couponId}`))),
        settle(
          lockCheckout(
            { codes: [target.code], cart, idempotencyKey: randomUUID() },
            caller(`conn-lock-${target.couponId}`),
          ),
        ),
      ]);
      expect(redeemed).toBeInstanceOf(DependencyUnavailableError);
      expect(locked).toBeInstanceOf(DependencyUnavailableError);
    } finally {
      await releasing;
    }
    expect(await countRedemptions(target.couponId)).toBe(1);
    expect(await redisUses(target.couponId)).toBe(1);
    // With connections free again, the same kind of call goes through.
    expect((await redeem(checkout(target.code), `conn-after-${target.couponId}`)).ok).toBe(true);
    expect(await redisUses(target.couponId)).toBe(2);
  }, 60_000);

  it("double submits (the same key twice, concurrently, 100 customers) on maxRedemptions 30: one execution per key, both submits get the same answer", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 30 });
    const customers = Array.from({ length: 100 }, (_, i) => `double-${couponId}-${i}`);
    const inputs = customers.map(() => checkout(code));
    // Each customer's second submit arrives a little after the first, in the same batch or the next one.
    const firsts = customers.map((customer, i) => redeem(inputs[i]!, customer));
    await new Promise((resolve) => setImmediate(resolve));
    const seconds = customers.map((customer, i) => redeem(inputs[i]!, customer));
    const [a, b] = await Promise.all([Promise.all(firsts), Promise.all(seconds)]);
    a.forEach((first, i) => expect(b[i]).toEqual(first));
    expect(a.filter((r) => r.ok)).toHaveLength(30);
    expect(await countRedemptions(couponId)).toBe(30);
    expect(await redisUses(couponId)).toBe(30);
  }, 60_000);
});

describe("checkout.validate with the Redis gate", () => {
  it("reads usage from the gate while it holds the coupon's state, and from Postgres when it does not", async () => {
    const target = await makeCoupon({ maxRedemptions: 3, maxRedemptionsPerUser: 1 });
    const who = (name: string) => `validate-${name}-${target.couponId}`;
    const validate = async (customer: string) => {
      const quote = await validateCheckout({ codes: [target.code], cart }, caller(who(customer)));
      return quote.rejected[0]?.reason ?? (quote.applied.length === 1 ? "APPLIED" : "NOTHING");
    };
    // Two redemptions through the gate (which loads its state for the coupon).
    expect((await redeem(checkout(target.code), who("a"))).ok).toBe(true);
    expect((await redeem(checkout(target.code), who("b"))).ok).toBe(true);
    expect(await validate("a")).toBe("USER_LIMIT_REACHED");
    expect(await validate("c")).toBe("APPLIED");

    // A third redemption written behind the gate's back: Postgres has the coupon sold out, the gate still counts 2.
    await getDb()
      .insert(redemptions)
      .values({
        couponId: target.couponId,
        codeId: target.codeId,
        customerId: who("e"),
        orderId: `behind-${randomUUID()}`,
        amount: 100,
        currency: "USD",
        perUserUnique: true,
        codeSingleUse: false,
      });
    expect(await validate("c")).toBe("APPLIED");
    expect(await validate("e")).toBe("APPLIED");

    // Without the gate's state (as after a flush), validate counts in Postgres, and has the state rebuilt
    // from Postgres in the background (3 of 3 now).
    await dropCouponState(redis, target.couponId);
    expect(await validate("c")).toBe("EXHAUSTED");
    expect(await validate("e")).toBe("EXHAUSTED");
    await expect.poll(() => redisUses(target.couponId), { timeout: 15_000, interval: 50 }).toBe(3);

    // The gate now agrees with Postgres: validate (from the gate) and lock both refuse.
    expect(await validate("c")).toBe("EXHAUSTED");
    await expect(
      lockCheckout({ codes: [target.code], cart, idempotencyKey: randomUUID() }, caller(who("d"))),
    ).rejects.toBeInstanceOf(CheckoutRejectedError);
    expect(await redisUses(target.couponId)).toBe(3);
  }, 60_000);
});
