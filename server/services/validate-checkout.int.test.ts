import { Redis } from "@upstash/redis";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { callTrpcHttp, sessionFor } from "@/server/api/test-http";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { redeemCheckout } from "./redeem-checkout";
import { coupons } from "@/server/db/schema";
import { gateStatusOf } from "@/server/domain/coupon-status";
import { getRedis } from "@/server/redis/client";
import { setCouponLiveStatus } from "@/server/redis/gate";

type Account = { id: string; email: string; role: "admin" | "viewer" | "shopper" };
let admin: Account;
let alice: Account;
let bob: Account;

async function account(email: string): Promise<Account> {
  const user = await findUserByEmail(getDb(), email);
  if (!user) throw new Error(`seed missing ${email}`);
  return { id: user.id, email: user.email, role: user.role };
}

function data<T = Record<string, unknown>>(response: { body: unknown }): T {
  return (response.body as { result: { data: { json: T } } }).result.data.json;
}

let seq = 0;
const uniqueCode = (prefix: string) =>
  `${prefix}${Date.now().toString(36).toUpperCase()}${(seq++).toString(36).toUpperCase()}`;

async function createCouponWithCode(rules: Record<string, unknown>, code = uniqueCode("T")) {
  const created = await callTrpcHttp("admin.coupons.create", {
    session: sessionFor(admin),
    input: { name: `Test ${code}`, ...rules },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const coupon = data<{ id: string }>(created);
  const codeResponse = await callTrpcHttp("admin.codes.create", {
    session: sessionFor(admin),
    input: { couponId: coupon.id, kind: "SHARED", code },
  });
  expect(codeResponse.status, JSON.stringify(codeResponse.body)).toBe(200);
  return { couponId: coupon.id, code, codeId: data<{ id: string }>(codeResponse).id };
}

/** A redemption as a checkout makes it: through the gate (Redis while it is up), which validate then reads. */
async function redeem(target: { code: string }, customerId: string) {
  const orderId = `order-${uniqueCode("O")}`;
  await redeemCheckout(
    { codes: [target.code], cart, orderId, idempotencyKey: orderId },
    { customer: { id: customerId }, ip: "10.9.9.9" },
  );
}

function reasons(response: { body: unknown }) {
  return data<{ rejected: Array<{ code: string; reason: string; message: string }> }>(response).rejected.map(
    (r) => r.reason,
  );
}

const cart = {
  currency: "USD",
  items: [
    { productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 },
    { productId: "sencha", categoryIds: ["tea"], unitPrice: 990, quantity: 1 },
    { productId: "biscotti", categoryIds: ["snacks"], unitPrice: 499, quantity: 3 },
  ],
  shipping: 500,
  channel: "web" as const,
};

beforeAll(async () => {
  admin = await account("admin@demo.test");
  alice = await account("alice@shop.test");
  bob = await account("bob@shop.test");
});

describe("checkout.validate over the tRPC HTTP handler", () => {
  it("quotes a coupon made through the admin procedures, line by line", async () => {
    const { couponId, code } = await createCouponWithCode({ kind: "PERCENT", value: 1500 });
    const response = await callTrpcHttp("checkout.validate", {
      session: sessionFor(alice),
      input: { codes: [code.toLowerCase()], cart },
    });
    expect(response.status).toBe(200);
    const quote = data<{
      subtotal: number;
      discountTotal: number;
      total: number;
      applied: Array<{ couponId: string; amount: number; lines: Array<{ productId: string; amount: number }> }>;
    }>(response);
    // 4900 + 990 + 1497 = 7387; 15 % = 1108.05 -> 1108 (half up)
    expect(quote.subtotal).toBe(7387);
    expect(quote.discountTotal).toBe(1108);
    expect(quote.total).toBe(7387 - 1108 + 500);
    expect(quote.applied).toHaveLength(1);
    expect(quote.applied[0]!.couponId).toBe(couponId);
    expect(quote.applied[0]!.lines.reduce((sum, l) => sum + l.amount, 0)).toBe(1108);
    expect(quote.applied[0]!.lines).toEqual([
      { productId: "biscotti", amount: 225 },
      { productId: "espresso-beans", amount: 735 },
      { productId: "sencha", amount: 148 },
    ]);
  });

  it("refuses a disabled coupon at once, even while its rules are cached", async () => {
    const { couponId, code } = await createCouponWithCode({ kind: "FIXED", value: 1000, currency: "USD" });
    const first = await callTrpcHttp("checkout.validate", { session: sessionFor(bob), input: { codes: [code], cart } });
    expect(data<{ discountTotal: number }>(first).discountTotal).toBe(1000);
    // The change lands as an admin's does (Postgres, then the gate's live status, versions moving forward),
    // but the cached rules are never invalidated: validate must still see DISABLED. (Writing Postgres alone
    // would be a lost write-through, which the gate's state may rightly not see until reconciliation.)
    const [row] = await getDb()
      .update(coupons)
      .set({ status: "DISABLED", version: sql`${coupons.version} + 1` })
      .where(eq(coupons.id, couponId))
      .returning();
    const redis = getRedis();
    if (redis) await setCouponLiveStatus(redis, couponId, { status: gateStatusOf(row!.status), version: row!.version });
    const second = await callTrpcHttp("checkout.validate", {
      session: sessionFor(bob),
      input: { codes: [code], cart },
    });
    expect(data<{ rejected: Array<{ reason: string }> }>(second).rejected).toEqual([
      expect.objectContaining({ code, reason: "DISABLED" }),
    ]);
  });
});

describe("usage limits are read, never consumed", () => {
  it("answers EXHAUSTED once the global limit is used, and keeps answering it", async () => {
    const target = await createCouponWithCode({ kind: "PERCENT", value: 1000, maxRedemptions: 2 });
    const validate = () =>
      callTrpcHttp("checkout.validate", { session: sessionFor(alice), input: { codes: [target.code], cart } });
    for (let i = 0; i < 5; i += 1) expect(reasons(await validate())).toEqual([]);
    await redeem(target, "someone-1");
    expect(reasons(await validate())).toEqual([]);
    await redeem(target, "someone-2");
    expect(reasons(await validate())).toEqual(["EXHAUSTED"]);
    expect(reasons(await validate())).toEqual(["EXHAUSTED"]);
  });

  it("answers USER_LIMIT_REACHED for the user who used it, not for another", async () => {
    const target = await createCouponWithCode({ kind: "PERCENT", value: 1000, maxRedemptionsPerUser: 1 });
    await redeem(target, alice.id);
    const forAlice = await callTrpcHttp("checkout.validate", {
      session: sessionFor(alice),
      input: { codes: [target.code], cart },
    });
    const forBob = await callTrpcHttp("checkout.validate", {
      session: sessionFor(bob),
      input: { codes: [target.code], cart },
    });
    const anonymous = await callTrpcHttp("checkout.validate", { input: { codes: [target.code], cart } });
    expect(reasons(forAlice)).toEqual(["USER_LIMIT_REACHED"]);
    expect(reasons(forBob)).toEqual([]);
    expect(reasons(anonymous)).toEqual(["LOGIN_REQUIRED"]);
  });

  it("caps the discount to the remaining budget", async () => {
    const target = await createCouponWithCode({ kind: "FIXED", value: 1000, currency: "USD", budget: 1500 });
    await redeem(target, "someone");
    const response = await callTrpcHttp("checkout.validate", {
      session: sessionFor(alice),
      input: { codes: [target.code], cart },
    });
    expect(data<{ discountTotal: number }>(response).discountTotal).toBe(500);
  });
});

describe("codes are looked up by keyed hash and cached", () => {
  it("finds a code created after a guess of it was cached as missing", async () => {
    const code = uniqueCode("LATE");
    const guess = await callTrpcHttp("checkout.validate", { input: { codes: [code], cart }, ip: "10.1.1.1" });
    expect(reasons(guess)).toEqual(["NOT_FOUND"]);
    const target = await createCouponWithCode({ kind: "PERCENT", value: 500 }, code);
    const after = await callTrpcHttp("checkout.validate", {
      input: { codes: [`  ${code.toLowerCase()} `], cart },
      ip: "10.1.1.1",
    });
    expect(reasons(after)).toEqual([]);
    expect(data<{ applied: Array<{ couponId: string }> }>(after).applied[0]?.couponId).toBe(target.couponId);
  });

  it("stores no plaintext code in Postgres", async () => {
    const { code, codeId } = await createCouponWithCode({ kind: "PERCENT", value: 500 });
    const rows = await getDb().execute<{ row: string }>(
      sql`select row_to_json(c)::text as row from codes c where id = ${codeId}`,
    );
    expect(rows[0]?.row).toBeDefined();
    expect(rows[0]!.row.toUpperCase()).not.toContain(code);
  });
});

describe("brute-force protection", () => {
  it("answers RATE_LIMITED (429) once an IP has used its failed attempts, without judging more codes", async () => {
    const ip = "10.2.2.2";
    const guesses = Array.from({ length: 15 }, (_, i) => `NOPE${i}X${uniqueCode("G")}`);
    for (let round = 0; round < 2; round += 1) {
      const response = await callTrpcHttp("checkout.validate", { input: { codes: guesses, cart }, ip });
      expect(response.status).toBe(200);
      expect(reasons(response)).toEqual(guesses.map(() => "NOT_FOUND"));
    }
    const { code } = await createCouponWithCode({ kind: "PERCENT", value: 500 });
    const limited = await callTrpcHttp("checkout.validate", { input: { codes: [code], cart }, ip });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      error: { json: { data: { code: "TOO_MANY_REQUESTS", reason: "RATE_LIMITED" } } },
    });
    // Another IP is not affected.
    const other = await callTrpcHttp("checkout.validate", { input: { codes: [code], cart }, ip: "10.2.2.3" });
    expect(other.status).toBe(200);
  });

  it("limits a signed-in user across IPs", async () => {
    // An account no later test needs: it ends this test rate-limited for the window.
    const carol = await account("viewer@demo.test");
    for (let i = 0; i < 10; i += 1) {
      const response = await callTrpcHttp("checkout.validate", {
        session: sessionFor(carol),
        input: { codes: [`WRONG${uniqueCode("U")}`], cart },
        ip: `10.3.3.${i}`,
      });
      expect(response.status).toBe(200);
    }
    const limited = await callTrpcHttp("checkout.validate", {
      session: sessionFor(carol),
      input: { codes: ["ANYCODE1"], cart },
      ip: "10.3.3.200",
    });
    expect(limited.status).toBe(429);
  });
});

