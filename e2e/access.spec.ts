import { expect, test } from "@playwright/test";
import { ADMIN, SHOPPER, VIEWER, signIn, snap } from "./fixtures";

test("the storefront lists the seeded catalog", async ({ page }, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "The demo store" })).toBeVisible();
  await expect(page.getByTestId("product-card")).toHaveCount(13);
  await snap(page, testInfo, "storefront");
});

test("an anonymous visitor is sent to sign-in from /admin", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=(%2F|\/)admin$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }, testInfo) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in/);
  await snap(page, testInfo, "sign-in-refused");
});

test("the admin signs in and reaches /admin with live system status", async ({ page }, testInfo) => {
  await signIn(page, ADMIN, "/admin");
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByTestId("stat-accounts")).toHaveText("5");
  await expect(page.getByTestId("stat-products")).toHaveText("13");
  await expect(page.getByTestId("status-postgres")).toHaveText("up");
  await expect(page.getByTestId("status-redis")).toHaveText(/up|off/);
  await snap(page, testInfo, "admin-overview");
});

test("a viewer reaches /admin too", async ({ page }) => {
  await signIn(page, VIEWER, "/admin");
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
});

test("a shopper is refused /admin with a 403", async ({ page }, testInfo) => {
  await signIn(page, SHOPPER);
  const response = await page.goto("/admin");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Admins only" })).toBeVisible();
  await expect(page.getByText("Overview")).toHaveCount(0);
  await snap(page, testInfo, "shopper-refused");
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page, SHOPPER);
  await page.goto("/sign-out");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
});

test("the tRPC health procedure answers (status only, anonymously)", async ({ request }) => {
  const response = await request.get("/api/trpc/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.result.data.json.status).toBe("ok");
  expect(body.result.data.json.postgres).toBeUndefined();
});
