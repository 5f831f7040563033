import { randomUUID } from "node:crypto";
import type { Session } from "next-auth";
import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { createCaller } from "../../root";

const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
  channel: "web" as const,
};

type Role = "admin" | "viewer" | "shopper";
const sessions = {} as Record<Role, Session>;
const as = (role: Role) =>
  createCaller({ session: sessions[role], headers: new Headers(), ip: `10.9.${role.length}.1` });

beforeAll(async () => {
  for (const role of ["admin", "viewer", "shopper"] as const) {
    const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
    const user = await findUserByEmail(getDb(), account.email);
    sessions[role] = { user: { id: user!.id, email: user!.email, role }, expires: "2099-01-01" };
  }
});

async function codeOf(error: Promise<unknown>): Promise<string> {
  try {
    await error;
  } catch (e) {
    return (e as TRPCError).code;
  }
  return "no error";
}

const unique = () => randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();

async function couponWithCode(rules: Record<string, unknown> = {}) {
  const name = `Int ${unique()}`;
  const coupon = await as("admin").admin.coupons.create({
    name,
    kind: "PERCENT",
    value: 1250,
    currency: "USD",
    ...rules,
  });
  const created = await as("admin").admin.codes.create({ couponId: coupon.id, kind: "SHARED", code: `AC${unique()}` });
  return { coupon, code: created.code, codeId: created.id, name };
}