describe("when Redis is unreachable", () => {
  it("validates from Postgres and limits guessing in process", async () => {
    const { code } = await createCouponWithCode({ kind: "PERCENT", value: 1000 });
    const globals = globalThis as unknown as { couponRedis?: unknown; couponLimiters?: unknown };
    const saved = { redis: globals.couponRedis, limiters: globals.couponLimiters };
    // A client pointed at a port where nothing listens, as after a Redis crash.
    globals.couponRedis = new Redis({ url: "http://127.0.0.1:9", token: "x", retry: { retries: 0 } });
    globals.couponLimiters = undefined;
    try {
      const ok = await callTrpcHttp("checkout.validate", { input: { codes: [code], cart }, ip: "10.4.4.4" });
      expect(ok.status).toBe(200);
      expect(data<{ discountTotal: number }>(ok).discountTotal).toBe(739);
      const guesses = Array.from({ length: 30 }, (_, i) => `DOWN${i}Q${uniqueCode("D")}`);
      for (let round = 0; round < 2; round += 1) {
        const response = await callTrpcHttp("checkout.validate", {
          input: { codes: guesses.slice(round * 15, round * 15 + 15), cart },
          ip: "10.4.4.5",
        });
        expect(response.status).toBe(200);
      }
      const limited = await callTrpcHttp("checkout.validate", { input: { codes: [code], cart }, ip: "10.4.4.5" });
      expect(limited.status).toBe(429);
    } finally {
      globals.couponRedis = saved.redis;
      globals.couponLimiters = saved.limiters;
    }
  });
});

