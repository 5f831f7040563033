import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { beforeAll, describe, expect, it } from "vitest";
import { gateGeneration } from "../circuit-breaker";
import { createRedisHttpRequester } from "../client";
import {
  beginRebuild,
  commitLock,
  dropCouponState,
  dropStaleState,
  finishRebuild,
  gateKeys,
  listGateCouponIds,
  loadRebuildChunk,
  readUsage,
  reclaimExpiredLocks,
  releaseLock,
  reserveUses,
  restoreUses,
  setCouponLiveStatus,
  type GateLimits,
  type ReserveItem,
  type ReserveResult,
} from "./index";

// The gate against the real redis-server behind the Upstash bridge (globalSetup), through the real
// @upstash/redis client. Races are real: hundreds of concurrent HTTP requests, one script each.

let redis: Redis;
/** One HTTP request per call, so racing calls really arrive concurrently (not one client pipeline). */
let racer: Redis;

beforeAll(() => {
  const url = process.env.UPSTASH_REDIS_REST_URL;
  const token = process.env.UPSTASH_REDIS_REST_TOKEN;
  if (!url || !token) throw new Error("integration globalSetup did not provide UPSTASH_REDIS_REST_URL/TOKEN");
  redis = new Redis({ url, token, enableTelemetry: false });
  racer = new Redis({ url, token, enableTelemetry: false, enableAutoPipelining: false });
});

const NO_LIMITS: GateLimits = { maxRedemptions: null, maxPerUser: null, budget: null, codeMax: null };

/** A coupon whose gate state went through the real rebuild protocol (empty counters). */
async function loadedCoupon(
  opts: { version?: number; epoch?: string } = {},
): Promise<{ couponId: string; epoch: string }> {
  const couponId = randomUUID();
  const epoch = opts.epoch ?? `ep-${randomUUID()}`;
  const token = randomUUID();
  expect(await beginRebuild(redis, couponId, token)).toEqual({ won: true });
  expect(
    await finishRebuild(redis, couponId, token, {
      epoch,
      status: "ACTIVE",
      version: opts.version ?? 1,
      uses: 0,
      spent: 0,
    }),
  ).toEqual({ ok: true });
  return { couponId, epoch };
}

function item(
  couponId: string,
  over: Partial<Omit<ReserveItem, "limits">> & { limits?: Partial<GateLimits> } = {},
): ReserveItem {
  return {
    couponId,
    codeId: over.codeId ?? "code-1",
    amount: over.amount ?? 100,
    expectedVersion: over.expectedVersion ?? 1,
    limits: { ...NO_LIMITS, ...over.limits },
  };
}

function lock(items: ReserveItem[], customerId: string = randomUUID(), ttlMs = 60_000, client = racer) {
  return reserveUses(client, { mode: "lock", lockId: randomUUID(), customerId, ttlMs, items });
}

async function usage(couponId: string, codeIds: string[] = ["code-1"], customerId: string | null = null) {
  const [row] = await readUsage(redis, [{ couponId, codeIds, customerId }]);
  if (!row) throw new Error("readUsage returned no row");
  return row;
}

/** Raw counters, bypassing readUsage (which would reclaim first). */
async function rawState(couponId: string) {
  const [state, users, codes, locks] = await Promise.all([
    redis.hgetall<Record<string, unknown>>(gateKeys.state(couponId)),
    redis.hgetall<Record<string, unknown>>(gateKeys.users(couponId)),
    redis.hgetall<Record<string, unknown>>(gateKeys.codes(couponId)),
    redis.zcard(gateKeys.locks(couponId)),
  ]);
  return {
    uses: Number(state?.uses ?? 0),
    spent: Number(state?.spent ?? 0),
    users: users ?? {},
    codes: codes ?? {},
    locks,
  };
}