describe("admin coupons: create, find, edit, state machine, audit", () => {
  it("walks a coupon through its life, each change seen by validate at once and audited", async () => {
    const { coupon, code, name } = await couponWithCode({ maxRedemptions: 5 });
    expect(coupon.status).toBe("ACTIVE");
    expect(coupon.value).toBe(1250);

    // Found by part of its name (any case) and by its exact code, typed loosely.
    const byName = await as("viewer").admin.coupons.list({ search: name.slice(4).toLowerCase() });
    expect(byName.items.map((c) => c.id)).toEqual([coupon.id]);
    expect(byName.items[0]).toMatchObject({ code, phase: "running", codeCount: 1 });
    const byCode = await as("viewer").admin.coupons.list({ search: ` ${code.toLowerCase()} ` });
    expect(byCode.items.map((c) => c.id)).toEqual([coupon.id]);

    const before = await as("shopper").checkout.validate({ codes: [code], cart: CART });
    expect(before.discountTotal).toBe(613); // 12.5 % of 49.00, half up

    const updated = await as("admin").admin.coupons.update({
      ...pickRules(coupon),
      id: coupon.id,
      expectedVersion: coupon.version,
      value: 2000,
      maxRedemptions: 10,
    });
    expect(updated.version).toBe(coupon.version + 1);
    expect(updated.maxRedemptions).toBe(10);
    const after = await as("shopper").checkout.validate({ codes: [code], cart: CART });
    expect(after.discountTotal).toBe(980);

    // An edit over a stale version is refused, not merged.
    expect(
      await codeOf(
        as("admin").admin.coupons.update({ ...pickRules(coupon), id: coupon.id, expectedVersion: coupon.version }),
      ),
    ).toBe("CONFLICT");

    await as("admin").admin.coupons.setStatus({ id: coupon.id, status: "DISABLED" });
    const disabled = await as("shopper").checkout.validate({ codes: [code], cart: CART });
    expect(disabled.rejected).toEqual([expect.objectContaining({ reason: "DISABLED" })]);

    // Invalid transitions are refused with words, and change nothing.
    await expect(as("admin").admin.coupons.setStatus({ id: coupon.id, status: "DRAFT" })).rejects.toThrow(
      /cannot go back to draft/,
    );
    await as("admin").admin.coupons.setStatus({ id: coupon.id, status: "ARCHIVED" });
    await expect(as("admin").admin.coupons.setStatus({ id: coupon.id, status: "ACTIVE" })).rejects.toThrow(
      /archived coupon is final/,
    );
    expect(await codeOf(as("admin").admin.coupons.setStatus({ id: coupon.id, status: "ACTIVE" }))).toBe(
      "UNPROCESSABLE_CONTENT",
    );
    expect(await codeOf(as("admin").admin.coupons.update({ ...pickRules(updated), id: coupon.id }))).toBe(
      "UNPROCESSABLE_CONTENT",
    );
    expect((await as("viewer").admin.coupons.get({ id: coupon.id })).status).toBe("ARCHIVED");

    const audit = await as("viewer").admin.audit.list({ targetType: "coupon", targetId: coupon.id });
    expect(audit.items.map((e) => e.action)).toEqual([
      "coupon.archived",
      "coupon.disabled",
      "coupon.update",
      "coupon.create",
    ]);
    const edit = audit.items.find((e) => e.action === "coupon.update")!;
    expect(edit.actorEmail).toBe(sessions.admin.user.email);
    expect(edit.before).toMatchObject({ value: 1250, maxRedemptions: 5 });
    expect(edit.after).toMatchObject({ value: 2000, maxRedemptions: 10 });
  });

  it("a draft is never redeemable and goes live through setStatus", async () => {
    const { coupon, code } = await couponWithCode({ status: "DRAFT" });
    expect(coupon.status).toBe("DRAFT");
    const quote = await as("shopper").checkout.validate({ codes: [code], cart: CART });
    expect(quote.rejected).toEqual([expect.objectContaining({ reason: "DISABLED" })]);
    expect(
      await codeOf(
        as("shopper").checkout.redeem({
          codes: [code],
          cart: CART,
          orderId: `o-${unique()}`,
          idempotencyKey: unique(),
        }),
      ),
    ).toBe("CONFLICT");
    await as("admin").admin.coupons.setStatus({ id: coupon.id, status: "ACTIVE" });
    const live = await as("shopper").checkout.validate({ codes: [code], cart: CART });
    expect(live.applied).toHaveLength(1);
  });

  it("a retried create with one idempotency key makes one coupon; another payload with it is refused", async () => {
    const key = `create-${randomUUID()}`;
    const name = `Idem ${unique()}`;
    const input = { name, kind: "FIXED" as const, value: 500, currency: "USD", idempotencyKey: key };
    const [a, b] = await Promise.all([
      as("admin").admin.coupons.create(input),
      as("admin").admin.coupons.create(input),
    ]);
    const c = await as("admin").admin.coupons.create(input);
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    const listed = await as("admin").admin.coupons.list({ search: name });
    expect(listed.items).toHaveLength(1);
    expect(await codeOf(as("admin").admin.coupons.create({ ...input, value: 600 }))).toBe("UNPROCESSABLE_CONTENT");
  });

  it("the list pages by keyset without gaps or repeats, in both directions and by name", async () => {
    const tag = unique();
    for (let i = 0; i < 5; i += 1)
      await as("admin").admin.coupons.create({ name: `Page ${tag} ${i}`, kind: "FREE_SHIPPING" });
    for (const [sort, direction] of [
      ["created", "desc"],
      ["created", "asc"],
      ["name", "asc"],
      ["name", "desc"],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Awaited<ReturnType<ReturnType<typeof as>["admin"]["coupons"]["list"]>> = await as(
          "viewer",
        ).admin.coupons.list({ search: `Page ${tag}`, sort, direction, limit: 2, cursor });
        seen.push(...page.items.map((c) => c.name));
        cursor = page.nextCursor;
      } while (cursor);
      const expected = [0, 1, 2, 3, 4].map((i) => `Page ${tag} ${i}`);
      expect(seen).toEqual(direction === "asc" ? expected : expected.reverse());
    }
    expect(await codeOf(as("viewer").admin.coupons.list({ cursor: "not-a-cursor" }))).toBe("UNPROCESSABLE_CONTENT");
  });

  it("filters by status, kind and window", async () => {
    const tag = unique();
    const now = Date.now();
    const mk = (suffix: string, rules: Record<string, unknown>) =>
      as("admin").admin.coupons.create({ name: `Filter ${tag} ${suffix}`, kind: "FREE_SHIPPING", ...rules });
    await mk("scheduled", { validFrom: new Date(now + 86_400_000) });
    await mk("ended", { validFrom: new Date(now - 2 * 86_400_000), validUntil: new Date(now - 86_400_000) });
    await mk("running", {});
    await mk("draft", { status: "DRAFT" });
    const names = async (filter: Record<string, unknown>) =>
      (await as("viewer").admin.coupons.list({ search: `Filter ${tag}`, ...filter })).items.map((c) =>
        c.name.split(" ").pop(),
      );
    expect(await names({ window: "scheduled" })).toEqual(["scheduled"]);
    expect(await names({ window: "ended" })).toEqual(["ended"]);
    expect((await names({ window: "running" })).sort()).toEqual(["draft", "running"]);
    expect(await names({ status: "DRAFT" })).toEqual(["draft"]);
    expect(await names({ kind: "PERCENT" })).toEqual([]);
  });
});