describe("admin procedures", () => {
  it("lets admins create, viewers read, and nobody else", async () => {
    const viewer = await account("viewer@demo.test");
    const input = { name: "Tiered", kind: "PERCENT", value: 1000 };
    expect((await callTrpcHttp("admin.coupons.create", { input })).status).toBe(401);
    expect((await callTrpcHttp("admin.coupons.create", { session: sessionFor(alice), input })).status).toBe(403);
    expect((await callTrpcHttp("admin.coupons.create", { session: sessionFor(viewer), input })).status).toBe(403);
    const created = await callTrpcHttp("admin.coupons.create", { session: sessionFor(admin), input });
    expect(created.status).toBe(200);
    const coupon = data<{ id: string; validUntil: string; status: string }>(created);
    expect(coupon.status).toBe("ACTIVE");
    // DEFAULT_EXPIRATION_DAYS (30) from now.
    expect(Math.round((new Date(coupon.validUntil).getTime() - Date.now()) / 86_400_000)).toBe(30);
    const read = await callTrpcHttp("admin.coupons.get", {
      method: "GET",
      session: sessionFor(viewer),
      input: { id: coupon.id },
    });
    expect(read.status).toBe(200);
    expect(
      (await callTrpcHttp("admin.coupons.get", { method: "GET", session: sessionFor(alice), input: { id: coupon.id } }))
        .status,
    ).toBe(403);
    const missing = await callTrpcHttp("admin.coupons.get", {
      method: "GET",
      session: sessionFor(viewer),
      input: { id: "00000000-0000-4000-8000-000000000000" },
    });
    expect(missing.status).toBe(404);
  });

  it("generates a unique code when none is given, shown once in plaintext", async () => {
    const created = await callTrpcHttp("admin.coupons.create", {
      session: sessionFor(admin),
      input: { name: "Gen", kind: "FREE_SHIPPING" },
    });
    const couponId = data<{ id: string }>(created).id;
    const code = await callTrpcHttp("admin.codes.create", {
      session: sessionFor(admin),
      input: { couponId, kind: "UNIQUE", assignedUserId: bob.id },
    });
    expect(code.status).toBe(200);
    const generated = data<{ code: string; maxRedemptions: number }>(code);
    expect(generated.code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{10}$/);
    expect(generated.maxRedemptions).toBe(1);
    const duplicate = await callTrpcHttp("admin.codes.create", {
      session: sessionFor(admin),
      input: { couponId, kind: "SHARED", code: generated.code.toLowerCase() },
    });
    expect(duplicate.status).toBe(409);
    // Assigned to Bob: Bob gets free shipping, Alice gets the same answer as a wrong guess.
    const forBob = await callTrpcHttp("checkout.validate", {
      session: sessionFor(bob),
      input: { codes: [generated.code], cart },
    });
    expect(data<{ shippingDiscount: number }>(forBob).shippingDiscount).toBe(500);
    const forAlice = await callTrpcHttp("checkout.validate", {
      session: sessionFor(alice),
      input: { codes: [generated.code], cart },
      ip: "10.5.5.5",
    });
    expect(reasons(forAlice)).toEqual(["NOT_FOUND"]);
  });
});

