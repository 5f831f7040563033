import { randomUUID } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { GUEST_COOKIE, mintGuestToken } from "@/server/auth/guest-id";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { locks, users } from "@/server/db/schema";
import { resetBreaker } from "@/server/redis/circuit-breaker";
import { getRedis } from "@/server/redis/client";
import { env } from "@/server/env";
import { startGuestCheckout } from "@/server/services/start-guest-checkout";
import { callTrpcHttp, sessionFor } from "./test-http";

type Account = { id: string; email: string; role: "admin" | "viewer" | "shopper" };
type Order = {
  id: string;
  state: "pending" | "paid" | "failed";
  channel: string;
  subtotal: number;
  shipping: number;
  discountTotal: number;
  shippingDiscount: number;
  total: number;
  codes: string[];
  lockId: string | null;
  lockExpiresAt: string | null;
  redemptions: Array<{ code: string; amount: number }>;
  failureReason: string | null;
};
type Quote = { applied: Array<{ code: string; amount: number }>; rejected: Array<{ code: string; reason: string }> };

let admin: Account;
let seq = 0;
const uniqueCode = (prefix: string) =>
  `${prefix}${Date.now().toString(36).toUpperCase()}${(seq++).toString(36).toUpperCase()}`;
const key = () => `test-${randomUUID()}`;

function data<T>(response: { status: number; body: unknown }): T {
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return (response.body as { result: { data: { json: T } } }).result.data.json;
}
function errorData(response: { body: unknown }) {
  return (response.body as { error: { json: { message: string; data: Record<string, unknown> } } }).error.json;
}

/** A new shopper with no order history (the seeded ones are shared with other test files). */
async function newShopper(domain = "shop.test"): Promise<Account> {
  const email = `orders-${randomUUID().slice(0, 8)}@${domain}`;
  const [row] = await getDb()
    .insert(users)
    .values({ email, name: "Order Tester", role: "shopper", passwordHash: "not-a-real-hash" })
    .returning();
  return { id: row!.id, email, role: "shopper" };
}

async function createCouponWithCode(
  rules: Record<string, unknown>,
  code: { kind?: "SHARED" | "UNIQUE"; assignedUserId?: string; maxRedemptions?: number } = {},
) {
  const coupon = data<{ id: string }>(
    await callTrpcHttp("admin.coupons.create", {
      session: sessionFor(admin),
      input: { name: "Orders test", kind: "FIXED", value: 500, currency: "USD", ...rules },
    }),
  );
  const created = data<{ id: string; code: string }>(
    await callTrpcHttp("admin.codes.create", {
      session: sessionFor(admin),
      input: { couponId: coupon.id, kind: code.kind ?? "SHARED", code: uniqueCode("ORD"), ...code },
    }),
  );
  return { couponId: coupon.id, code: created.code };
}

const call = (path: string, who: Account, input?: unknown) => callTrpcHttp(path, { session: sessionFor(who), input });
const query = (path: string, who: Account, input?: unknown) =>
  callTrpcHttp(path, { session: sessionFor(who), input, method: "GET" });
const KETTLE = { productId: "kettle", quantity: 1 }; // 59.99, gear
const kettleCart = (channel = "web") => ({
  currency: "USD",
  items: [{ productId: "kettle", categoryIds: ["gear"], unitPrice: 5999, quantity: 1 }],
  shipping: 495,
  channel,
});

async function place(who: Account, codes: string[], idempotencyKey = key()) {
  return callTrpcHttp("orders.place", {
    session: sessionFor(who),
    input: { items: [KETTLE], shippingMethod: "standard", codes, idempotencyKey },
  });
}
const pay = (who: Account, orderId: string, outcome: "approve" | "decline") =>
  call("orders.pay", who, { orderId, outcome });

async function redemptionsOfOrder(orderId: string): Promise<number> {
  const [row] = await getDb().execute<{ n: number }>(
    sql`select count(*)::int as n from redemptions where order_id = ${orderId}`,
  );
  return row!.n;
}

beforeAll(async () => {
  const user = await findUserByEmail(getDb(), "admin@demo.test");
  admin = { id: user!.id, email: user!.email, role: "admin" };
});

