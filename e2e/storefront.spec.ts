import { expect, test, type Browser, type Page } from "@playwright/test";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { ADMIN, expectAccessible, signIn, snap } from "./fixtures";

const [ALICE, BOB, CAROL] = DEMO_ACCOUNTS.filter((a) => a.role === "shopper");

async function addToCart(page: Page, productName: string) {
  await page.getByRole("button", { name: `Add ${productName} to cart` }).click();
}

async function applyCode(page: Page, code: string, via: "enter" | "button" = "enter") {
  const input = page.getByRole("textbox", { name: "Promotion code" });
  await expect(page.getByRole("button", { name: "Apply" })).toBeVisible(); // not "Applying…"
  await input.fill(code);
  if (via === "enter") await input.press("Enter");
  else await page.getByRole("button", { name: "Apply" }).click();
  await expect(chip(page, code.trim().toUpperCase())).not.toHaveAttribute("data-state", "checking");
}

const chip = (page: Page, code: string) => page.locator(`[data-testid="coupon-chip"][data-code="${code}"]`);

/** A new coupon with one shared code, made through the admin API. */
async function createCoupon(browser: Browser, rules: Record<string, unknown>): Promise<string> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ADMIN);
  const code = `E2E${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 1000)}`;
  const created = await page.request.post("/api/trpc/admin.coupons.create", {
    data: { json: { name: `E2E ${code}`, kind: "FIXED", value: 500, currency: "USD", ...rules } },
  });
  expect(created.status()).toBe(200);
  const couponId = (await created.json()).result.data.json.id as string;
  const codeResponse = await page.request.post("/api/trpc/admin.codes.create", {
    data: { json: { couponId, kind: "SHARED", code } },
  });
  expect(codeResponse.status()).toBe(200);
  await context.close();
  return code;
}

async function shopperPage(browser: Browser, account: { email: string; password: string }): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, account);
  return page;
}

test("a guest applies codes, signs in from LOGIN_REQUIRED back to the cart, and buys with two stacked codes", async ({
  page,
}, testInfo) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Coffee" })).toBeVisible();
  await expectAccessible(page, testInfo, "storefront");
  await addToCart(page, "Gooseneck kettle");
  await addToCart(page, "Espresso beans 1 kg");
  await snap(page, testInfo, "storefront");

  await page.getByTestId("cart-link").click();
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  await applyCode(page, "summer20");
  await applyCode(page, "WELCOME10", "button");
  await expect(chip(page, "SUMMER20")).toHaveAttribute("data-state", "applied");
  await expect(chip(page, "SUMMER20")).toContainText("−$16.90");
  await expect(chip(page, "WELCOME10")).toHaveAttribute("data-state", "rejected");
  await expect(chip(page, "WELCOME10")).toContainText("Please sign in to use this code.");
  await expect(page.getByTestId("coupon-announcer")).toHaveText(/WELCOME10 was not applied/);
  await expect(page.getByRole("link", { name: "Sign in to place your order" })).toBeVisible();
  await expectAccessible(page, testInfo, "cart-guest");
  await snap(page, testInfo, "cart-guest-login-required");

  // The chip's link signs in and comes back to the same cart (kept in the browser across sign-in).
  await chip(page, "WELCOME10").getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fcart/);
  await page.getByLabel("Email").fill(CAROL!.email);
  await page.getByLabel("Password").fill(CAROL!.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId("cart-line")).toHaveCount(2);
  await expect(chip(page, "WELCOME10")).toHaveAttribute("data-state", "applied");
  await expect(chip(page, "SUMMER20")).toHaveAttribute("data-state", "applied");

  // 84.49: SUMMER20 takes 20 % (16.90), then WELCOME10 $10 from what is left; + 4.95 standard shipping.
  await expect(page.getByTestId("summary-subtotal")).toHaveText("$84.49");
  await expect(page.getByTestId("summary-total")).toHaveText("$62.54");
  await expect(page.getByTestId("line-discount")).toHaveText(["−$19.10", "−$7.80"]);
  // The quote follows the cart: express shipping and a second kettle.
  await page.getByLabel(/Express/).check();
  await expect(page.getByTestId("summary-shipping")).toHaveText("$14.95");
  await page.getByRole("button", { name: "One more Gooseneck kettle" }).click();
  // 144.48 - 28.90 (20 %) - 10.00 + 14.95
  await expect(page.getByTestId("summary-total")).toHaveText("$120.53");
  await page.getByRole("button", { name: "One less Gooseneck kettle" }).click();
  await page.getByLabel(/Standard/).check();
  await expect(page.getByTestId("summary-total")).toHaveText("$62.54");
  await expectAccessible(page, testInfo, "cart-signed-in");
  await snap(page, testInfo, "cart-two-codes");

  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByTestId("order-confirmation")).toBeVisible();
  await expect(page.getByTestId("order-confirmation")).toContainText("SUMMER20, WELCOME10");
  await expect(page.getByTestId("summary-total")).toHaveText("$62.54");
  await expectAccessible(page, testInfo, "confirmation");
  await snap(page, testInfo, "confirmation");
  await expect(page.getByTestId("cart-link")).toHaveAccessibleName("Cart");

  // Second order: WELCOME10 is for a first order only.
  await page.goto("/");
  await addToCart(page, "Gooseneck kettle");
  await page.goto("/cart");
  await applyCode(page, "WELCOME10");
  await expect(chip(page, "WELCOME10")).toHaveAttribute("data-state", "rejected");
  await expect(chip(page, "WELCOME10")).toContainText("This code is only valid on your first order.");
  await snap(page, testInfo, "welcome10-second-order");
  await page.getByRole("button", { name: "Remove code WELCOME10" }).click();
  await expect(chip(page, "WELCOME10")).toHaveCount(0);
});