describe("roles", () => {
  it("a viewer reads everything and changes nothing (403)", async () => {
    const { coupon, codeId } = await couponWithCode();
    const viewer = as("viewer");
    await expect(viewer.admin.coupons.get({ id: coupon.id })).resolves.toMatchObject({ id: coupon.id });
    await expect(viewer.admin.coupons.usage({ id: coupon.id })).resolves.toMatchObject({ used: 0 });
    await expect(viewer.admin.codes.list({ couponId: coupon.id })).resolves.toMatchObject({ items: [{ id: codeId }] });
    await expect(viewer.admin.redemptions.list({ couponId: coupon.id })).resolves.toEqual({
      items: [],
      nextCursor: null,
    });
    expect(await codeOf(viewer.admin.coupons.create({ name: "nope", kind: "FREE_SHIPPING" }))).toBe("FORBIDDEN");
    expect(await codeOf(viewer.admin.coupons.setStatus({ id: coupon.id, status: "DISABLED" }))).toBe("FORBIDDEN");
    expect(await codeOf(viewer.admin.codes.setStatus({ id: codeId, status: "DISABLED" }))).toBe("FORBIDDEN");
    expect(await codeOf(viewer.admin.redemptions.void({ orderId: "x", reason: "no" }))).toBe("FORBIDDEN");
    expect(await codeOf(as("shopper").admin.coupons.list({}))).toBe("FORBIDDEN");
    expect((await viewer.admin.coupons.get({ id: coupon.id })).status).toBe("ACTIVE");
  });
});

describe("codes", () => {
  it("a disabled code is refused by validate, lock and redeem at once, though its look-up was cached", async () => {
    const { code, codeId, coupon } = await couponWithCode();
    // Warm every cache level with the code.
    for (let i = 0; i < 2; i += 1)
      expect((await as("shopper").checkout.validate({ codes: [code], cart: CART })).applied).toHaveLength(1);
    await as("admin").admin.codes.setStatus({ id: codeId, status: "DISABLED" });
    const quote = await as("shopper").checkout.validate({ codes: [code], cart: CART });
    expect(quote.rejected).toEqual([expect.objectContaining({ reason: "DISABLED" })]);
    expect(await codeOf(as("shopper").checkout.lock({ codes: [code], cart: CART, idempotencyKey: unique() }))).toBe(
      "CONFLICT",
    );
    expect(
      await codeOf(
        as("shopper").checkout.redeem({
          codes: [code],
          cart: CART,
          orderId: `o-${unique()}`,
          idempotencyKey: unique(),
        }),
      ),
    ).toBe("CONFLICT");

    const found = await as("viewer").admin.codes.lookup({ code: code.toLowerCase() });
    expect(found).toMatchObject({
      found: true,
      code: { id: codeId, state: "DISABLED" },
      coupon: { id: coupon.id },
      history: [{ action: "code.disable" }, { action: "code.create" }],
    });
    expect(await as("viewer").admin.codes.lookup({ code: "NOSUCHCODE1" })).toMatchObject({ found: false });

    await as("admin").admin.codes.setStatus({ id: codeId, status: "ACTIVE" });
    expect((await as("shopper").checkout.validate({ codes: [code], cart: CART })).applied).toHaveLength(1);
  });
});

