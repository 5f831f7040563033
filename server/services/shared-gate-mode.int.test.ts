import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort } from "@/tools/free-port";
import { startRedisServer } from "@/tools/local-redis";
import { startUpstashBridge } from "@/tools/upstash-bridge/server";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { resetBreaker } from "@/server/redis/circuit-breaker";
import { CheckoutRejectedError } from "./errors";
import type { GateProcessReply, GateProcessRequest } from "./gate-process.fixtures";
import { countRedemptions, gateUsesInRedis, makeTestCoupon, TEST_CART, testCaller } from "./gate-test-fixtures";
import { redeemCheckout } from "./redeem-checkout";

// Two app processes on one Postgres and one Redis: this one, and a forked one (gate-process.fixtures.ts).
// This file owns its redis-server.
let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
let bridge: Awaited<ReturnType<typeof startUpstashBridge>>;
let redis: Redis;
let adminId: string;
const TOKEN = `shared-mode-${randomUUID()}`;
const globals = globalThis as unknown as { couponRedis?: Redis | null };
const children: ChildProcess[] = [];

beforeAll(async () => {
  redisServer = await startRedisServer();
  bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN });
  redis = new Redis({ url: bridge.url, token: TOKEN, retry: { retries: 1, backoff: () => 20 } });
  globals.couponRedis = redis;
  resetBreaker();
  adminId = (await findUserByEmail(getDb(), "admin@demo.test"))!.id;
});

afterAll(async () => {
  for (const child of children) child.kill();
  globals.couponRedis = undefined;
  await bridge.close();
  await redisServer.stop();
});

/** Another app process with this environment; `redeem` asks it to redeem a code for a customer. */
async function startAppProcess(env: Record<string, string>) {
  const child = fork(fileURLToPath(new URL("./gate-process.fixtures.ts", import.meta.url)), {
    env: { ...process.env, ...env },
    execArgv: ["--conditions=react-server", "--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  children.push(child);
  const pending = new Map<number, (reply: GateProcessReply) => void>();
  let nextId = 0;
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the app process exited (${code})`)));
    child.on("message", (reply: GateProcessReply) => {
      if ("ready" in reply) resolve();
      else pending.get(reply.id)?.(reply);
    });
  });
  return {
    redeem: (code: string, customerId: string) =>
      new Promise<GateProcessReply>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        child.send({ id, code, customerId } satisfies GateProcessRequest);
      }),
  };
}

async function redeemHere(code: string, customerId: string) {
  try {
    await redeemCheckout(
      { codes: [code], cart: TEST_CART, orderId: `order-${randomUUID()}`, idempotencyKey: randomUUID() },
      testCaller(customerId, 92),
    );
    return { ok: true as const };
  } catch (error) {
    if (error instanceof CheckoutRejectedError) return { ok: false as const, reason: error.rejected[0]?.reason };
    throw error;
  }
}

describe("the gate mode is shared across processes", () => {
  it("a process cut off from Redis (partial partition) makes the others stop trusting Redis: no oversell", async () => {
    const { couponId, code } = await makeTestCoupon(adminId, "SHARED", { maxRedemptions: 10 });
    // This process redeems 5 through the Redis gate.
    const here = await Promise.all(Array.from({ length: 5 }, (_, i) => redeemHere(code, `here-${i}`)));
    expect(here.every((r) => r.ok)).toBe(true);
    expect(await gateUsesInRedis(redis, couponId)).toBe(5);

    // The other process reaches Postgres but not Redis (same Redis database and token, a dead address).
    const deadRedis = `http://127.0.0.1:${await findFreePort()}`;
    const other = await startAppProcess({ UPSTASH_REDIS_REST_URL: deadRedis, UPSTASH_REDIS_REST_TOKEN: TOKEN });
    const there = await Promise.all(Array.from({ length: 5 }, (_, i) => other.redeem(code, `there-${i}`)));
    expect(there).toEqual(Array.from({ length: 5 }, () => expect.objectContaining({ ok: true })));
    expect(await countRedemptions(couponId)).toBe(10);

    // Redis still counts 5 here; trusting it would sell 5 more.
    const after = await Promise.all(Array.from({ length: 5 }, (_, i) => redeemHere(code, `after-${i}`)));
    expect(after).toEqual(Array.from({ length: 5 }, () => ({ ok: false, reason: "EXHAUSTED" })));
    expect(await countRedemptions(couponId)).toBe(10);
  }, 90_000);
});
