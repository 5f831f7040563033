import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, VIEWER, signIn, snap } from "./fixtures";

// One coupon's life through the console, in order; each step is checked at the checkout and in the audit log.
test.describe.configure({ mode: "serial" });

const TAG = Date.now().toString(36).toUpperCase();
const NAME = `E2E Autumn ${TAG}`;
const CODE_A = `AUT${TAG}`;
const CODE_B = `AUTB${TAG}`;
const ORDER = `e2e-order-${TAG}`;
const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 495,
  channel: "web",
};

let page: Page;
let couponUrl = "";

async function validate(request: APIRequestContext, code: string) {
  const response = await request.post("/api/trpc/checkout.validate", { data: { json: { codes: [code], cart: CART } } });
  expect(response.status()).toBe(200);
  return (await response.json()).result.data.json as {
    discountTotal: number;
    applied: unknown[];
    rejected: Array<{ reason: string }>;
  };
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(page, ADMIN, "/admin");
});
test.afterAll(async () => page.close());
// The shared page is not the test's own fixture page: keep its picture when a step fails.
test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await snap(page, testInfo, "failed-here");
});

test("create a coupon through the form, with inline errors and a live preview", async ({}, testInfo) => {
  await page.goto("/admin/coupons");
  await page.getByRole("link", { name: "New coupon" }).click();
  await expect(page.getByRole("heading", { name: "New coupon" })).toBeVisible();

  // The server's schema speaks inline: a percentage over 100 is refused on its field.
  await page.getByLabel("Percentage (%)").fill("150");
  await page.getByLabel("Percentage (%)").blur();
  await expect(page.getByRole("alert").filter({ hasText: "at most 100 %" })).toBeVisible();

  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("Percentage (%)").fill("12.5");
  await page.getByLabel("Total uses").fill("5");
  // The sample cart: 12.5 % of 2 x 24.50 + 9.90 = 7.3625, half up: $7.36 off.
  await expect(page.getByTestId("preview-discount")).toHaveText("$7.36");
  await expect(page.getByTestId("rules-summary")).toContainText("12.5 % off the whole cart.");
  await snap(page, testInfo, "coupon-form");
  await page.getByRole("button", { name: "Create coupon" }).click();

  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  couponUrl = page.url();
  await expect(page.getByTestId("coupon-rules")).toContainText("At most 5 uses in total.");
  for (const code of [CODE_A, CODE_B]) {
    await page.getByLabel("New code").fill(code);
    await page.getByRole("button", { name: "Add code" }).click();
    await expect(page.getByRole("table", { name: "Codes" }).getByText(code, { exact: true })).toBeVisible();
  }
  expect((await validate(page.request, CODE_A)).discountTotal).toBe(613);
});

test("find it in the list by name and by exact code", async ({}, testInfo) => {
  await page.goto("/admin/coupons");
  await page.getByLabel("Search by name or exact code").fill(`autumn ${TAG}`.toLowerCase());
  await expect(page).toHaveURL(/q=/);
  await expect(page.getByTestId("table-row")).toHaveCount(1);
  await expect(page.getByRole("link", { name: NAME })).toBeVisible();
  await page.getByLabel("Search by name or exact code").fill(CODE_B.toLowerCase());
  await expect(page.getByRole("link", { name: NAME })).toBeVisible();
  await expect(page.getByTestId("table-row")).toHaveCount(1);
  await snap(page, testInfo, "coupons-list-search");
  await page.getByLabel("Search by name or exact code").fill(`nothing-like-this-${TAG}`);
  await expect(page.getByText("No coupons match these filters.")).toBeVisible();
});

test("edit its limit after a redemption: the console asks first, and validate sees it at once", async ({}, testInfo) => {
  const redeemed = await page.request.post("/api/trpc/checkout.redeem", {
    data: { json: { codes: [CODE_A], cart: CART, orderId: ORDER, idempotencyKey: `e2e-redeem-${TAG}` } },
  });
  expect(redeemed.status()).toBe(200);

  await page.goto(couponUrl);
  await expect(page.getByTestId("usage-redeemed")).toHaveText("1");
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByText("its kind and currency stay as they are")).toBeVisible();
  await page.getByLabel("Total uses").fill("1");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByRole("alertdialog")).toContainText("Change the limits of a coupon in use?");
  await snap(page, testInfo, "confirm-limit-change");
  await page.getByRole("button", { name: "Change the limits" }).click();
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  await expect(page.getByTestId("coupon-rules")).toContainText("At most 1 use in total.");
  await expect(page.getByTestId("usage-remaining")).toHaveText("0");
  expect((await validate(page.request, CODE_A)).rejected).toEqual([expect.objectContaining({ reason: "EXHAUSTED" })]);
});

test("void the redemption from the UI with a reason: its use comes back", async ({}, testInfo) => {
  await page.goto(`/admin/redemptions?order=${ORDER}`);
  await expect(page.getByTestId("table-row")).toHaveCount(1);
  await page.getByRole("button", { name: `Void the redemption of order ${ORDER}` }).click();
  await page.getByRole("button", { name: "Void redemption" }).click();
  await expect(page.getByText("Say why (e.g. order cancelled).")).toBeVisible();
  await page.getByLabel("Reason").fill("Order cancelled by the customer");
  await snap(page, testInfo, "void-dialog");
  await page.getByRole("button", { name: "Void redemption" }).click();
  await expect(page.getByRole("cell", { name: /voided/ })).toContainText("Order cancelled by the customer");
  await snap(page, testInfo, "redemptions-voided");
  expect((await validate(page.request, CODE_A)).applied).toHaveLength(1);
});