function reasons(results: ReserveResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = r.ok ? "OK" : "failures" in r ? r.failures.map((f) => f.reason).join("+") : "NOT_LOADED";
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("reserveUses under real concurrency", () => {
  it("maxRedemptions 100 raced by 2,000 distinct customers: exactly 100 win", async () => {
    const { couponId } = await loadedCoupon();
    const results = await Promise.all(
      Array.from({ length: 2_000 }, (_, i) =>
        lock([item(couponId, { codeId: "shared", limits: { maxRedemptions: 100 } })], `cust-${i}`),
      ),
    );
    expect(reasons(results)).toEqual({ OK: 100, EXHAUSTED: 1_900 });
    const raw = await rawState(couponId);
    expect(raw.uses).toBe(100);
    expect(raw.locks).toBe(100);
    expect(Object.keys(raw.users)).toHaveLength(100);
    expect(raw.codes).toEqual({ shared: 100, "shared:l": 100 });
  });

  it("per-user limit 1 raced by 20 calls of one customer: exactly 1 wins", async () => {
    const { couponId } = await loadedCoupon();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        reserveUses(racer, {
          mode: "redeem",
          lockId: randomUUID(),
          customerId: "alice",
          ttlMs: 60_000,
          items: [item(couponId, { limits: { maxPerUser: 1 } })],
        }),
      ),
    );
    expect(reasons(results)).toEqual({ OK: 1, USER_LIMIT_REACHED: 19 });
    expect((await usage(couponId, [], "alice")).customerUses).toBe(1);
  });

  it("a single-use code raced by 50 customers: exactly 1 wins, the rest see LOCKED, then ALREADY_REDEEMED", async () => {
    const { couponId } = await loadedCoupon();
    const single = () => item(couponId, { codeId: "UNIQ", limits: { codeMax: 1 } });
    const lockIds = Array.from({ length: 50 }, () => randomUUID());
    const results = await Promise.all(
      lockIds.map((lockId, i) =>
        reserveUses(racer, { mode: "lock", lockId, customerId: `c${i}`, ttlMs: 60_000, items: [single()] }),
      ),
    );
    expect(reasons(results)).toEqual({ OK: 1, LOCKED: 49 });
    const winner = lockIds[results.findIndex((r) => r.ok)] ?? "";
    const committed = await commitLock(redis, { lockId: winner, couponIds: [couponId] });
    expect(committed.ok).toBe(true);

    const again = await Promise.all(Array.from({ length: 50 }, (_, i) => lock([single()], `d${i}`)));
    expect(reasons(again)).toEqual({ ALREADY_REDEEMED: 50 });
    expect((await usage(couponId, ["UNIQ"])).codes).toEqual({ UNIQ: { used: 1, locked: 0 } });
  });

  it("a multi-use code (codeMax 3) runs out as EXHAUSTED", async () => {
    const { couponId } = await loadedCoupon();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => lock([item(couponId, { codeId: "GIFT", limits: { codeMax: 3 } })], `g${i}`)),
    );
    expect(reasons(results)).toEqual({ OK: 3, EXHAUSTED: 27 });
  });

  it("the budget is never exceeded with random amounts", async () => {
    const { couponId } = await loadedCoupon();
    const budget = 10_000;
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const amounts = Array.from({ length: 500 }, () => 1 + Math.floor(random() * 200));
    const results = await Promise.all(
      amounts.map((amount, i) => lock([item(couponId, { amount, limits: { budget } })], `b${i}`)),
    );
    const okSum = amounts.reduce((sum, amount, i) => sum + (results[i]?.ok ? amount : 0), 0);
    const raw = await rawState(couponId);
    expect(raw.spent).toBe(okSum);
    expect(raw.spent).toBeLessThanOrEqual(budget);
    expect(raw.uses).toBe(results.filter((r) => r.ok).length);
    // spent only grows here, so every refusal saw at most the final spent: its amount must not have fit.
    results.forEach((r, i) => {
      if (!r.ok) {
        expect(r).toEqual({ ok: false, failures: [{ index: 0, reason: "EXHAUSTED" }] });
        expect(amounts[i]).toBeGreaterThan(budget - raw.spent);
      }
    });
    expect(budget - raw.spent).toBeLessThan(200);
  });

  it("is all-or-nothing across coupons", async () => {
    const a = await loadedCoupon();
    const b = await loadedCoupon();
    const result = await lock(
      [item(a.couponId, { limits: { maxRedemptions: 10 } }), item(b.couponId, { limits: { maxRedemptions: 0 } })],
      "shopper",
    );
    expect(result).toEqual({ ok: false, failures: [{ index: 1, reason: "EXHAUSTED" }] });
    expect(await rawState(a.couponId)).toEqual({ uses: 0, spent: 0, users: {}, codes: {}, locks: 0 });

    // Raced: carts hold both coupons; the tighter one (30) bounds both.
    const c = await loadedCoupon();
    const d = await loadedCoupon();
    const carts = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        lock(
          [item(c.couponId, { limits: { maxRedemptions: 50 } }), item(d.couponId, { limits: { maxRedemptions: 30 } })],
          `cart-${i}`,
        ),
      ),
    );
    expect(reasons(carts)).toEqual({ OK: 30, EXHAUSTED: 170 });
    expect((await rawState(c.couponId)).uses).toBe(30);
    expect((await rawState(d.couponId)).uses).toBe(30);
    const ok = carts.find((r) => r.ok);
    expect(ok).toEqual({ ok: true, epochs: [c.epoch, d.epoch], expiresAtMs: expect.any(Number) });
  });

  it("reports every failing item, and STALE_RULES / DISABLED before limits", async () => {
    const a = await loadedCoupon({ version: 3 });
    const b = await loadedCoupon();
    expect(await setCouponLiveStatus(redis, b.couponId, { status: "DISABLED", version: 2 })).toEqual({ applied: true });
    const result = await lock([
      item(a.couponId, { expectedVersion: 2 }),
      item(b.couponId, { expectedVersion: 2, limits: { maxRedemptions: 0 } }),
    ]);
    expect(result).toEqual({
      ok: false,
      failures: [
        { index: 0, reason: "STALE_RULES" },
        { index: 1, reason: "DISABLED" },
      ],
    });
    expect(await lock([item(a.couponId, { expectedVersion: 3 })])).toMatchObject({ ok: true });
  });
});

