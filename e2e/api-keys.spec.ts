import { expect, test } from "@playwright/test";
import { ADMIN, VIEWER, signIn, snap } from "./fixtures";

// API keys in the console (secret once, revoke) and used over REST; the rendered API docs under the CSP.
test.describe.configure({ mode: "serial" });

const NAME = `E2E key ${Date.now().toString(36)}`;
let secret = "";

test("an admin creates a key: the secret is shown once and works over REST", async ({ page, request }, testInfo) => {
  await signIn(page, ADMIN, "/admin/api-keys");
  await page.goto("/admin/api-keys");
  await page.getByRole("button", { name: "New key" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(NAME);
  await dialog.getByRole("checkbox").nth(0).click(); // untick checkout
  await dialog.getByRole("checkbox").nth(1).click(); // tick admin:read
  await dialog.getByRole("button", { name: "Create key" }).click();
  secret = (await dialog.getByTestId("api-key-secret").locator("code").textContent()) ?? "";
  expect(secret).toMatch(/^cfk_/);
  await snap(page, testInfo, "api-key-created");
  await dialog.getByRole("button", { name: "Done" }).click();
  const row = page.getByTestId("table-row").filter({ hasText: NAME });
  await expect(row).toContainText("admin:read");
  await expect(row).toContainText("active");
  await expect(page.getByText(secret)).toHaveCount(0);

  const coupons = await request.get("/api/v1/coupons?limit=5", { headers: { authorization: `Bearer ${secret}` } });
  expect(coupons.status()).toBe(200);
  // A JSON answer: nothing in it may load or be framed.
  expect(coupons.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  const lock = await request.post("/api/v1/checkout/validate", {
    headers: { authorization: `Bearer ${secret}` },
    data: { codes: [], cart: { currency: "USD", items: [{ productId: "p", unitPrice: 100, quantity: 1 }] } },
  });
  expect(lock.status()).toBe(403);
  expect((await lock.json()).error.code).toBe("FORBIDDEN");
});

test("a viewer sees the keys but no control to change them", async ({ page }, testInfo) => {
  await signIn(page, VIEWER, "/admin/api-keys");
  await page.goto("/admin/api-keys");
  await expect(page.getByTestId("table-row").filter({ hasText: NAME })).toBeVisible();
  await expect(page.getByRole("button", { name: "New key" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  await snap(page, testInfo, "api-keys-viewer");
});

test("revoking the key refuses it at once", async ({ page, request }) => {
  await signIn(page, ADMIN, "/admin/api-keys");
  await page.goto("/admin/api-keys");
  await page.getByRole("button", { name: `Revoke ${NAME}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("table-row").filter({ hasText: NAME })).toContainText("revoked");
  const answer = await request.get("/api/v1/coupons", { headers: { authorization: `Bearer ${secret}` } });
  expect(answer.status()).toBe(401);
});

test("/api/docs renders the API under the page's Content-Security-Policy", async ({ page }, testInfo) => {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
  });
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { name: "CouponForge REST API" })).toBeVisible();
  await expect(page.getByText("Reserve one use of every code").first()).toBeVisible();
  await snap(page, testInfo, "api-docs");
  expect(violations).toEqual([]);
});
