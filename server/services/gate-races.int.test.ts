import { randomUUID } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { lockCouponsForDecision } from "@/server/db/queries/gate-records";
import { env } from "@/server/env";
import { GATE_WRITE_DEADLINE_MS, resetBreaker } from "@/server/redis/circuit-breaker";
import { createRedis } from "@/server/redis/client";
import { startRedisServer } from "@/tools/local-redis";
import { startUpstashBridge } from "@/tools/upstash-bridge/server";
import { CheckoutRejectedError, DependencyUnavailableError } from "./errors";
import { countRedemptions, gateUsesInRedis, makeTestCoupon, TEST_CART, testCaller } from "./gate-test-fixtures";
import { lockCheckout } from "./lock-checkout";
import { redeemCheckout } from "./redeem-checkout";
import { unlockCheckout } from "./unlock-checkout";

// Races of the gate that a plain load test does not reach: lock hoarding, a Postgres-gate decision that
// waits past its deadline, lock expiry judged late in a transaction, and a write whose answer is lost
// after COMMIT. Real Postgres, real Redis (own redis-server behind the bridge).

// Not a mock of the database: the real statement runs; a flagged call then fails as if the connection
// had dropped after COMMIT (the answer lost, the rows in).
const loseAnswer = { redemptions: false, lock: false };
const connectionLost = () =>
  Object.assign(new Error("write CONNECTION_CLOSED 127.0.0.1:5432"), { code: "CONNECTION_CLOSED" });
vi.mock("@/server/db/queries/gate-records", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/server/db/queries/gate-records")>();
  return {
    ...actual,
    insertRedemptionsAnswered: vi.fn(async (...args: Parameters<typeof actual.insertRedemptionsAnswered>) => {
      await actual.insertRedemptionsAnswered(...args);
      if (loseAnswer.redemptions) throw connectionLost();
    }),
    insertLockAnswered: vi.fn(async (...args: Parameters<typeof actual.insertLockAnswered>) => {
      await actual.insertLockAnswered(...args);
      if (loseAnswer.lock) throw connectionLost();
    }),
  };
});

type Mode = "redis" | "postgres";
const globals = globalThis as unknown as { couponRedis?: Redis | null; couponLimiters?: unknown };
const TOKEN = "gate-races-test-token";

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

function useMode(mode: Mode) {
  globals.couponRedis = mode === "redis" ? redis : null;
  globals.couponLimiters = undefined;
  resetBreaker();
  loseAnswer.redemptions = false;
  loseAnswer.lock = false;
}

const cart = TEST_CART;
const makeCoupon = (rules: Record<string, unknown>) => makeTestCoupon(adminId, "RACE", rules);
const caller = (id: string) => testCaller(id, 99);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lock = (code: string, customerId: string, ttlMs?: number) =>
  lockCheckout({ codes: [code], cart, idempotencyKey: randomUUID() }, caller(customerId), { ttlMs });
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