describe("rules write-through", () => {
  it("STALE_RULES until the new version is written through; versions only move forward", async () => {
    const { couponId } = await loadedCoupon();
    expect(await lock([item(couponId, { expectedVersion: 2 })])).toEqual({
      ok: false,
      failures: [{ index: 0, reason: "STALE_RULES" }],
    });
    expect(await setCouponLiveStatus(redis, couponId, { status: "ACTIVE", version: 2 })).toEqual({ applied: true });
    expect(await lock([item(couponId, { expectedVersion: 2 })])).toMatchObject({ ok: true });
    expect(await setCouponLiveStatus(redis, couponId, { status: "DISABLED", version: 1 })).toEqual({ applied: false });
    expect(await setCouponLiveStatus(redis, couponId, { status: "ARCHIVED", version: 3 })).toEqual({ applied: true });
    expect(await lock([item(couponId, { expectedVersion: 3 })])).toEqual({
      ok: false,
      failures: [{ index: 0, reason: "DISABLED" }],
    });
    expect(await usage(couponId)).toMatchObject({ status: "ARCHIVED", version: 3, uses: 1 });
    // No state at all: nothing to write through (the next rebuild reads Postgres).
    const ghost = randomUUID();
    expect(await setCouponLiveStatus(redis, ghost, { status: "DISABLED", version: 9 })).toEqual({ applied: false });
    expect(await redis.exists(gateKeys.state(ghost))).toBe(0);
  });
});