describe("first-order coupons: previousOrders comes from paid orders", () => {
  it("WELCOME10 applies until the first paid order, not after; a declined order does not count", async () => {
    const shopper = await newShopper();
    const validate = async () =>
      data<Quote>(await call("checkout.validate", shopper, { codes: ["WELCOME10"], cart: kettleCart() }));
    expect((await validate()).applied.map((a) => a.code)).toEqual(["WELCOME10"]);

    const declined = data<Order>(await place(shopper, ["WELCOME10"]));
    expect(data<Order>(await pay(shopper, declined.id, "decline")).state).toBe("failed");
    expect((await validate()).applied.map((a) => a.code)).toEqual(["WELCOME10"]);

    const order = data<Order>(await place(shopper, ["WELCOME10"]));
    expect(order).toMatchObject({
      state: "pending",
      codes: ["WELCOME10"],
      discountTotal: 1000,
      total: 5999 - 1000 + 495,
    });
    const paid = data<Order>(await pay(shopper, order.id, "approve"));
    expect(paid).toMatchObject({ state: "paid", redemptions: [{ code: "WELCOME10", amount: 1000 }] });

    expect((await validate()).rejected).toEqual([
      expect.objectContaining({ code: "WELCOME10", reason: "FIRST_ORDER_ONLY" }),
    ]);
  });

  it("a previousOrders sent by the browser is ignored", async () => {
    const shopper = await newShopper();
    const order = data<Order>(await place(shopper, []));
    data<Order>(await pay(shopper, order.id, "approve"));
    const quote = data<Quote>(
      await call("checkout.validate", shopper, {
        codes: ["WELCOME10"],
        cart: kettleCart(),
        customer: { id: shopper.id, previousOrders: 0 },
      }),
    );
    expect(quote.rejected.map((r) => r.reason)).toEqual(["FIRST_ORDER_ONLY"]);
  });
});

describe("the channel is decided on the server", () => {
  it("a storefront cart claiming pos gets no pos-only coupon, and web-only coupons apply whatever it claims", async () => {
    const shopper = await newShopper();
    const posOnly = await createCouponWithCode({ channels: ["pos"] });
    const webOnly = await createCouponWithCode({ channels: ["web"] });
    const quote = data<Quote>(
      await call("checkout.validate", shopper, { codes: [posOnly.code, webOnly.code], cart: kettleCart("pos") }),
    );
    expect(quote.rejected).toEqual([expect.objectContaining({ code: posOnly.code, reason: "CHANNEL_NOT_ALLOWED" })]);
    expect(quote.applied.map((a) => a.code)).toEqual([webOnly.code]);

    const order = data<Order>(await place(shopper, [webOnly.code]));
    expect(order.channel).toBe("web");
  });
});

describe("orders.place", () => {
  it("prices the cart from the catalog and holds the codes; the same key gives the same order", async () => {
    const shopper = await newShopper();
    const { code } = await createCouponWithCode({});
    const idempotencyKey = key();
    const input = {
      items: [KETTLE, { productId: "biscotti", quantity: 2 }, { productId: "kettle", quantity: 1 }],
      shippingMethod: "express",
      codes: [code],
      idempotencyKey,
    };
    const [first, second] = await Promise.all([
      call("orders.place", shopper, input),
      call("orders.place", shopper, input),
    ]);
    const order = data<Order>(first);
    expect(data<Order>(second).id).toBe(order.id);
    expect(order).toMatchObject({
      state: "pending",
      subtotal: 2 * 5999 + 2 * 499,
      shipping: 1495,
      discountTotal: 500,
      total: 2 * 5999 + 2 * 499 - 500 + 1495,
      codes: [code],
    });
    expect(order.lockId).toEqual(expect.any(String));
    expect(new Date(order.lockExpiresAt!).getTime()).toBeGreaterThan(Date.now());
    const [row] = await getDb().execute<{ n: number }>(
      sql`select count(*)::int as n from orders where customer_id = ${shopper.id}`,
    );
    expect(row!.n).toBe(1);
    // The same key for another cart is refused, and changes nothing.
    const other = await call("orders.place", shopper, { ...input, items: [KETTLE] });
    expect(other.status).toBe(422);
    expect(errorData(other).message).toMatch(/different order/);
  });

  it("refuses bad input with 4xx and a refused code with 409, creating no order", async () => {
    const shopper = await newShopper();
    const unknownProduct = await callTrpcHttp("orders.place", {
      session: sessionFor(shopper),
      input: {
        items: [{ productId: "nope", quantity: 1 }],
        shippingMethod: "standard",
        codes: [],
        idempotencyKey: key(),
      },
    });
    expect(unknownProduct.status).toBe(422);
    expect(
      (
        await call("orders.place", shopper, {
          items: [{ productId: "kettle", quantity: 0 }],
          shippingMethod: "drone",
          codes: [],
          idempotencyKey: key(),
        })
      ).status,
    ).toBe(400);
    const refused = await place(shopper, ["NO-SUCH-CODE-1"]);
    expect(refused.status).toBe(409);
    expect(errorData(refused).data).toMatchObject({ reason: "NOT_FOUND" });
    expect(
      (
        await callTrpcHttp("orders.place", {
          input: { items: [KETTLE], shippingMethod: "standard", codes: [], idempotencyKey: key() },
        })
      ).status,
    ).toBe(401);
    expect(data<Order[]>(await query("orders.list", shopper))).toEqual([]);
  });
});

