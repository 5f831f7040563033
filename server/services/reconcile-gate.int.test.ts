import { randomUUID } from "node:crypto";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startRedisServer } from "@/tools/local-redis";
import { startUpstashBridge } from "@/tools/upstash-bridge/server";
import { currentGateMode, resetBreaker } from "@/server/redis/circuit-breaker";
import { beginRebuild, finishRebuild } from "@/server/redis/gate";
import { reconcileGate } from "./reconcile-gate";

// This file owns a redis-server of its own (reconcileGate walks every coupon state in it).
let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;
let redis: Redis;
const TOKEN = "reconcile-test-token";
const globals = globalThis as unknown as { couponRedis?: Redis | null };

beforeAll(async () => {
  redisServer = await startRedisServer();
  bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN });
  redis = new Redis({ url: bridge.url, token: TOKEN, retry: { retries: 1, backoff: () => 20 } });
});

afterAll(async () => {
  globals.couponRedis = undefined;
  await bridge.close();
  await redisServer.stop();
});

beforeEach(() => {
  globals.couponRedis = redis;
  resetBreaker();
});

describe("reconcileGate", () => {
  it("a Postgres error while checking a coupon is not a Redis failure: the Redis gate stays trusted", async () => {
    // A loaded gate state whose coupon id Postgres refuses (not a uuid): reading its snapshot fails in Postgres.
    const couponId = `not-a-uuid-${randomUUID()}`;
    const token = randomUUID();
    expect(await beginRebuild(redis, couponId, token)).toEqual({ won: true });
    const totals = { epoch: randomUUID(), status: "ACTIVE" as const, version: 1, uses: 0, spent: 0 };
    expect(await finishRebuild(redis, couponId, token, totals)).toEqual({ ok: true });
    await expect.poll(() => currentGateMode().kind).toBe("redis");

    const report = await reconcileGate();
    expect(currentGateMode().kind).toBe("redis");
    expect(report.failedCoupons).toEqual([couponId]);
  });
});
