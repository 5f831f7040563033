import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { sql } from "drizzle-orm";
import IORedis from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedisServer } from "@/tools/local-redis";
import { startUpstashBridge } from "@/tools/upstash-bridge/server";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { DRAIN_MS, resetBreaker } from "@/server/redis/circuit-breaker";
import { reserveUses } from "@/server/redis/gate";
import { CheckoutRejectedError, IdempotencyMismatchError } from "./errors";
import { lockCheckout } from "./lock-checkout";
import { reconcileGate } from "./reconcile-gate";
import { setCouponStatus } from "./set-coupon-status";
import { redeemCheckout } from "./redeem-checkout";
import { unlockCheckout } from "./unlock-checkout";
import { voidRedemption } from "./void-redemption";
import { countRedemptions, gateUsesInRedis, makeTestCoupon, TEST_CART, testCaller } from "./gate-test-fixtures";

type Mode = "redis" | "postgres";
const globals = globalThis as unknown as { couponRedis?: Redis | null; couponLimiters?: unknown };

// This file owns a redis-server of its own: it flushes and kills it.
let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;
let redis: Redis;
let raw: IORedis;
let adminId: string;
const TOKEN = "gate-test-token";

beforeAll(async () => {
  redisServer = await startRedisServer();
  bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN });
  redis = new Redis({
    url: bridge.url,
    token: TOKEN,
    enableAutoPipelining: true,
    retry: { retries: 1, backoff: () => 20 },
  });
  raw = new IORedis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  raw.on("error", () => {}); // expected while the test has redis-server killed
  adminId = (await findUserByEmail(getDb(), "admin@demo.test"))!.id;
});

afterAll(async () => {
  raw.disconnect();
  await bridge.close();
  await redisServer.stop();
});

function useMode(mode: Mode) {
  globals.couponRedis = mode === "redis" ? redis : null;
  globals.couponLimiters = undefined;
  resetBreaker();
}

const cart = TEST_CART;
const makeCoupon = (
  rules: Record<string, unknown>,
  code: { kind?: "SHARED" | "UNIQUE"; maxRedemptions?: number } = {},
) => makeTestCoupon(adminId, "GATE", rules, code);
const caller = (id: string) => testCaller(id, 77);

async function redeem(code: string, customerId: string, key = randomUUID()) {
  try {
    const result = await redeemCheckout(
      { codes: [code], cart, orderId: `order-${randomUUID()}`, idempotencyKey: key },
      caller(customerId),
    );
    return { ok: true as const, result };
  } catch (error) {
    if (error instanceof CheckoutRejectedError) return { ok: false as const, reason: error.rejected[0]?.reason };
    throw error;
  }
}

const redisUses = (couponId: string) => gateUsesInRedis(redis, couponId);