test("a guest checks out without an account: the order is paid, and only this browser sees it", async ({
  page,
  browser,
}, testInfo) => {
  await page.goto("/");
  await addToCart(page, "Gooseneck kettle");
  await page.getByTestId("cart-link").click();
  await applyCode(page, "SUMMER20");
  await applyCode(page, "WELCOME10");
  await expect(chip(page, "WELCOME10")).toContainText("Please sign in to use this code.");
  await expect(page.getByRole("button", { name: /Place order/ })).toHaveCount(0);

  await page.getByRole("button", { name: "Continue as guest" }).click();
  await expect(page.getByText(/^Checking out as a guest. Some codes/)).toBeVisible();
  await expect(page.getByTestId("current-guest")).toHaveText("Guest");
  // A rule that needs a known user still says so, with its sign-in link.
  await expect(chip(page, "WELCOME10").getByRole("link", { name: "Sign in" })).toBeVisible();
  // 59.99 - 12.00 (SUMMER20: 20 %) + 4.95 shipping; WELCOME10 is left out.
  await expect(page.getByTestId("summary-total")).toHaveText("$52.94");
  await expectAccessible(page, testInfo, "cart-guest-checkout");
  await snap(page, testInfo, "cart-guest-checkout");

  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByTestId("order-confirmation")).toBeVisible();
  await expect(page.getByTestId("order-confirmation")).toContainText("SUMMER20");
  await expect(page.getByTestId("order-confirmation")).not.toContainText("WELCOME10");
  await expect(page.getByTestId("summary-total")).toHaveText("$52.94");
  await expectAccessible(page, testInfo, "confirmation-guest");
  await snap(page, testInfo, "confirmation-guest");
  const orderPath = new URL(page.url()).pathname;

  // The guest's order history holds this order.
  await page.getByRole("navigation").getByRole("link", { name: "Orders" }).click();
  await expect(page.getByTestId("order-row")).toHaveCount(1);
  await expect(page.getByTestId("order-row")).toHaveAttribute("data-state", "paid");
  await snap(page, testInfo, "orders-guest");

  // Another browser (no guest cookie) is asked to sign in; another guest does not find it.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(orderPath);
  await expect(stranger).toHaveURL(/\/sign-in\?callbackUrl=/);
  const otherGuest = await stranger.request.post("/api/guest");
  expect(otherGuest.status()).toBe(200);
  await stranger.goto(orderPath);
  await expect(stranger.getByText(/No such order/)).toBeVisible();
  await stranger.context().close();
});

