import { expect, test } from "@playwright/test";
import { ADMIN, SHOPPER, signIn } from "./fixtures";

const cart = {
  currency: "USD",
  items: [
    { productId: "grinder", categoryIds: ["gear"], unitPrice: 14900, quantity: 1 },
    { productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 3 },
  ],
  shipping: 700,
  channel: "web",
};

test("a coupon created through the admin API validates on a shopper's cart with a per-line breakdown", async ({
  browser,
}) => {
  const code = `E2E${Date.now().toString(36).toUpperCase()}`;

  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await signIn(adminPage, ADMIN);
  const created = await adminPage.request.post("/api/trpc/admin.coupons.create", {
    data: { json: { name: "E2E coffee 20 %", kind: "PERCENT", value: 2000, categoryIds: ["coffee"] } },
  });
  expect(created.status()).toBe(200);
  const couponId = (await created.json()).result.data.json.id as string;
  const codeResponse = await adminPage.request.post("/api/trpc/admin.codes.create", {
    data: { json: { couponId, kind: "SHARED", code } },
  });
  expect(codeResponse.status()).toBe(200);
  await adminContext.close();

  const shopperContext = await browser.newContext();
  const shopperPage = await shopperContext.newPage();
  await signIn(shopperPage, SHOPPER);
  const response = await shopperPage.request.post("/api/trpc/checkout.validate", {
    data: { json: { codes: [code.toLowerCase()], cart } },
  });
  expect(response.status()).toBe(200);
  const quote = (await response.json()).result.data.json;
  // Coffee only: 3 x 2450 = 7350, 20 % = 1470, all on the espresso line.
  expect(quote).toMatchObject({
    subtotal: 22_250,
    discountTotal: 1470,
    total: 22_250 - 1470 + 700,
    applied: [
      { code, couponId, kind: "PERCENT", amount: 1470, lines: [{ productId: "espresso-beans", amount: 1470 }] },
    ],
    rejected: [],
  });

  // A shopper may not create coupons.
  const refused = await shopperPage.request.post("/api/trpc/admin.coupons.create", {
    data: { json: { name: "x", kind: "FREE_SHIPPING" } },
  });
  expect(refused.status()).toBe(403);
  await shopperContext.close();
});