describe("locks: expiry, commit, release", () => {
  it("an expired lock gives its reservation back to the next reserve; committing it answers EXPIRED", async () => {
    const { couponId } = await loadedCoupon();
    const limits = { maxRedemptions: 1, maxPerUser: 1, codeMax: 1 };
    const lockId = randomUUID();
    expect(
      await reserveUses(redis, {
        mode: "lock",
        lockId,
        customerId: "alice",
        ttlMs: 1_000,
        items: [item(couponId, { amount: 250, limits })],
      }),
    ).toMatchObject({ ok: true });
    expect(await lock([item(couponId, { limits })], "alice")).toEqual({
      ok: false,
      failures: [{ index: 0, reason: "EXHAUSTED" }],
    });
    await sleep(1_100);
    expect(await commitLock(redis, { lockId, couponIds: [couponId] })).toEqual({ ok: false, reason: "EXPIRED" });
    // Still counted until reclaimed (commit changed nothing).
    expect((await rawState(couponId)).uses).toBe(1);

    const next = randomUUID();
    expect(
      await reserveUses(redis, {
        mode: "lock",
        lockId: next,
        customerId: "alice",
        ttlMs: 60_000,
        items: [item(couponId, { amount: 70, limits })],
      }),
    ).toMatchObject({ ok: true });
    expect(await rawState(couponId)).toEqual({
      uses: 1,
      spent: 70,
      users: { alice: 1 },
      codes: { "code-1": 1, "code-1:l": 1 },
      locks: 1,
    });
    expect(await redis.exists(gateKeys.lock(couponId, lockId))).toBe(0);
    expect(await commitLock(redis, { lockId, couponIds: [couponId] })).toEqual({ ok: false, reason: "EXPIRED" });
  });

  it("commit turns reservations into uses once; release is idempotent and never undoes a commit", async () => {
    const a = await loadedCoupon({ epoch: "12345" });
    const b = await loadedCoupon({ epoch: "true" });
    const lockId = randomUUID();
    // Ids that look like JSON must come back as the same strings.
    const items = [item(a.couponId, { codeId: "007", amount: 300 }), item(b.couponId, { codeId: "1e3", amount: 0 })];
    const before = Date.now();
    const reserved = await reserveUses(redis, { mode: "lock", lockId, customerId: "42", ttlMs: 60_000, items });
    expect(reserved).toEqual({ ok: true, epochs: ["12345", "true"], expiresAtMs: expect.any(Number) });
    // The expiry by the Redis clock (the same machine's clock here).
    expect(reserved.ok && reserved.expiresAtMs).toBeGreaterThanOrEqual(before + 60_000 - 1_000);
    expect(await commitLock(redis, { lockId, couponIds: [a.couponId, b.couponId] })).toEqual({
      ok: true,
      epochs: ["12345", "true"],
      items: [
        { couponId: a.couponId, codeId: "007", amount: 300, customerId: "42" },
        { couponId: b.couponId, codeId: "1e3", amount: 0, customerId: "42" },
      ],
    });
    expect(await commitLock(redis, { lockId, couponIds: [a.couponId, b.couponId] })).toEqual({
      ok: false,
      reason: "EXPIRED",
    });
    expect(await releaseLock(redis, { lockId, couponIds: [a.couponId, b.couponId] })).toEqual({ released: 0 });
    expect(await rawState(a.couponId)).toEqual({
      uses: 1,
      spent: 300,
      users: { 42: 1 },
      codes: { "007": 1 },
      locks: 0,
    });
    expect((await usage(a.couponId, ["007"], "42")).codes).toEqual({ "007": { used: 1, locked: 0 } });

    const other = randomUUID();
    expect(
      await reserveUses(redis, {
        mode: "lock",
        lockId: other,
        customerId: "bob",
        ttlMs: 60_000,
        items: [item(a.couponId, { codeId: "007", amount: 5 })],
      }),
    ).toMatchObject({ ok: true });
    expect(await releaseLock(redis, { lockId: other, couponIds: [a.couponId] })).toEqual({ released: 1 });
    expect(await releaseLock(redis, { lockId: other, couponIds: [a.couponId] })).toEqual({ released: 0 });
    expect(await rawState(a.couponId)).toEqual({
      uses: 1,
      spent: 300,
      users: { 42: 1 },
      codes: { "007": 1 },
      locks: 0,
    });
  });

  it("a reused lock id is refused instead of leaking a reservation", async () => {
    const { couponId } = await loadedCoupon();
    const lockId = randomUUID();
    const input = { mode: "lock" as const, lockId, customerId: "c", ttlMs: 60_000, items: [item(couponId)] };
    await reserveUses(redis, input);
    // The very same request again is a resend (answered as the first, see below); another one is a reuse.
    await expect(reserveUses(redis, { ...input, customerId: "other" })).rejects.toThrow(/GATE_LOCK_EXISTS/);
    expect((await rawState(couponId)).uses).toBe(1);
  });

  it("the sweeper and readUsage reclaim expired locks", async () => {
    const { couponId } = await loadedCoupon();
    const ids = await Promise.all(
      Array.from({ length: 5 }, async (_, i) => {
        const lockId = randomUUID();
        await reserveUses(redis, {
          mode: "lock",
          lockId,
          customerId: `s${i}`,
          ttlMs: 100,
          items: [item(couponId, { amount: 10 })],
        });
        return lockId;
      }),
    );
    await lock([item(couponId, { amount: 10 })], "stays");
    await sleep(200);
    const { reclaimed } = await reclaimExpiredLocks(redis, couponId, 3);
    expect(reclaimed).toHaveLength(3);
    expect(await usage(couponId, ["code-1"], "stays")).toMatchObject({
      loaded: true,
      uses: 1,
      spent: 10,
      customerUses: 1,
      codes: { "code-1": { used: 0, locked: 1 } },
    });
    expect(await reclaimExpiredLocks(redis, couponId)).toEqual({ reclaimed: [] });
    for (const id of reclaimed) expect(ids).toContain(id);
    expect(await rawState(couponId)).toEqual({
      uses: 1,
      spent: 10,
      users: { stays: 1 },
      codes: { "code-1": 1, "code-1:l": 1 },
      locks: 1,
    });
  });
});