describe("the seeded sample coupons", () => {
  it("SUMMER20 (capped at $50) and COFFEE15 (coffee only) stack; ACME-VIP is for acme.test only", async () => {
    const bigCart = {
      ...cart,
      items: [...cart.items, { productId: "grinder", categoryIds: ["gear"], unitPrice: 14900, quantity: 3 }],
    };
    const response = await callTrpcHttp("checkout.validate", {
      session: sessionFor(alice),
      input: { codes: ["summer20", "coffee15"], cart: bigCart },
      ip: "10.8.8.8",
    });
    const quote = data<{ subtotal: number; applied: Array<{ code: string; amount: number }>; rejected: unknown[] }>(
      response,
    );
    expect(quote.rejected).toEqual([]);
    // Item-targeted first: 15 % of the coffee line (4,900) = 735; then 20 % of the rest, capped at 5,000.
    expect(quote.applied).toEqual([
      expect.objectContaining({ code: "COFFEE15", amount: 735 }),
      expect.objectContaining({ code: "SUMMER20", amount: 5_000 }),
    ]);
    const carol = await account("carol@acme.test");
    expect(
      reasons(
        await callTrpcHttp("checkout.validate", {
          session: sessionFor(carol),
          input: { codes: ["acme-vip"], cart },
          ip: "10.8.8.9",
        }),
      ),
    ).toEqual([]);
    expect(
      reasons(
        await callTrpcHttp("checkout.validate", {
          session: sessionFor(alice),
          input: { codes: ["acme-vip"], cart },
          ip: "10.8.8.10",
        }),
      ),
    ).toEqual(["EMAIL_DOMAIN_NOT_ALLOWED"]);
  });
});