describe("guest checkout (a signed guest cookie, no account)", () => {
  const guestCookie = () => `${GUEST_COOKIE}=${mintGuestToken().token}`;
  const asGuest = (cookie: string, path: string, input?: unknown, method: "GET" | "POST" = "POST") =>
    callTrpcHttp(path, { cookie, input, method });
  const guestPlace = (cookie: string, codes: string[]) =>
    asGuest(cookie, "orders.place", { items: [KETTLE], shippingMethod: "standard", codes, idempotencyKey: key() });

  it("a guest places and pays an order with a shared code; only that guest sees it", async () => {
    const guest = guestCookie();
    const { code } = await createCouponWithCode({ maxRedemptions: 5 });
    const order = data<Order>(await guestPlace(guest, [code]));
    expect(order).toMatchObject({ state: "pending", codes: [code], discountTotal: 500 });
    const paid = data<Order>(await asGuest(guest, "orders.pay", { orderId: order.id, outcome: "approve" }));
    expect(paid.state).toBe("paid");
    expect(await redemptionsOfOrder(order.id)).toBe(1);
    const [row] = await getDb().execute<{ customer_id: string }>(
      sql`select customer_id from redemptions where order_id = ${order.id}`,
    );
    expect(row!.customer_id).toMatch(/^guest:[0-9a-f-]{36}$/);
    expect(data<Order[]>(await asGuest(guest, "orders.list", undefined, "GET")).map((o) => o.id)).toEqual([order.id]);
    expect(data<Order>(await asGuest(guest, "orders.get", { orderId: order.id }, "GET")).state).toBe("paid");

    // Another guest, a forged cookie and no cookie at all see nothing of it.
    const other = guestCookie();
    expect((await asGuest(other, "orders.get", { orderId: order.id }, "GET")).status).toBe(404);
    expect(data<Order[]>(await asGuest(other, "orders.list", undefined, "GET"))).toEqual([]);
    const forged = `${GUEST_COOKIE}=${guest.split("=")[1]!.split(".")[0]}.AAAA`;
    expect((await asGuest(forged, "orders.list", undefined, "GET")).status).toBe(401);
    expect((await callTrpcHttp("orders.list", { method: "GET" })).status).toBe(401);
  });

  it("rules that need a known user say LOGIN_REQUIRED to a guest, and reserve nothing", async () => {
    const guest = guestCookie();
    const perUser = await createCouponWithCode({ maxRedemptionsPerUser: 1 });
    const refused = await guestPlace(guest, [perUser.code]);
    expect(refused.status).toBe(409);
    expect(errorData(refused).data).toMatchObject({ reason: "LOGIN_REQUIRED" });
    const welcome = await guestPlace(guest, ["WELCOME10"]);
    expect(errorData(welcome).data).toMatchObject({ reason: "LOGIN_REQUIRED" });
    expect(data<Order[]>(await asGuest(guest, "orders.list", undefined, "GET"))).toEqual([]);
  });

  it("lock hoarding applies per guest id: a second live lock on one coupon is refused", async () => {
    const guest = guestCookie();
    const { code } = await createCouponWithCode({ maxRedemptions: 10 });
    data<Order>(await guestPlace(guest, [code]));
    const second = await guestPlace(guest, [code]);
    expect(second.status).toBe(409);
    expect(errorData(second).data).toMatchObject({ reason: "LOCKED" });
  });

  it("one address mints at most RATE_LIMIT_GUEST_IDS_PER_IP new guest ids an hour; a valid one is kept", async () => {
    const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const limit = env().RATE_LIMIT_GUEST_IDS_PER_IP;
    const minted = [];
    for (let i = 0; i < limit; i += 1) minted.push(await startGuestCheckout({ ip, currentGuestId: null }));
    expect(new Set(minted.map((m) => m.guestId)).size).toBe(limit);
    await expect(startGuestCheckout({ ip, currentGuestId: null })).rejects.toMatchObject({ reason: "RATE_LIMITED" });
    // A browser that has its id already keeps it, over the limit or not.
    expect(await startGuestCheckout({ ip, currentGuestId: minted[0]!.guestId })).toEqual({
      guestId: minted[0]!.guestId,
      token: null,
    });
  });
});