describe("restoreUses", () => {
  it("restores only within the same epoch, and never below zero", async () => {
    const { couponId, epoch } = await loadedCoupon();
    await reserveUses(redis, {
      mode: "redeem",
      lockId: randomUUID(),
      customerId: "v",
      ttlMs: 1,
      items: [item(couponId, { amount: 40 })],
    });
    const use = { couponId, codeId: "code-1", customerId: "v", amount: 40 };
    expect(await restoreUses(redis, [{ ...use, epoch: "some-older-epoch" }])).toEqual({ restored: 0 });
    expect((await rawState(couponId)).uses).toBe(1);
    expect(await restoreUses(redis, [{ ...use, epoch }])).toEqual({ restored: 1 });
    expect(await rawState(couponId)).toEqual({ uses: 0, spent: 0, users: {}, codes: {}, locks: 0 });
    expect(await restoreUses(redis, [{ ...use, epoch, amount: 1_000 }])).toEqual({ restored: 1 });
    expect(await rawState(couponId)).toEqual({ uses: 0, spent: 0, users: {}, codes: {}, locks: 0 });
  });

  it("does not restore into a rebuilt state", async () => {
    const { couponId, epoch } = await loadedCoupon();
    await reserveUses(redis, {
      mode: "redeem",
      lockId: randomUUID(),
      customerId: "v",
      ttlMs: 1,
      items: [item(couponId)],
    });
    await dropCouponState(redis, couponId);
    const token = randomUUID();
    expect(await beginRebuild(redis, couponId, token)).toEqual({ won: true });
    // Rebuilding: a restore must not touch partial counters either.
    expect(await restoreUses(redis, [{ couponId, codeId: "code-1", customerId: "v", amount: 100, epoch }])).toEqual({
      restored: 0,
    });
    await loadRebuildChunk(redis, couponId, token, { users: { v: 1 }, codes: { "code-1": { used: 1, locked: 0 } } });
    await finishRebuild(redis, couponId, token, {
      epoch: "rebuilt",
      status: "ACTIVE",
      version: 1,
      uses: 1,
      spent: 100,
    });
    expect(await restoreUses(redis, [{ couponId, codeId: "code-1", customerId: "v", amount: 100, epoch }])).toEqual({
      restored: 0,
    });
    expect(await rawState(couponId)).toEqual({
      uses: 1,
      spent: 100,
      users: { v: 1 },
      codes: { "code-1": 1 },
      locks: 0,
    });
  });
});

describe("a request sent twice (the transport's resend after a lost answer, or the batcher's per-caller resend)", () => {
  /**
   * A client whose every request reaches Redis twice; the caller sees the second answer, as after a resend.
   * Its calls pin the generation of `redis` (a client without credentials of its own has no gate mode).
   */
  function twiceSendingClient(): Redis {
    const inner = createRedisHttpRequester(process.env.UPSTASH_REDIS_REST_URL!, process.env.UPSTASH_REDIS_REST_TOKEN!);
    return new Redis({
      request: async (req) => {
        await inner.request(req);
        return inner.request(req);
      },
    });
  }

  it("restoreUses gives a use back once", async () => {
    const { couponId, epoch } = await loadedCoupon();
    for (const customer of ["a", "b"]) {
      const reserved = await reserveUses(redis, {
        mode: "redeem",
        lockId: randomUUID(),
        customerId: customer,
        ttlMs: 60_000,
        items: [item(couponId)],
      });
      expect(reserved.ok).toBe(true);
    }
    const restore = { couponId, codeId: "code-1", customerId: "a", amount: 100, epoch };
    expect(await restoreUses(twiceSendingClient(), [restore], { generation: await gateGeneration(redis) })).toEqual({
      restored: 1,
    });
    expect(await rawState(couponId)).toMatchObject({ uses: 1, spent: 100, users: { b: 1 }, codes: { "code-1": 1 } });
  });

  it("commitLock commits once and answers as the first send did (not EXPIRED)", async () => {
    const { couponId } = await loadedCoupon();
    const lockId = randomUUID();
    const reserved = await reserveUses(redis, {
      mode: "lock",
      lockId,
      customerId: "c",
      ttlMs: 60_000,
      items: [item(couponId)],
    });
    expect(reserved.ok).toBe(true);
    const committed = await commitLock(twiceSendingClient(), {
      lockId,
      couponIds: [couponId],
      generation: await gateGeneration(redis),
    });
    expect(committed).toMatchObject({
      ok: true,
      items: [{ couponId, codeId: "code-1", amount: 100, customerId: "c" }],
    });
    expect(await rawState(couponId)).toMatchObject({ uses: 1, spent: 100, locks: 0, codes: { "code-1": 1 } });
  });

  it("reserveUses reserves once (a lock is not refused as a reused lock id, a redemption is not counted twice)", async () => {
    const { couponId } = await loadedCoupon();
    const twice = twiceSendingClient();
    for (const mode of ["lock", "redeem"] as const) {
      const reserved = await reserveUses(twice, {
        mode,
        lockId: randomUUID(),
        customerId: mode,
        ttlMs: 60_000,
        items: [item(couponId)],
        generation: await gateGeneration(redis),
      });
      expect(reserved.ok).toBe(true);
    }
    expect(await rawState(couponId)).toMatchObject({ uses: 2, spent: 200, locks: 1, users: { lock: 1, redeem: 1 } });
  });

  it("releaseLock gives a lock back once (idempotent by design: a released lock releases nothing)", async () => {
    const { couponId } = await loadedCoupon();
    const lockId = randomUUID();
    await reserveUses(redis, { mode: "lock", lockId, customerId: "d", ttlMs: 60_000, items: [item(couponId)] });
    await reserveUses(redis, {
      mode: "lock",
      lockId: randomUUID(),
      customerId: "e",
      ttlMs: 60_000,
      items: [item(couponId)],
    });
    await releaseLock(twiceSendingClient(), { lockId, couponIds: [couponId], generation: await gateGeneration(redis) });
    expect(await rawState(couponId)).toMatchObject({ uses: 1, spent: 100, locks: 1, users: { e: 1 } });
  });
});