describe.each<Mode>(["redis", "postgres"])("%s gate", (mode) => {
  beforeEach(() => useMode(mode));

  it("2,000 concurrent redeems by distinct users on maxRedemptions 100: exactly 100 succeed", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 100 });
    const results = await Promise.all(Array.from({ length: 2_000 }, (_, i) => redeem(code, `flash-${mode}-${i}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(new Set(results.filter((r) => !r.ok).map((r) => r.reason))).toEqual(new Set(["EXHAUSTED"]));
    expect(await countRedemptions(couponId)).toBe(100);
    if (mode === "redis") expect(await redisUses(couponId)).toBe(100);
  }, 120_000);

  it("one user, 20 concurrent calls, per-user limit 1: exactly one succeeds", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptionsPerUser: 1 });
    const results = await Promise.all(Array.from({ length: 20 }, () => redeem(code, `solo-${mode}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => r.reason === "USER_LIMIT_REACHED")).toBe(true);
    expect(await countRedemptions(couponId)).toBe(1);
  });

  it("a single-use code raced by 50 users: exactly one succeeds", async () => {
    const { couponId, code } = await makeCoupon({}, { kind: "SHARED", maxRedemptions: 1 });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => redeem(code, `racer-${mode}-${i}`)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => r.reason === "ALREADY_REDEEMED" || r.reason === "LOCKED")).toBe(
      true,
    );
    expect(await countRedemptions(couponId)).toBe(1);
  });

  it("never spends more than the budget", async () => {
    const { couponId, code } = await makeCoupon({ kind: "FIXED", value: 700, budget: 5_000 });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => redeem(code, `budget-${mode}-${i}`)));
    const [row] = await getDb().execute<{ spent: number }>(
      sql`select coalesce(sum(amount), 0)::int as spent from redemptions where coupon_id = ${couponId}`,
    );
    expect(row!.spent).toBeLessThanOrEqual(5_000);
    // 7 x 700 = 4,900; an 8th quoted after those is capped to the last 100 (racing quotes may miss it).
    expect([4_900, 5_000]).toContain(row!.spent);
    expect(results.filter((r) => r.ok)).toHaveLength(row!.spent === 5_000 ? 8 : 7);
  });

  it("locks reserve, unlock and expiry give uses back, redeem after expiry fails cleanly", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 1 });
    const first = await lockCheckout(
      { codes: [code], cart, idempotencyKey: randomUUID() },
      caller(`locker-a-${mode}`),
      { ttlMs: 400 },
    );
    // Held by a live lock: a second checkout is refused.
    await expect(
      lockCheckout({ codes: [code], cart, idempotencyKey: randomUUID() }, caller(`locker-b-${mode}`)),
    ).rejects.toMatchObject({ rejected: [expect.objectContaining({ reason: "EXHAUSTED" })] });
    expect(await unlockCheckout({ lockId: first.lockId }, caller(`locker-a-${mode}`))).toEqual({ released: true });
    expect(await unlockCheckout({ lockId: first.lockId }, caller(`locker-a-${mode}`))).toEqual({ released: false });

    const second = await lockCheckout(
      { codes: [code], cart, idempotencyKey: randomUUID() },
      caller(`locker-b-${mode}`),
      { ttlMs: 300 },
    );
    await new Promise((resolve) => setTimeout(resolve, 600));
    await expect(
      redeemCheckout(
        { lockId: second.lockId, orderId: "late-order", idempotencyKey: randomUUID() },
        caller(`locker-b-${mode}`),
      ),
    ).rejects.toMatchObject({
      rejected: [expect.objectContaining({ reason: "EXPIRED" })],
    });
    // The expired lock's use came back: another shopper can lock and redeem.
    const third = await lockCheckout({ codes: [code], cart, idempotencyKey: randomUUID() }, caller(`locker-c-${mode}`));
    const redeemed = await redeemCheckout(
      { lockId: third.lockId, orderId: `o-${randomUUID()}`, idempotencyKey: randomUUID() },
      caller(`locker-c-${mode}`),
    );
    expect(redeemed.redemptions).toHaveLength(1);
    expect(await countRedemptions(couponId)).toBe(1);
  });

  it("10 concurrent identical redeem calls with one idempotency key: one redemption, one answer", async () => {
    const { couponId, code } = await makeCoupon({});
    const key = randomUUID();
    const input = { codes: [code], cart, orderId: `idem-${randomUUID()}`, idempotencyKey: key };
    const answers = await Promise.all(Array.from({ length: 10 }, () => redeemCheckout(input, caller(`idem-${mode}`))));
    expect(await countRedemptions(couponId)).toBe(1);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    await expect(redeemCheckout({ ...input, orderId: "another-order" }, caller(`idem-${mode}`))).rejects.toBeInstanceOf(
      IdempotencyMismatchError,
    );
  });

  it("a coupon disabled by an admin is refused at once, and works again when re-enabled", async () => {
    const target = await makeCoupon({});
    expect((await redeem(target.code, `before-disable-${mode}`)).ok).toBe(true);
    await setCouponStatus({ id: target.couponId, status: "DISABLED" }, { userId: adminId });
    expect(await redeem(target.code, `after-disable-${mode}`)).toEqual({ ok: false, reason: "DISABLED" });
    await setCouponStatus({ id: target.couponId, status: "ACTIVE" }, { userId: adminId });
    expect((await redeem(target.code, `re-enabled-${mode}`)).ok).toBe(true);
  });

  it("void gives the use back or not, per the coupon's setting", async () => {
    const giving = await makeCoupon({ maxRedemptions: 1 });
    const keeping = await makeCoupon({ maxRedemptions: 1, voidRestoresUses: false });
    for (const target of [giving, keeping]) {
      const done = await redeem(target.code, `voider-${mode}`);
      expect(done.ok).toBe(true);
      const redemptionId = done.ok ? done.result.redemptions[0]!.id : "";
      const result = await voidRedemption({ redemptionId, reason: "order cancelled" });
      expect(result.voided).toEqual([{ id: redemptionId, usesRestored: target === giving }]);
      expect(await voidRedemption({ redemptionId, reason: "again" })).toEqual({ voided: [] });
    }
    expect((await redeem(giving.code, `after-void-${mode}`)).ok).toBe(true);
    expect(await redeem(keeping.code, `after-void-${mode}`)).toEqual({ ok: false, reason: "EXHAUSTED" });
  });

  it("a void raced 10 times, and one retried 5 times with its key, each gives its use back exactly once", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 3 });
    const ids: string[] = [];
    // One shopper (no per-user limit), so every counter a restore lowers is above zero.
    for (let i = 0; i < 3; i += 1) {
      const done = await redeem(code, `void-race-${mode}`);
      ids.push(done.ok ? done.result.redemptions[0]!.id : "");
    }
    expect(await redeem(code, `void-race-d-${mode}`)).toEqual({ ok: false, reason: "EXHAUSTED" });
    const actor = { userId: adminId };

    // Ten admins void the same redemption at once: one update voids it, the others find nothing live.
    const raced = await Promise.all(
      Array.from({ length: 10 }, () => voidRedemption({ redemptionId: ids[0]!, reason: "raced" }, actor)),
    );
    expect(raced.filter((r) => r.voided.length > 0)).toEqual([{ voided: [{ id: ids[0], usesRestored: true }] }]);

    // A void with a key and 5 retries of it at once: one runs, the others replay its answer and give nothing back.
    const input = { redemptionId: ids[1]!, reason: "retried", idempotencyKey: `void-${randomUUID()}` };
    const answers = await Promise.all(Array.from({ length: 6 }, () => voidRedemption(input, actor)));
    expect(answers).toEqual(Array.from({ length: 6 }, () => ({ voided: [{ id: ids[1], usesRestored: true }] })));
    expect(await voidRedemption(input, actor)).toEqual(answers[0]);

    expect(await countRedemptions(couponId)).toBe(1);
    if (mode === "redis") expect(await redisUses(couponId)).toBe(1);
    // Two uses came back: two more redemptions, then the coupon is exhausted again.
    expect((await redeem(code, `void-race-e-${mode}`)).ok).toBe(true);
    expect((await redeem(code, `void-race-f-${mode}`)).ok).toBe(true);
    expect(await redeem(code, `void-race-g-${mode}`)).toEqual({ ok: false, reason: "EXHAUSTED" });
    if (mode === "redis") expect(await redisUses(couponId)).toBe(3);
  });
});