describe("redemptions", () => {
  it("lists by coupon, code, customer and order; a void is audited and replayed by its key", async () => {
    const { coupon, code } = await couponWithCode({ maxRedemptions: 1 });
    const orderId = `order-${unique()}`;
    const redeemed = await as("shopper").checkout.redeem({
      codes: [code],
      cart: CART,
      orderId,
      idempotencyKey: unique(),
    });
    const redemptionId = redeemed.redemptions[0]!.id;
    const customerId = sessions.shopper.user.id;
    for (const filter of [
      { couponId: coupon.id },
      { code: code.toLowerCase() },
      { orderId },
      { customerId, orderId },
    ]) {
      const page = await as("viewer").admin.redemptions.list(filter);
      expect(page.items.map((r) => r.id)).toEqual([redemptionId]);
      expect(page.items[0]).toMatchObject({ code, orderId, couponName: coupon.name, voidedAt: null });
    }
    expect((await as("viewer").admin.redemptions.list({ code: "UNKNOWN42" })).items).toEqual([]);
    expect((await as("viewer").admin.redemptions.list({ orderId, from: new Date(Date.now() + 60_000) })).items).toEqual(
      [],
    );

    const key = `void-${randomUUID()}`;
    const first = await as("admin").admin.redemptions.void({
      redemptionId,
      reason: "order cancelled",
      idempotencyKey: key,
    });
    expect(first.voided).toEqual([{ id: redemptionId, usesRestored: true }]);
    const again = await as("admin").admin.redemptions.void({
      redemptionId,
      reason: "order cancelled",
      idempotencyKey: key,
    });
    // The retry replays the first answer (and gives nothing back again); without a key, nothing is left to void.
    expect(again).toEqual(first);
    expect((await as("admin").admin.redemptions.void({ redemptionId, reason: "order cancelled" })).voided).toEqual([]);
    const [row] = (await as("viewer").admin.redemptions.list({ orderId })).items;
    expect(row).toMatchObject({ voidReason: "order cancelled", usesRestored: true });
    expect(row!.voidedAt).toBeInstanceOf(Date);

    const audit = await as("viewer").admin.audit.list({ targetType: "redemption", targetId: redemptionId });
    expect(audit.items).toMatchObject([
      { action: "redemption.void", actorEmail: sessions.admin.user.email, after: { voidReason: "order cancelled" } },
    ]);
    const byActor = await as("viewer").admin.audit.list({ actor: sessions.admin.user.email!.toUpperCase(), limit: 5 });
    expect(byActor.items.length).toBeGreaterThan(0);
    expect(byActor.items.every((e) => e.actorEmail === sessions.admin.user.email)).toBe(true);

    // The use came back: the single-use coupon redeems again.
    const usage = await as("viewer").admin.coupons.usage({ id: coupon.id });
    expect(usage).toMatchObject({ used: 0, remaining: 1, lockedNow: 0 });
  });
});

function pickRules(
  c: Awaited<ReturnType<ReturnType<typeof as>["admin"]["coupons"]["create"]>>,
): Record<string, unknown> {
  return {
    name: c.name,
    description: c.description,
    internalNotes: c.internalNotes,
    kind: c.kind,
    value: c.value ?? undefined,
    currency: c.currency,
    maxDiscount: c.maxDiscount,
    minOrderAmount: c.minOrderAmount,
    validFrom: c.validFrom,
    validUntil: c.validUntil,
    maxRedemptions: c.maxRedemptions,
    maxRedemptionsPerUser: c.maxRedemptionsPerUser,
    budget: c.budget,
    productIds: c.productIds,
    categoryIds: c.categoryIds,
    allowedEmailDomains: c.allowedEmailDomains,
    firstOrderOnly: c.firstOrderOnly,
    channels: c.channels,
    stacking: c.stacking,
    priority: c.priority,
    voidRestoresUses: c.voidRestoresUses,
  };
}