describe("not loaded", () => {
  it("answers notLoaded and writes nothing", async () => {
    const ghost = randomUUID();
    const loaded = await loadedCoupon();
    const lockId = randomUUID();
    const result = await reserveUses(redis, {
      mode: "lock",
      lockId,
      customerId: "c",
      ttlMs: 60_000,
      items: [item(loaded.couponId), item(ghost)],
    });
    expect(result).toEqual({ ok: false, notLoaded: [ghost] });
    const keys = [ghost, loaded.couponId].flatMap((id) => [
      gateKeys.users(id),
      gateKeys.codes(id),
      gateKeys.locks(id),
      gateKeys.lock(id, lockId),
    ]);
    expect(await redis.exists(...keys, gateKeys.state(ghost))).toBe(0);
    expect((await rawState(loaded.couponId)).uses).toBe(0);
    expect(await commitLock(redis, { lockId, couponIds: [ghost] })).toEqual({ ok: false, notLoaded: [ghost] });
    expect(await usage(ghost)).toEqual({
      couponId: ghost,
      loaded: false,
      epoch: null,
      status: null,
      version: null,
      uses: 0,
      spent: 0,
      customerUses: null,
      codes: { "code-1": { used: 0, locked: 0 } },
    });
  });

  it("dropCouponState forces a rebuild", async () => {
    const { couponId } = await loadedCoupon();
    await lock([item(couponId)]);
    expect(await listGateCouponIds(redis, 1_000_000)).toContain(couponId);
    await dropCouponState(redis, couponId);
    expect(await lock([item(couponId)])).toEqual({ ok: false, notLoaded: [couponId] });
    expect(await listGateCouponIds(redis, 1_000_000)).not.toContain(couponId);
  });
});