test("a declined payment releases the code, and it can be used right after", async ({ browser }, testInfo) => {
  const code = await createCoupon(browser, { maxRedemptions: 1 });
  const page = await shopperPage(browser, ALICE!);
  await page.goto("/");
  await addToCart(page, "Burr grinder");
  await page.goto("/cart");
  await applyCode(page, code);
  await expect(chip(page, code)).toHaveAttribute("data-state", "applied");

  await page.getByLabel(/^Decline/).check();
  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The payment was declined" })).toContainText(
    "your codes were released",
  );
  await snap(page, testInfo, "declined");
  await expect(chip(page, code)).toHaveAttribute("data-state", "applied");

  await page.getByLabel(/^Approve/).check();
  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByTestId("order-confirmation")).toContainText(code);

  await page.goto("/orders");
  await expect(page.getByTestId("order-row")).toHaveCount(2);
  await expect(page.locator('[data-testid="order-row"][data-state="failed"]')).toHaveCount(1);
  await expect(page.locator('[data-testid="order-row"][data-state="paid"]')).toHaveCount(1);
  await snap(page, testInfo, "order-history");
});

test("a slow payment shows the hold; approving twice (double clicks) redeems once", async ({ browser }, testInfo) => {
  // Two uses: had the double clicks redeemed twice, Bob would find the code used up.
  const code = await createCoupon(browser, { maxRedemptions: 2 });
  const page = await shopperPage(browser, ALICE!);
  await page.goto("/");
  await addToCart(page, "Enamel mug");
  await page.goto("/cart");
  await applyCode(page, code);
  await page.getByLabel(/^Slow/).check();
  await page.getByRole("button", { name: /Place order/ }).dblclick();

  await expect(page.getByTestId("payment-pending")).toBeVisible();
  await expect(page.getByTestId("hold-timer")).toHaveText(/^[45]:\d\d$/);
  await expectAccessible(page, testInfo, "payment-pending");
  await snap(page, testInfo, "slow-payment");
  const orderUrl = page.url();
  // A reload while the bank is slow finds the same pending order.
  await page.reload();
  await expect(page.getByTestId("payment-pending")).toBeVisible();
  // Approve, twice at once through the API as a retrying client would, and by double click.
  const orderId = orderUrl.split("/").pop()!;
  const answers = await Promise.all(
    [1, 2].map(() => page.request.post("/api/trpc/orders.pay", { data: { json: { orderId, outcome: "approve" } } })),
  );
  expect(answers.map((a) => a.status())).toEqual([200, 200]);
  await page
    .getByRole("button", { name: "Bank approves" })
    .dblclick()
    .catch(() => undefined);
  await page.reload();
  await expect(page.getByTestId("order-confirmation")).toBeVisible();

  await page.goto("/orders");
  await expect(page.locator('[data-testid="order-row"]', { hasText: code })).toHaveCount(1);

  const bob = await shopperPage(browser, BOB!);
  await bob.goto("/");
  await addToCart(bob, "Enamel mug");
  await bob.goto("/cart");
  await applyCode(bob, code);
  await expect(chip(bob, code)).toHaveAttribute("data-state", "applied");
});

test("when the hold runs out before the bank answers, the page says so and offers to hold the codes again", async ({
  browser,
}, testInfo) => {
  const code = await createCoupon(browser, { maxRedemptions: 5 });
  const page = await shopperPage(browser, ALICE!);
  await page.clock.install();
  await page.goto("/");
  await addToCart(page, "Sencha 100 g");
  await page.goto("/cart");
  await applyCode(page, code);
  await page.getByLabel(/^Slow/).check();
  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByTestId("hold-timer")).toBeVisible();
  // The browser's clock jumps past the lock's TTL (the server's expiry itself is covered by orders.int.test.ts).
  await page.clock.fastForward("05:01");
  await expect(page.getByRole("alert").filter({ hasText: "The hold on your codes has ended" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Hold codes again" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Bank approves" })).toHaveCount(0);
  await snap(page, testInfo, "hold-ended");
});

