import fs from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signIn, snap } from "./fixtures";

const cart = {
  currency: "USD",
  items: [{ productId: "kettle", categoryIds: ["gear"], unitPrice: 5999, quantity: 1 }],
  shipping: 0,
  channel: "web",
};
const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`.toUpperCase();

/** A tRPC mutation with the page's session (superjson body). */
async function call<T>(page: Page, procedure: string, input: unknown): Promise<T> {
  const response = await page.request.post(`/api/trpc/${procedure}`, { data: { json: input } });
  const body = await response.json();
  expect(response.status(), JSON.stringify(body)).toBe(200);
  return body.result.data.json as T;
}

async function makeCoupon(page: Page, name: string): Promise<string> {
  const coupon = await call<{ id: string }>(page, "admin.coupons.create", {
    name,
    kind: "FIXED",
    value: 500,
    currency: "USD",
  });
  return coupon.id;
}

test.beforeEach(async ({ page }) => {
  await signIn(page, ADMIN, "/admin");
});

test("generate 10,000 codes with a live progress bar, download the CSV and redeem a code from it", async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const couponName = `E2E bulk ${unique()}`;
  const couponId = await makeCoupon(page, couponName);
  // From the coupon's page: the coupon comes preselected in the picker.
  await page.goto(`/admin/coupons/${couponId}`);
  await page.locator(`a[href="/admin/generate?couponId=${couponId}"]`).click();
  await expect(page).toHaveURL(new RegExp(`/admin/generate\\?couponId=${couponId}`));
  await expect(page.getByRole("combobox", { name: "Coupon", exact: true })).toHaveText(couponName);
  await expect(page.getByTestId("entropy-check")).toContainText("Entropy check passed");
  // A guessable shape is refused before submit.
  await page.getByLabel("Random characters (6-16)").fill("6");
  await page.getByLabel("How many codes").fill("1000000");
  await expect(page.getByTestId("entropy-check")).toContainText("guessable");
  await expect(page.getByRole("button", { name: "Generate codes" })).toBeDisabled();
  await snap(page, testInfo, "generate-entropy-refused");

  await page.getByLabel("Random characters (6-16)").fill("10");
  await page.getByLabel("How many codes").fill("10000");
  await page.getByRole("button", { name: "Generate codes" }).click();
  await expect(page.getByTestId("job-progress")).toBeVisible();
  await expect(page.getByTestId("job-status")).toHaveText("COMPLETED", { timeout: 180_000 });
  await expect(page.getByTestId("job-percent")).toHaveText("100 %");
  await expect(page.getByRole("progressbar", { name: "Job progress" })).toHaveAttribute("aria-valuenow", "100");
  // The job is in the URL: a reload shows it again.
  await expect(page).toHaveURL(/[?&]jobId=[0-9a-f-]{36}/);
  await page.reload();
  await expect(page.getByTestId("job-status")).toHaveText("COMPLETED");
  await snap(page, testInfo, "generate-completed");

  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download CSV" }).click();
  const download = await downloading;
  const csv = await fs.readFile((await download.path())!, "utf8");
  const lines = csv.trim().split("\n");
  expect(lines[0]).toBe("code,kind,status,max_redemptions,redeemed,assigned_to,book_id,created_at");
  expect(lines).toHaveLength(10_001);
  const code = lines[1]!.split(",")[0]!;
  expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/);

  const redeemed = await call<{ redemptions: Array<{ code: string; amount: number }> }>(page, "checkout.redeem", {
    codes: [code],
    cart,
    orderId: `e2e-bulk-${unique()}`,
    idempotencyKey: `e2e-${unique()}`,
  });
  expect(redeemed.redemptions).toEqual([expect.objectContaining({ code, amount: 500 })]);
  // The link worked once.
  expect((await page.request.get(download.url())).status()).toBe(404);
});

test("cancel a 1,000,000-code job while it runs: none of its codes are kept, and it does not look done", async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const couponId = await makeCoupon(page, `E2E cancel ${unique()}`);
  await page.goto(`/admin/generate?couponId=${couponId}`);
  await page.getByLabel("How many codes").fill("1000000");
  await page.getByRole("button", { name: "Generate codes" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("RUNNING", { timeout: 60_000 });
  await expect(page.getByTestId("job-percent")).not.toHaveText("0 %", { timeout: 60_000 });
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("CANCELLED", { timeout: 60_000 });
  await expect(page.getByTestId("job-message")).toHaveText("Cancelled; none of its codes were kept.");
  await expect(page.getByTestId("job-progress")).toContainText("drawn, none kept");
  await snap(page, testInfo, "generate-cancelled");
  const codes = await page.request.get(
    `/api/trpc/admin.codes.list?input=${encodeURIComponent(JSON.stringify({ json: { couponId, limit: 5 } }))}`,
  );
  expect((await codes.json()).result.data.json.items).toEqual([]);
});

test("import a file with one bad line: nothing is imported and the line is reported", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const tag = unique();
  await makeCoupon(page, `E2E import ${tag}`);
  const file = testInfo.outputPath("codes.csv");
  await fs.writeFile(file, `code\nIMP-${tag}-A\nnot a code!\nIMP-${tag}-B\n`);
  // The coupon is chosen with the keyboard alone: open the picker, search by name, Enter.
  await page.goto("/admin/import");
  await expect(page.getByRole("button", { name: "Import" })).toBeDisabled();
  const picker = page.getByRole("combobox", { name: "Coupon", exact: true });
  await expect(picker).toHaveText("Choose a coupon…");
  await picker.focus();
  await page.keyboard.press("Enter");
  await page.keyboard.type(`E2E import ${tag}`);
  await expect(page.getByRole("option")).toHaveCount(1);
  await expect(page.getByRole("option")).toContainText(`E2E import ${tag}`);
  await snap(page, testInfo, "import-coupon-picker");
  await page.keyboard.press("Enter");
  await expect(picker).toHaveText(`E2E import ${tag}`);
  await expect(picker).toBeFocused();
  await page.getByLabel("CSV file").setInputFiles(file);
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("FAILED", { timeout: 60_000 });
  await expect(page.getByTestId("job-message")).toContainText("1 of 3 lines were refused; nothing was imported");
  const report = page.getByTestId("import-errors");
  await expect(report.getByRole("row", { name: /3 INVALID_FORMAT/ })).toContainText("not a code!");
  await expect(report.getByRole("link", { name: "Download the report" })).toHaveAttribute(
    "href",
    /\/api\/admin\/jobs\/.+\/errors/,
  );
  await snap(page, testInfo, "import-refused-line");
});

test("create a book, fill it with codes and assign one to a shopper", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const couponName = `E2E book ${unique()}`;
  const couponId = await makeCoupon(page, couponName);
  await page.goto(`/admin/books?couponId=${couponId}`);
  await expect(page.getByRole("combobox", { name: "Coupon", exact: true })).toHaveText(couponName);
  const name = `Welcome ${unique()}`;
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Codes per user").fill("1");
  await page.getByRole("button", { name: "Create book" }).click();
  const detail = page.getByTestId("book-detail");
  await expect(detail).toContainText(name);
  await detail.getByRole("link", { name: "Generate codes into it" }).click();
  await page.getByLabel("How many codes").fill("20");
  await page.getByRole("button", { name: "Generate codes" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("COMPLETED", { timeout: 120_000 });

  await page.goBack();
  await page
    .getByRole("row", { name: new RegExp(name) })
    .getByRole("button", { name: "Open" })
    .click();
  await expect(detail).toContainText("20 codes, 0 assigned, 20 left");
  await detail.getByLabel("User's email").fill("alice@shop.test");
  await detail.getByRole("button", { name: "Assign" }).click();
  await expect(detail).toContainText("20 codes, 1 assigned, 19 left");
  await expect(detail.getByRole("row", { name: /ASSIGNED/ })).toContainText("alice@shop.test");
  // The per-user limit (1) holds.
  await detail.getByRole("button", { name: "Assign" }).click();
  await expect(page.getByText(/already has 1 code of this book/)).toBeVisible();
  await snap(page, testInfo, "book-assigned");
});

test("a redemption shows on the dashboard", async ({ page }, testInfo) => {
  const couponName = `E2E dashboard ${unique()}`;
  const couponId = await makeCoupon(page, couponName);
  const code = `DASH${unique()}`;
  await call(page, "admin.codes.create", { couponId, kind: "SHARED", code });
  await call(page, "checkout.redeem", {
    codes: [code],
    cart,
    orderId: `e2e-dash-${unique()}`,
    idempotencyKey: `e2e-${unique()}`,
  });
  await page.goto("/admin/analytics");
  await page.getByRole("button", { name: "Refresh now" }).click();
  await expect(page.getByTestId("top-coupons")).toContainText(couponName);
  await expect(page.getByTestId("stat-redemptions")).not.toHaveText("0");
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export top coupons as CSV" }).click();
  const csv = await fs.readFile((await (await downloading).path())!, "utf8");
  expect(csv).toContain(couponName);
  await snap(page, testInfo, "dashboard");
});