describe("rebuild protocol", () => {
  it("one winner, token-guarded chunks, notLoaded until finished, then counters from the chunks", async () => {
    const couponId = randomUUID();
    const tokens = Array.from({ length: 30 }, () => randomUUID());
    const claims = await Promise.all(tokens.map((token) => beginRebuild(racer, couponId, token)));
    expect(claims.filter((c) => c.won)).toHaveLength(1);
    const token = tokens[claims.findIndex((c) => c.won)] ?? "";
    const intruder = tokens.find((t) => t !== token) ?? "";

    expect(await loadRebuildChunk(redis, couponId, intruder, { users: { x: 5 } })).toEqual({ ok: false });
    expect(
      await finishRebuild(redis, couponId, intruder, { epoch: "e", status: "ACTIVE", version: 1, uses: 0, spent: 0 }),
    ).toEqual({ ok: false });
    expect(await redis.exists(gateKeys.users(couponId))).toBe(0);

    const liveLock = randomUUID();
    const expiredLock = randomUUID();
    const now = Date.now();
    expect(
      await loadRebuildChunk(redis, couponId, token, {
        users: { alice: 1, bob: 1 },
        codes: { A: { used: 1, locked: 0 } },
        locks: [{ lockId: liveLock, customerId: "bob", codeId: "B", amount: 20, expiresAtMs: now + 60_000 }],
      }),
    ).toEqual({ ok: true });
    expect(
      await loadRebuildChunk(redis, couponId, token, {
        users: { bob: 1 },
        codes: { B: { used: 0, locked: 2 } },
        locks: [{ lockId: expiredLock, customerId: "bob", codeId: "B", amount: 30, expiresAtMs: now - 1_000 }],
      }),
    ).toEqual({ ok: true });
    // Being rebuilt: answers notLoaded and writes nothing.
    expect(await lock([item(couponId)])).toEqual({ ok: false, notLoaded: [couponId] });
    expect(await beginRebuild(redis, couponId, randomUUID())).toEqual({ won: false });
    expect(await reclaimExpiredLocks(redis, couponId)).toEqual({ reclaimed: [] });

    expect(
      await finishRebuild(redis, couponId, token, {
        epoch: "epoch-2",
        status: "ACTIVE",
        version: 4,
        uses: 3,
        spent: 150,
      }),
    ).toEqual({ ok: true });
    expect(await loadRebuildChunk(redis, couponId, token, { users: { late: 1 } })).toEqual({ ok: false });
    expect(await beginRebuild(redis, couponId, randomUUID())).toEqual({ won: false });

    // readUsage reclaims the expired lock first.
    expect(await usage(couponId, ["A", "B"], "bob")).toEqual({
      couponId,
      loaded: true,
      epoch: "epoch-2",
      status: "ACTIVE",
      version: 4,
      uses: 2,
      spent: 120,
      customerUses: 1,
      codes: { A: { used: 1, locked: 0 }, B: { used: 0, locked: 1 } },
    });
    expect(await commitLock(redis, { lockId: liveLock, couponIds: [couponId] })).toMatchObject({
      ok: true,
      items: [{ codeId: "B", amount: 20, customerId: "bob" }],
    });
    expect(await lock([item(couponId, { expectedVersion: 4, limits: { maxRedemptions: 3 } })])).toMatchObject({
      ok: true,
    });
    expect(await lock([item(couponId, { expectedVersion: 4, limits: { maxRedemptions: 3 } })])).toEqual({
      ok: false,
      failures: [{ index: 0, reason: "EXHAUSTED" }],
    });
  });

  it("a stale rebuild can be taken over; the old token is then refused; a newer write-through survives", async () => {
    const { couponId } = await loadedCoupon();
    await lock([item(couponId)], "old");
    await dropCouponState(redis, couponId);
    const first = randomUUID();
    expect(await beginRebuild(redis, couponId, first)).toEqual({ won: true });
    // The old counters and lock are gone.
    expect(await rawState(couponId)).toEqual({ uses: 0, spent: 0, users: {}, codes: {}, locks: 0 });
    const second = randomUUID();
    expect(await beginRebuild(redis, couponId, second)).toEqual({ won: false });
    await redis.hset(gateKeys.state(couponId), { rebuildStartedAt: String(Date.now() - 31_000) });
    expect(await beginRebuild(redis, couponId, second)).toEqual({ won: true });
    expect(await loadRebuildChunk(redis, couponId, first, { users: { x: 1 } })).toEqual({ ok: false });
    expect(
      await finishRebuild(redis, couponId, first, { epoch: "e1", status: "ACTIVE", version: 1, uses: 0, spent: 0 }),
    ).toEqual({ ok: false });

    expect(await setCouponLiveStatus(redis, couponId, { status: "DISABLED", version: 5 })).toEqual({ applied: true });
    expect(await lock([item(couponId, { expectedVersion: 5 })])).toEqual({ ok: false, notLoaded: [couponId] });
    expect(
      await finishRebuild(redis, couponId, second, { epoch: "e2", status: "ACTIVE", version: 4, uses: 0, spent: 0 }),
    ).toEqual({ ok: true });
    expect(await usage(couponId)).toMatchObject({ loaded: true, epoch: "e2", status: "DISABLED", version: 5 });
  });
});