test("two shoppers race for the last use: one pays, the other is told it is used up", async ({ browser }, testInfo) => {
  const code = await createCoupon(browser, { maxRedemptions: 1 });
  const pages = await Promise.all([shopperPage(browser, ALICE!), shopperPage(browser, BOB!)]);
  for (const page of pages) {
    await page.goto("/");
    await addToCart(page, "Canvas tote");
    await page.goto("/cart");
    await applyCode(page, code);
    await expect(chip(page, code)).toHaveAttribute("data-state", "applied");
  }
  await Promise.all(pages.map((page) => page.getByRole("button", { name: /Place order/ }).click()));

  const outcomes = await Promise.all(
    pages.map(async (page) => {
      const won = page.getByTestId("order-confirmation");
      const lost = page.getByRole("alert").filter({ hasText: "reached its usage limit" });
      await expect(won.or(lost)).toBeVisible();
      return (await won.isVisible()) ? "won" : "lost";
    }),
  );
  expect([...outcomes].sort()).toEqual(["lost", "won"]);
  const loser = pages[outcomes.indexOf("lost")]!;
  await expect(chip(loser, code)).toHaveAttribute("data-state", "rejected");
  await snap(loser, testInfo, "race-lost");
  await snap(pages[outcomes.indexOf("won")]!, testInfo, "race-won");
});

test("the wallet lists the shopper's own code and applies it to the cart", async ({ browser }, testInfo) => {
  const page = await shopperPage(browser, BOB!);
  await page.goto("/");
  await addToCart(page, "Almond biscotti");
  await page.goto("/wallet");
  const entry = page.getByTestId("wallet-code").filter({ hasText: "Thank-you $7 off" });
  await expect(entry).toHaveAttribute("data-state", "ASSIGNED");
  const code = (await entry.locator("code").textContent())!.trim();
  expect(code).toMatch(/^THANKS-[A-Z0-9]{8}$/);
  await expectAccessible(page, testInfo, "wallet");
  await snap(page, testInfo, "wallet");

  await entry.getByRole("button", { name: "Apply to cart" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(chip(page, code)).toHaveAttribute("data-state", "applied");
  await expect(chip(page, code)).toContainText("−$4.99"); // $7 off a $4.99 cart: capped at the subtotal
  await page.getByRole("button", { name: /Place order/ }).click();
  await expect(page.getByTestId("order-confirmation")).toContainText(code);

  await page.goto("/wallet");
  await expect(entry).toHaveAttribute("data-state", "REDEEMED");
  await expect(entry.getByRole("button", { name: "Apply to cart" })).toBeDisabled();

  // Another shopper cannot use it.
  const alice = await shopperPage(browser, ALICE!);
  await alice.goto("/");
  await addToCart(alice, "Almond biscotti");
  await alice.goto("/cart");
  await applyCode(alice, code);
  await expect(chip(alice, code)).toHaveAttribute("data-state", "rejected");
});

test("the wallet claims a random code from a coupon book, once, and applies it to the cart", async ({
  browser,
}, testInfo) => {
  const page = await shopperPage(browser, CAROL!);
  await page.goto("/");
  await addToCart(page, "Espresso beans 1 kg");
  await page.goto("/wallet");
  const book = page.getByTestId("claim-book").filter({ hasText: "Coffee club" });
  await expect(book).toContainText("You hold 0 of 1 allowed");
  await book.getByRole("button", { name: "Claim a code from Coffee club" }).click();
  await expect(book.getByTestId("claimed-code")).toBeVisible();
  const code = (await book.getByTestId("claimed-code").locator("code").textContent())!.trim();
  expect(code).toMatch(/^CLUB-[2-9A-HJKMNP-Z]{8}$/);
  // The claimed code is in the wallet now, and the book allows no second claim.
  const entry = page.getByTestId("wallet-code").filter({ hasText: code });
  await expect(entry).toHaveAttribute("data-state", "ASSIGNED");
  await expectAccessible(page, testInfo, "wallet-claimed");
  await snap(page, testInfo, "wallet-claimed");
  await page.reload();
  await expect(book).toContainText("You hold 1 of 1 allowed");
  await expect(book.getByRole("button", { name: "Claim a code from Coffee club" })).toBeDisabled();

  await entry.getByRole("button", { name: "Apply to cart" }).click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(chip(page, code)).toHaveAttribute("data-state", "applied");
  await expect(chip(page, code)).toContainText("−$3.68"); // 15 % of $24.50, rounded half up
  await snap(page, testInfo, "cart-claimed-code");
});