describe("orders.pay", () => {
  it("approve redeems once, however many times it is sent at once", async () => {
    const shopper = await newShopper();
    const { code } = await createCouponWithCode({ maxRedemptions: 10 });
    const order = data<Order>(await place(shopper, [code]));
    const answers = await Promise.all([1, 2, 3].map(() => pay(shopper, order.id, "approve")));
    for (const answer of answers) expect(data<Order>(answer).state).toBe("paid");
    expect(await redemptionsOfOrder(order.id)).toBe(1);
    // A late decline changes nothing.
    expect(data<Order>(await pay(shopper, order.id, "approve")).state).toBe("paid");
    expect(data<Order>(await pay(shopper, order.id, "decline")).state).toBe("paid");
    expect(await redemptionsOfOrder(order.id)).toBe(1);
  });

  it("decline frees the last use for another shopper", async () => {
    const [first, second] = [await newShopper(), await newShopper()];
    const { code } = await createCouponWithCode({ maxRedemptions: 1 });
    const order = data<Order>(await place(first, [code]));
    const held = data<Quote>(await call("checkout.validate", second, { codes: [code], cart: kettleCart() }));
    expect(held.rejected.map((r) => r.reason)).toEqual(["EXHAUSTED"]);

    expect(data<Order>(await pay(first, order.id, "decline"))).toMatchObject({ state: "failed" });
    const free = data<Quote>(await call("checkout.validate", second, { codes: [code], cart: kettleCart() }));
    expect(free.applied.map((a) => a.code)).toEqual([code]);
    const theirs = data<Order>(await place(second, [code]));
    expect(data<Order>(await pay(second, theirs.id, "approve")).state).toBe("paid");
    // A failed order cannot be paid later.
    expect((await pay(first, order.id, "approve")).status).toBe(409);
  });

  it("another shopper's order is not found", async () => {
    const [owner, other] = [await newShopper(), await newShopper()];
    const order = data<Order>(await place(owner, []));
    expect((await pay(other, order.id, "approve")).status).toBe(404);
    expect((await query("orders.get", other, { orderId: order.id })).status).toBe(404);
    expect(data<Order>(await query("orders.get", owner, { orderId: order.id })).id).toBe(order.id);
  });
});

describe("an expired hold", () => {
  it("is refused with EXPIRED, held again on request, then paid", async () => {
    const globals = globalThis as unknown as { couponRedis?: Redis | null };
    const saved = getRedis();
    // Postgres gate: the hold's expiry lives in the locks row, which the test can move into the past.
    globals.couponRedis = null;
    resetBreaker();
    try {
      const shopper = await newShopper();
      const { code } = await createCouponWithCode({ maxRedemptions: 5 });
      const order = data<Order>(await place(shopper, [code]));
      await getDb()
        .update(locks)
        .set({ expiresAt: new Date(Date.now() - 1000) })
        .where(eq(locks.id, order.lockId!));
      await getDb().execute(
        sql`update orders set lock_expires_at = now() - interval '1 second' where id = ${order.id}`,
      );

      const refused = await pay(shopper, order.id, "approve");
      expect(refused.status).toBe(422);
      expect(errorData(refused)).toMatchObject({ data: { reason: "EXPIRED" } });
      expect(errorData(refused).message).toMatch(/hold on your codes ended/);

      const held = data<Order>(await call("orders.holdAgain", shopper, { orderId: order.id }));
      expect(held.lockId).not.toBe(order.lockId);
      expect(held.state).toBe("pending");
      expect(data<Order>(await pay(shopper, order.id, "approve")).state).toBe("paid");
      expect(await redemptionsOfOrder(order.id)).toBe(1);
    } finally {
      globals.couponRedis = saved;
      resetBreaker();
    }
  });
});

describe("wallet.list", () => {
  it("shows the shopper's assigned codes, and a redeemed one as REDEEMED", async () => {
    const shopper = await newShopper();
    const other = await newShopper();
    const { code } = await createCouponWithCode(
      { name: "Wallet test" },
      { kind: "UNIQUE", assignedUserId: shopper.id, maxRedemptions: 1 },
    );
    type WalletCode = { code: string; state: string; usesLeft: number | null; coupon: { name: string } };
    const wallet = data<WalletCode[]>(await query("wallet.list", shopper));
    expect(wallet).toEqual([
      expect.objectContaining({
        code,
        state: "ASSIGNED",
        usesLeft: 1,
        coupon: expect.objectContaining({ name: "Wallet test" }),
      }),
    ]);
    expect(data<WalletCode[]>(await query("wallet.list", other))).toEqual([]);

    const order = data<Order>(await place(shopper, [code]));
    expect(data<WalletCode[]>(await query("wallet.list", shopper))[0]!.state).toBe("LOCKED");
    data<Order>(await pay(shopper, order.id, "approve"));
    expect(data<WalletCode[]>(await query("wallet.list", shopper))[0]).toMatchObject({
      state: "REDEEMED",
      usesLeft: 0,
    });
    expect((await callTrpcHttp("wallet.list", { method: "GET" })).status).toBe(401);
  });
});