test("disable a single code: checkout refuses it at once, the other code still works", async ({}, testInfo) => {
  await page.goto(couponUrl);
  await page.getByRole("button", { name: `Disable ${CODE_B}` }).click();
  await expect(page.getByRole("button", { name: `Enable ${CODE_B}` })).toBeVisible();
  expect((await validate(page.request, CODE_B)).rejected).toEqual([expect.objectContaining({ reason: "DISABLED" })]);
  expect((await validate(page.request, CODE_A)).applied).toHaveLength(1);
  await snap(page, testInfo, "code-disabled");
});

test("disable the coupon, then archive it (final)", async ({}, testInfo) => {
  await page.goto(couponUrl);
  // Only the valid transitions are offered.
  await expect(page.getByRole("button", { name: "Activate" })).toHaveCount(0);
  await page.getByRole("button", { name: "Disable" }).first().click();
  await expect(page.getByRole("alertdialog")).toContainText("Its codes stop working at once");
  await page.getByRole("alertdialog").getByRole("button", { name: "Disable" }).click();
  await expect(page.getByTestId("coupon-phase")).toHaveText("disabled");
  expect((await validate(page.request, CODE_A)).rejected).toEqual([expect.objectContaining({ reason: "DISABLED" })]);

  await page.getByRole("button", { name: "Archive" }).click();
  const archive = page.getByRole("button", { name: "Archive for good" });
  await expect(archive).toBeDisabled();
  await page.getByLabel("Type the coupon's name to confirm").fill(NAME);
  await archive.click();
  await expect(page.getByTestId("coupon-phase")).toHaveText("archived");
  await expect(page.getByRole("button", { name: "Activate" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await snap(page, testInfo, "coupon-archived");

  // The server refuses what the UI no longer offers.
  const couponId = couponUrl.split("/").pop();
  const refused = await page.request.post("/api/trpc/admin.coupons.setStatus", {
    data: { json: { id: couponId, status: "ACTIVE" } },
  });
  expect(refused.status()).toBe(422);
  expect((await refused.json()).error.json.message).toMatch(/archived coupon is final/);
});

test("every step is in the audit log", async ({}, testInfo) => {
  await page.goto(`/admin/audit?actor=${encodeURIComponent(ADMIN.email)}`);
  for (const action of [
    "coupon.create",
    "code.create",
    "coupon.update",
    "redemption.void",
    "code.disable",
    "coupon.disabled",
    "coupon.archived",
  ])
    await expect(page.getByRole("cell", { name: action, exact: true }).first()).toBeVisible();
  await snap(page, testInfo, "audit-log");
  await page.goto(couponUrl);
  await expect(page.getByTestId("coupon-timeline")).toContainText("coupon.update");
  await expect(page.getByTestId("coupon-timeline")).toContainText("maxRedemptions: 5 → 1");
  // Only what was edited changed (an untouched end date keeps its seconds).
  await expect(page.getByTestId("coupon-timeline")).not.toContainText("validUntil");
  await snap(page, testInfo, "coupon-page");
});

test("a viewer sees the pages without any control that changes data", async ({ browser }, testInfo) => {
  const viewer = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await signIn(viewer, VIEWER, "/admin");
  await viewer.goto("/admin/coupons");
  await expect(viewer.getByRole("link", { name: "SUMMER20" }).or(viewer.getByText("SUMMER20")).first()).toBeVisible();
  await expect(viewer.getByRole("link", { name: "New coupon" })).toHaveCount(0);
  await snap(viewer, testInfo, "viewer-coupons");

  await viewer.getByLabel("Search by name or exact code").fill("SUMMER20");
  await expect(viewer).toHaveURL(/q=SUMMER20/);
  await expect(viewer.getByTestId("table-row")).toHaveCount(1);
  await viewer.getByRole("link", { name: "Summer 20 % off" }).click();
  await expect(viewer.getByTestId("coupon-rules")).toBeVisible();
  await expect(viewer.getByTestId("usage-redeemed")).toBeVisible();
  for (const name of ["Disable", "Archive", "Activate", "Add code"])
    await expect(viewer.getByRole("button", { name })).toHaveCount(0);
  await expect(viewer.getByRole("link", { name: "Edit" })).toHaveCount(0);
  await expect(viewer.getByLabel("New code")).toHaveCount(0);
  await snap(viewer, testInfo, "viewer-coupon-page");

  await viewer.goto(`/admin/redemptions?order=${ORDER}`);
  await expect(viewer.getByTestId("table-row")).toHaveCount(1);
  await expect(viewer.getByRole("button", { name: /Void/ })).toHaveCount(0);
  await viewer.goto("/admin/audit");
  await expect(viewer.getByRole("cell", { name: "coupon.archived", exact: true }).first()).toBeVisible();

  const response = await viewer.goto("/admin/coupons/new");
  expect(response?.status()).toBe(403);
  const refused = await viewer.request.post("/api/trpc/admin.coupons.create", {
    data: { json: { name: "viewer tries", kind: "FREE_SHIPPING" } },
  });
  expect(refused.status()).toBe(403);
  await viewer.close();
});