describe("gate generations (a change of the shared gate mode outdates every state at once, no wipe)", () => {
  const reserveAt = (couponId: string, generation: number) =>
    reserveUses(redis, {
      mode: "redeem",
      lockId: randomUUID(),
      customerId: "g",
      ttlMs: 60_000,
      items: [item(couponId)],
      generation,
    });

  it("state loaded under an older generation is not trusted, and a newer generation rebuilds over it", async () => {
    const couponId = randomUUID();
    const first = randomUUID();
    expect(await beginRebuild(redis, couponId, first, { generation: 1_000 })).toEqual({ won: true });
    const totals = { epoch: "e1", status: "ACTIVE" as const, version: 1, uses: 3, spent: 300 };
    expect(await finishRebuild(redis, couponId, first, totals)).toEqual({ ok: true });
    expect((await reserveAt(couponId, 1_000)).ok).toBe(true);

    expect(await reserveAt(couponId, 1_001)).toEqual({ ok: false, notLoaded: [couponId] });
    const [usage] = await readUsage(redis, [{ couponId, codeIds: [], customerId: null }], { generation: 1_001 });
    expect(usage?.loaded).toBe(false);
    // A caller behind the state's generation cannot claim it; the current generation can, though it is loaded.
    expect(await beginRebuild(redis, couponId, randomUUID(), { generation: 999 })).toEqual({ won: false });
    const second = randomUUID();
    expect(await beginRebuild(redis, couponId, second, { generation: 1_001 })).toEqual({ won: true });
    expect(await finishRebuild(redis, couponId, second, { ...totals, epoch: "e2" })).toEqual({ ok: true });
    expect((await reserveAt(couponId, 1_001)).ok).toBe(true);
    expect(await reserveAt(couponId, 1_000)).toEqual({ ok: false, notLoaded: [couponId] });
  });

  it("dropStaleState frees only state of an older generation", async () => {
    const couponId = randomUUID();
    const token = randomUUID();
    expect(await beginRebuild(redis, couponId, token, { generation: 3_000 })).toEqual({ won: true });
    const totals = { epoch: "e", status: "ACTIVE" as const, version: 1, uses: 0, spent: 0 };
    expect(await finishRebuild(redis, couponId, token, totals)).toEqual({ ok: true });
    await reserveUses(redis, {
      mode: "lock",
      lockId: "L",
      customerId: "c",
      ttlMs: 60_000,
      items: [item(couponId)],
      generation: 3_000,
    });
    expect(await dropStaleState(redis, couponId, { generation: 3_000 })).toEqual({ dropped: false });
    expect(await dropStaleState(redis, couponId, { generation: 2_999 })).toEqual({ dropped: false });
    expect((await reserveAt(couponId, 3_000)).ok).toBe(true);
    expect(await dropStaleState(redis, couponId, { generation: 3_001 })).toEqual({ dropped: true });
    expect(
      await redis.exists(
        gateKeys.state(couponId),
        gateKeys.users(couponId),
        gateKeys.codes(couponId),
        gateKeys.locks(couponId),
        gateKeys.lock(couponId, "L"),
      ),
    ).toBe(0);
  });

  it("a rebuild claimed under an older generation is taken over at once and can no longer write or publish", async () => {
    const couponId = randomUUID();
    const old = randomUUID();
    expect(await beginRebuild(redis, couponId, old, { generation: 2_000 })).toEqual({ won: true });
    const current = randomUUID();
    expect(await beginRebuild(redis, couponId, current, { generation: 2_001 })).toEqual({ won: true });
    expect(await loadRebuildChunk(redis, couponId, old, { users: { u: 5 } })).toEqual({ ok: false });
    const totals = { epoch: "e", status: "ACTIVE" as const, version: 1, uses: 0, spent: 0 };
    expect(await finishRebuild(redis, couponId, old, totals)).toEqual({ ok: false });
    expect(await finishRebuild(redis, couponId, current, totals)).toEqual({ ok: true });
    expect((await reserveAt(couponId, 2_001)).ok).toBe(true);
  });
});

describe("throughput (a figure, not a timing assertion)", () => {
  it("5,000 reserveUses at 64 concurrency through the bridge; every call counted", async () => {
    const { couponId } = await loadedCoupon();
    const CALLS = 5_000;
    const CONCURRENCY = 64;
    const run = async (client: Redis, label: string, mode: "lock" | "redeem") => {
      let next = 0;
      let ok = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < CALLS) {
            const i = next++;
            const r = await reserveUses(client, {
              mode,
              lockId: randomUUID(),
              customerId: `t${i}`,
              ttlMs: 60_000,
              items: [
                item(couponId, {
                  codeId: `c${i % 50}`,
                  amount: 1,
                  limits: { maxRedemptions: 1_000_000, maxPerUser: 5, budget: 1_000_000_000, codeMax: 1_000 },
                }),
              ],
            });
            if (r.ok) ok++;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `[gate bench] ${label}: ${CALLS} reserveUses(${mode}), ${CONCURRENCY} concurrent -> ${Math.round(CALLS / seconds).toLocaleString("en")} calls/s (${seconds.toFixed(2)} s)`,
      );
      expect(ok).toBe(CALLS);
    };
    await run(racer, "one HTTP request per call", "lock");
    await run(redis, "client auto-pipelining", "redeem");
    const raw = await rawState(couponId);
    expect(raw.uses).toBe(2 * CALLS);
    expect(raw.locks).toBe(CALLS);
  });
});
