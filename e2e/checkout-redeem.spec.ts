import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { ADMIN, signIn } from "./fixtures";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";

const [ALICE, BOB] = DEMO_ACCOUNTS.filter((a) => a.role === "shopper");
const cart = {
  currency: "USD",
  items: [{ productId: "kettle", categoryIds: ["gear"], unitPrice: 5999, quantity: 1 }],
  shipping: 0,
  channel: "web",
};
const key = () => `e2e-${Math.random().toString(36).slice(2)}-${Date.now()}`;

async function sessionRequest(
  browser: Browser,
  account: { email: string; password: string },
): Promise<APIRequestContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, account);
  return page.request;
}

test("lock holds the last use, unlock gives it back, redeem takes it once", async ({ browser }) => {
  const code = `LOCK${Date.now().toString(36).toUpperCase()}`;
  const admin = await sessionRequest(browser, ADMIN);
  const created = await admin.post("/api/trpc/admin.coupons.create", {
    data: { json: { name: "E2E last one", kind: "FIXED", value: 1000, currency: "USD", maxRedemptions: 1 } },
  });
  const couponId = (await created.json()).result.data.json.id as string;
  expect(
    (await admin.post("/api/trpc/admin.codes.create", { data: { json: { couponId, kind: "SHARED", code } } })).status(),
  ).toBe(200);

  const alice = await sessionRequest(browser, ALICE!);
  const bob = await sessionRequest(browser, BOB!);

  const locked = await alice.post("/api/trpc/checkout.lock", {
    data: { json: { codes: [code], cart, idempotencyKey: key() } },
  });
  expect(locked.status()).toBe(200);
  const lock = (await locked.json()).result.data.json as {
    lockId: string;
    expiresAt: string;
    quote: { discountTotal: number };
  };
  expect(lock.quote.discountTotal).toBe(1000);

  // The only use is held by Alice's checkout: Bob is refused as a whole, with the per-code reason.
  const refused = await bob.post("/api/trpc/checkout.lock", {
    data: { json: { codes: [code], cart, idempotencyKey: key() } },
  });
  expect(refused.status()).toBe(409);
  expect((await refused.json()).error.json.data).toMatchObject({
    code: "CONFLICT",
    reason: "EXHAUSTED",
    details: { rejected: [{ code, reason: "EXHAUSTED" }] },
  });

  expect(
    (await (await alice.post("/api/trpc/checkout.unlock", { data: { json: { lockId: lock.lockId } } })).json()).result
      .data.json,
  ).toEqual({ released: true });

  const idempotencyKey = key();
  const redeem = () =>
    bob.post("/api/trpc/checkout.redeem", {
      data: { json: { codes: [code], cart, orderId: "E2E-ORDER-1", idempotencyKey } },
    });
  const [first, retry] = [await redeem(), await redeem()];
  expect(first.status()).toBe(200);
  expect(retry.status()).toBe(200);
  const body = (await first.json()).result.data.json;
  expect(body).toMatchObject({ orderId: "E2E-ORDER-1", redemptions: [{ code, couponId, amount: 1000 }] });
  expect((await retry.json()).result.data.json).toEqual(body);

  // Used up now: Alice's new attempt is refused.
  const late = await alice.post("/api/trpc/checkout.redeem", {
    data: { json: { codes: [code], cart, orderId: "E2E-ORDER-2", idempotencyKey: key() } },
  });
  expect(late.status()).toBe(409);
});