describe("faults of the Redis gate", () => {
  beforeEach(() => useMode("redis"));

  it("Redis flushed in the middle of a run: no oversell, state rebuilt from Postgres", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 60 });
    const first = await Promise.all(Array.from({ length: 40 }, (_, i) => redeem(code, `pre-flush-${i}`)));
    expect(first.filter((r) => r.ok)).toHaveLength(40);
    const racing = Promise.all(Array.from({ length: 200 }, (_, i) => redeem(code, `around-flush-${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await raw.flushall();
    const results = await racing;
    expect(results.filter((r) => r.ok)).toHaveLength(20);
    expect(await countRedemptions(couponId)).toBe(60);
    expect(await redisUses(couponId)).toBe(60);
  }, 60_000);

  it("redis-server killed mid-run: the Postgres gate takes over without oversell; state rebuilt when it is back", async () => {
    const { couponId, code } = await makeCoupon({ maxRedemptions: 50 });
    const first = await Promise.all(Array.from({ length: 20 }, (_, i) => redeem(code, `pre-kill-${i}`)));
    expect(first.filter((r) => r.ok)).toHaveLength(20);
    const port = redisServer.port;
    const racing = Promise.all(Array.from({ length: 150 }, (_, i) => redeem(code, `around-kill-${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 5));
    await redisServer.stop();
    const results = await racing;
    expect(results.filter((r) => r.ok)).toHaveLength(30);
    expect(await countRedemptions(couponId)).toBe(50);

    redisServer = await startRedisServer({ port });
    raw.disconnect();
    raw = new IORedis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    raw.on("error", () => {}); // expected while the test has redis-server killed
    // The breaker probes, wipes and trusts Redis again; the state is rebuilt from Postgres on use.
    await expect
      .poll(async () => (await redeem(code, "after-restart")).ok === false && (await redisUses(couponId)) === 50, {
        timeout: 20_000,
        interval: 250,
      })
      .toBe(true);
    expect(await countRedemptions(couponId)).toBe(50);
  }, 90_000);

  it("the process dies between the gate's decision and the Postgres write: reconciliation gives the use back", async () => {
    const { couponId, code, codeId } = await makeCoupon({ maxRedemptions: 5 });
    expect((await redeem(code, "warm-up")).ok).toBe(true);
    // The gate decides, and then nothing is written (as if the process died right there).
    const [coupon] = await getDb().execute<{ version: number }>(
      sql`select version from coupons where id = ${couponId}`,
    );
    const orphan = await reserveUses(redis, {
      mode: "redeem",
      lockId: randomUUID(),
      customerId: "ghost",
      ttlMs: 60_000,
      items: [
        {
          couponId,
          codeId,
          amount: 100,
          expectedVersion: coupon!.version,
          limits: { maxRedemptions: 5, maxPerUser: null, budget: null, codeMax: null },
        },
      ],
    });
    expect(orphan.ok).toBe(true);
    expect(await redisUses(couponId)).toBe(2);
    const firstPass = await reconcileGate();
    expect(firstPass.suspected).toContain(couponId);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS + 100));
    const secondPass = await reconcileGate();
    expect(secondPass.repaired).toContain(couponId);
    expect(await redisUses(couponId)).toBe(1);
    const repairs = await getDb().execute<{ kind: string }>(
      sql`select kind from gate_repairs where coupon_id = ${couponId} order by created_at`,
    );
    expect(repairs.map((r) => r.kind)).toContain("drift-rebuild");
  }, 30_000);
});
