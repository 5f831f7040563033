import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { checkoutWithCoupons, couponClient, CouponApiError } from "../examples/rest-checkout";
import { ADMIN, signIn } from "./fixtures";

// The REST example client (examples/rest-checkout.ts) against the production server: as a script, and its
// failure paths through its functions.
const run = promisify(execFile);
const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
};
let apiKey = "";

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  await signIn(page, ADMIN, "/admin/api-keys");
  const created = await page.request.post("/api/trpc/admin.apiKeys.create", {
    data: { json: { name: `Example client ${Date.now().toString(36)}`, scopes: ["checkout"], channel: "app" } },
  });
  expect(created.status()).toBe(200);
  apiKey = (await created.json()).result.data.json.secret;
  await page.close();
});

test("the script validates, locks and redeems SUMMER20 over REST with an API key", async ({ baseURL }) => {
  const { stdout } = await run("npx", ["tsx", "examples/rest-checkout.ts", "SUMMER20"], {
    env: { ...process.env, COUPONFORGE_URL: baseURL, COUPONFORGE_API_KEY: apiKey },
    timeout: 60_000,
  });
  const result = JSON.parse(stdout) as {
    quote: { discountTotal: number };
    redemption: { orderId: string; redemptions: Array<{ code: string; amount: number }> };
  };
  expect(result.quote.discountTotal).toBe(980); // 20 % of 49.00
  expect(result.redemption.redemptions).toEqual([expect.objectContaining({ code: "SUMMER20", amount: 980 })]);
});

test("a failed payment unlocks; a bad key is a typed 401; the paths it uses are documented", async ({
  baseURL,
  request,
}) => {
  const client = couponClient({ baseUrl: baseURL!, apiKey });
  const declined = await checkoutWithCoupons(client, {
    orderId: `example-declined-${Date.now().toString(36)}`,
    codes: ["SUMMER20", "NOSUCHCODE1"],
    cart: CART,
    customer: { id: `example-${Date.now().toString(36)}` },
    pay: async () => false,
  });
  expect(declined.redemption).toBeNull();
  expect(declined.quote.applied.map((a) => a.code)).toEqual(["SUMMER20"]);

  const error = await couponClient({ baseUrl: baseURL!, apiKey: "cfk_wrong" })
    .validate({ codes: [], cart: CART })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CouponApiError);
  expect(error).toMatchObject({ status: 401, code: "UNAUTHORIZED" });

  const document = await (await request.get("/api/openapi.json")).json();
  for (const path of ["/checkout/validate", "/checkout/lock", "/checkout/redeem", "/checkout/unlock"])
    expect(document.paths[path]?.post, path).toBeDefined();
});