/** Live locks of a customer, as Postgres has them. */
async function liveLocks(customerId: string): Promise<number> {
  const [row] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from locks where customer_id = ${customerId} and status = 'ACTIVE' and expires_at > clock_timestamp()`,
  );
  return row!.n;
}

/** Holds the coupon's Postgres-gate lock (as a slow decision would) until `release` resolves. */
async function holdCouponDecision(couponId: string, release: Promise<unknown>) {
  let held!: () => void;
  const holding = new Promise<void>((resolve) => (held = resolve));
  const done = getDb().transaction(async (tx) => {
    await lockCouponsForDecision(tx, [couponId]);
    held();
    await release;
  });
  await holding;
  return { done };
}

describe.each<Mode>(["redis", "postgres"])("lock hoarding (%s gate)", (mode) => {
  beforeEach(() => useMode(mode));

  it("a shopper holds at most MAX_LIVE_LOCKS_PER_CUSTOMER live locks per coupon: the next is refused LOCKED, an unlock makes room", async () => {
    expect(env().MAX_LIVE_LOCKS_PER_CUSTOMER).toBe(1);
    const { code } = await makeCoupon({});
    const shopper = `hoarder-${mode}-${randomUUID()}`;
    const first = await lock(code, shopper);
    const second = await settle(lock(code, shopper));
    expect(second.ok).toBe(false);
    const refusal = !second.ok ? second.error : null;
    expect(refusal).toBeInstanceOf(CheckoutRejectedError);
    expect(refusal).toMatchObject({
      rejected: [{ code, reason: "LOCKED", message: expect.stringContaining("already hold a lock") }],
    });
    // Another shopper is not affected.
    expect((await settle(lock(code, `other-${shopper}`))).ok).toBe(true);
    expect(await unlockCheckout({ lockId: first.lockId }, caller(shopper))).toEqual({ released: true });
    expect((await settle(lock(code, shopper))).ok).toBe(true);
    expect(await liveLocks(shopper)).toBe(1);
  });

  it("50 parallel locks by one shopper on one coupon: exactly one live lock", async () => {
    const { code } = await makeCoupon({});
    const shopper = `swarm-${mode}-${randomUUID()}`;
    const results = await Promise.all(Array.from({ length: 50 }, () => settle(lock(code, shopper))));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results.filter((r) => !r.ok))
      expect(!r.ok && r.error).toMatchObject({ rejected: [{ reason: "LOCKED" }] });
    expect(await liveLocks(shopper)).toBe(1);
  });

  it("an expired lock no longer counts", async () => {
    const { code } = await makeCoupon({});
    const shopper = `expiring-${mode}-${randomUUID()}`;
    await lock(code, shopper, 300);
    await pause(600);
    expect((await settle(lock(code, shopper))).ok).toBe(true);
  });
});

describe("postgres gate: deadline and clock", () => {
  beforeEach(() => useMode("postgres"));

  it("a decision that cannot finish within the write deadline reserves nothing (503), even when it could commit later", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 10 });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { done: holder } = await holdCouponDecision(couponId, released);
    const redeeming = settle(
      redeemCheckout(
        { codes: [code], cart, orderId: `late-${randomUUID()}`, idempotencyKey: randomUUID() },
        caller(`late-${randomUUID()}`),
      ),
    );
    // Held past the deadline: a Redis rebuild after a recovery may have taken its snapshot by then.
    await pause(GATE_WRITE_DEADLINE_MS + 500);
    release();
    await holder;
    const result = await redeeming;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(DependencyUnavailableError);
    expect(await countRedemptions(couponId)).toBe(0);
  });

  it("a lock that expires while its redeem waits for the coupon is judged expired (the clock at the check, not the transaction's start)", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 10 });
    const shopper = `clock-${randomUUID()}`;
    const locked = await lock(code, shopper, 700);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const { done: holder } = await holdCouponDecision(couponId, released);
    // The redeem's transaction begins now, before the expiry, and waits for the coupon past it.
    const redeeming = settle(
      redeemCheckout(
        { lockId: locked.lockId, orderId: `o-${randomUUID()}`, idempotencyKey: randomUUID() },
        caller(shopper),
      ),
    );
    await pause(1_200);
    release();
    await holder;
    const result = await redeeming;
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ rejected: [{ reason: "EXPIRED" }] });
    expect(await countRedemptions(couponId)).toBe(0);
  });
});

describe("redis gate: a write whose answer is lost after COMMIT", () => {
  beforeEach(() => useMode("redis"));

  it("a redemption that landed keeps its use (not given back) and is answered as done", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 5 });
    const warm = await redeemCheckout(
      { codes: [code], cart, orderId: `warm-${randomUUID()}`, idempotencyKey: randomUUID() },
      caller(`warm-${randomUUID()}`),
    );
    expect(warm.redemptions).toHaveLength(1);
    loseAnswer.redemptions = true;
    const result = await settle(
      redeemCheckout(
        { codes: [code], cart, orderId: `lost-${randomUUID()}`, idempotencyKey: randomUUID() },
        caller(`lost-${randomUUID()}`),
      ),
    );
    loseAnswer.redemptions = false;
    expect(await countRedemptions(couponId)).toBe(2);
    // The gate still counts the use Postgres has: giving it back would let a 6th redemption through.
    expect(await gateUsesInRedis(redis, couponId)).toBe(2);
    expect(result.ok).toBe(true);
  });

  it("a lock that landed keeps its reservation", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 5 });
    await redeemCheckout(
      { codes: [code], cart, orderId: `warm-${randomUUID()}`, idempotencyKey: randomUUID() },
      caller(`warm-${randomUUID()}`),
    );
    loseAnswer.lock = true;
    const shopper = `lost-lock-${randomUUID()}`;
    const result = await settle(lock(code, shopper));
    loseAnswer.lock = false;
    expect(await liveLocks(shopper)).toBe(1);
    expect(await gateUsesInRedis(redis, couponId)).toBe(2);
    expect(result.ok).toBe(true);
  });
});
