// API keys end to end through the tRPC caller: created by an admin (secret once, hash stored, audited),
// authenticating checkout and admin calls by scope, the channel from the key, the customer from the
// body only for keys, revocation, rotation with two live keys, last-used time and the per-key limit.

import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import type { Session } from "next-auth";
import { beforeAll, describe, expect, it } from "vitest";
import { hashApiKey } from "@/server/crypto/api-key-secrets";
import { getDb } from "@/server/db/client";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { apiKeys, auditLog } from "@/server/db/schema";
import { chargeAttempts } from "@/server/redis/rate-limit";
import { createCaller } from "./root";

type Role = "admin" | "viewer" | "shopper";
const sessions = {} as Record<Role, Session>;
const as = (role: Role) => createCaller({ session: sessions[role], headers: new Headers(), ip: "10.31.0.1" });
/** A caller with this key (and, to prove it is ignored, the admin's session beside it). */
const withKey = (secret: string, header: "authorization" | "x-api-key" = "authorization") =>
  createCaller({
    session: sessions.admin,
    headers: new Headers({ [header]: header === "authorization" ? `Bearer ${secret}` : secret }),
    ip: "10.31.0.2",
  });

const unique = () => randomUUID().replace(/-/g, "").slice(0, 10).toUpperCase();
const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
};

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return "OK";
  } catch (error) {
    return (error as TRPCError).code;
  }
}

async function newKey(scopes: Array<"checkout" | "admin:read" | "admin:write">, channel = "web" as const) {
  return as("admin").admin.apiKeys.create({ name: `Int ${unique()}`, scopes, channel });
}

async function couponOnChannels(channels: string[]) {
  const coupon = await as("admin").admin.coupons.create({
    name: `Chan ${unique()}`,
    kind: "PERCENT",
    value: 1000,
    currency: "USD",
    channels,
  });
  const code = `CH${unique()}`;
  await as("admin").admin.codes.create({ couponId: coupon.id, kind: "SHARED", code });
  return { coupon, code };
}

beforeAll(async () => {
  for (const role of ["admin", "viewer", "shopper"] as const) {
    const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
    const user = await findUserByEmail(getDb(), account.email);
    sessions[role] = { user: { id: user!.id, email: user!.email, role }, expires: "2099-01-01" };
  }
});

describe("admin.apiKeys", () => {
  it("shows the secret once, stores only its keyed hash, lists without it and audits the creation", async () => {
    const { key, secret } = await newKey(["checkout"]);
    expect(secret).toMatch(/^cfk_[A-Za-z0-9_-]{43}$/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const [row] = await getDb().select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row!.secretHash.equals(hashApiKey(secret))).toBe(true);
    expect(JSON.stringify(row)).not.toContain(secret.slice(8));

    const listed = (await as("viewer").admin.apiKeys.list()).find((k) => k.id === key.id);
    expect(listed).toMatchObject({ prefix: key.prefix, scopes: ["checkout"], channel: "web", state: "active" });
    expect(JSON.stringify(listed)).not.toContain(secret.slice(8));

    const audit = await getDb().select().from(auditLog).where(eq(auditLog.targetId, key.id));
    expect(audit.map((a) => a.action)).toEqual(["api_key.create"]);
    expect(JSON.stringify(audit)).not.toContain(secret.slice(8));
  });

  it("lets a viewer see keys but not change them, and refuses bad input with 400", async () => {
    const { key } = await newKey(["admin:read"]);
    expect(await codeOf(as("viewer").admin.apiKeys.create({ name: "x", scopes: ["checkout"], channel: "web" }))).toBe(
      "FORBIDDEN",
    );
    expect(await codeOf(as("viewer").admin.apiKeys.revoke({ id: key.id }))).toBe("FORBIDDEN");
    expect(await codeOf(as("viewer").admin.apiKeys.rotate({ id: key.id, graceHours: 1 }))).toBe("FORBIDDEN");
    expect(await codeOf(as("shopper").admin.apiKeys.list())).toBe("FORBIDDEN");
    const bad = as("admin").admin.apiKeys.create as unknown as (input: unknown) => Promise<unknown>;
    expect(await codeOf(bad({ name: " ", scopes: ["checkout"], channel: "web" }))).toBe("BAD_REQUEST");
    expect(await codeOf(bad({ name: "x", scopes: [], channel: "web" }))).toBe("BAD_REQUEST");
    expect(await codeOf(bad({ name: "x", scopes: ["root"], channel: "web" }))).toBe("BAD_REQUEST");
    expect(await codeOf(bad({ name: "x", scopes: ["checkout"], channel: "tv" }))).toBe("BAD_REQUEST");
  });

  it("never lets a key manage keys, even one with every scope", async () => {
    const { secret } = await newKey(["checkout", "admin:read", "admin:write"]);
    expect(await codeOf(withKey(secret).admin.apiKeys.list())).toBe("FORBIDDEN");
    expect(
      await codeOf(withKey(secret).admin.apiKeys.create({ name: "x", scopes: ["checkout"], channel: "web" })),
    ).toBe("FORBIDDEN");
  });

  it("revokes at once (audited); an unknown or malformed key is 401, not anonymous", async () => {
    const { key, secret } = await newKey(["admin:read"]);
    expect(await codeOf(withKey(secret).admin.coupons.list({}))).toBe("OK");
    await as("admin").admin.apiKeys.revoke({ id: key.id });
    expect(await codeOf(withKey(secret).admin.coupons.list({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(withKey(secret).checkout.validate({ codes: [], cart: CART }))).toBe("UNAUTHORIZED");
    expect(await codeOf(withKey(`cfk_${"A".repeat(43)}`).health())).toBe("UNAUTHORIZED");
    expect(await codeOf(withKey("not-a-key", "x-api-key").health())).toBe("UNAUTHORIZED");
    const audit = await getDb().select().from(auditLog).where(eq(auditLog.targetId, key.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["api_key.create", "api_key.revoke"]);
    expect((await as("admin").admin.apiKeys.list()).find((k) => k.id === key.id)?.state).toBe("revoked");
  });

  it("rotates: the new key works at once, the old one until its grace ends (two live keys), then not", async () => {
    const { key, secret: oldSecret } = await newKey(["admin:read"], "pos" as "web");
    const rotated = await as("admin").admin.apiKeys.rotate({ id: key.id, graceHours: 2 });
    expect(rotated.key).toMatchObject({ name: key.name, scopes: key.scopes, channel: "pos", rotatedFromId: key.id });
    expect(rotated.previous.state).toBe("expiring");
    const hours = (rotated.previous.expiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    expect(await codeOf(withKey(oldSecret).admin.coupons.list({}))).toBe("OK");
    expect(await codeOf(withKey(rotated.secret).admin.coupons.list({}))).toBe("OK");

    // Rotating the new key with no grace ends it now; its successor works.
    const again = await as("admin").admin.apiKeys.rotate({ id: rotated.key.id, graceHours: 0 });
    expect(await codeOf(withKey(rotated.secret).admin.coupons.list({}))).toBe("UNAUTHORIZED");
    expect(await codeOf(withKey(again.secret).admin.coupons.list({}))).toBe("OK");
    // A key that no longer works cannot be rotated.
    expect(await codeOf(as("admin").admin.apiKeys.rotate({ id: rotated.key.id, graceHours: 1 }))).toBe(
      "UNPROCESSABLE_CONTENT",
    );
    const audit = await getDb().select().from(auditLog).where(eq(auditLog.targetId, key.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["api_key.create", "api_key.rotate"]);
  });

  it("records the last use, at most once a minute", async () => {
    const { key, secret } = await newKey(["admin:read"]);
    expect((await as("admin").admin.apiKeys.list()).find((k) => k.id === key.id)?.lastUsedAt).toBeNull();
    await withKey(secret).admin.coupons.list({});
    await expect
      .poll(async () => (await as("admin").admin.apiKeys.list()).find((k) => k.id === key.id)?.lastUsedAt)
      .toBeInstanceOf(Date);
    const first = (await as("admin").admin.apiKeys.list()).find((k) => k.id === key.id)!.lastUsedAt!;
    await withKey(secret).admin.coupons.list({});
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await as("admin").admin.apiKeys.list()).find((k) => k.id === key.id)!.lastUsedAt).toEqual(first);
  });
});

describe("authentication by key: scopes, channel, customer", () => {
  it("holds each scope to its procedures; session-only procedures refuse keys", async () => {
    const checkout = (await newKey(["checkout"])).secret;
    const read = (await newKey(["admin:read"])).secret;
    const write = (await newKey(["admin:write"])).secret;
    const customer = { id: `cust-${unique()}` };
    expect(await codeOf(withKey(checkout).checkout.validate({ codes: [], cart: CART, customer }))).toBe("OK");
    expect(await codeOf(withKey(checkout).admin.coupons.list({}))).toBe("FORBIDDEN");
    expect(await codeOf(withKey(read).checkout.validate({ codes: [], cart: CART }))).toBe("FORBIDDEN");
    expect(await codeOf(withKey(read).admin.coupons.list({}))).toBe("OK");
    expect(await codeOf(withKey(read).admin.codes.setStatus({ id: randomUUID(), status: "DISABLED" }))).toBe(
      "FORBIDDEN",
    );
    // admin:write includes reading; a missing code is 404, so the scope let it through.
    expect(await codeOf(withKey(write).admin.coupons.list({}))).toBe("OK");
    expect(await codeOf(withKey(write).admin.codes.setStatus({ id: randomUUID(), status: "DISABLED" }))).toBe(
      "NOT_FOUND",
    );
    for (const secret of [checkout, read, write]) {
      expect(await codeOf(withKey(secret).orders.list())).toBe("FORBIDDEN");
      expect(await codeOf(withKey(secret).wallet.list())).toBe("FORBIDDEN");
      expect(await codeOf(withKey(secret).admin.audit.list({}))).toBe("FORBIDDEN");
    }
  });

  it("takes the channel from the key, never from the body", async () => {
    const { code } = await couponOnChannels(["pos"]);
    const web = (await newKey(["checkout"])).secret;
    const pos = (await newKey(["checkout"], "pos" as "web")).secret;
    const customer = { id: `cust-${unique()}` };
    const fromWeb = await withKey(web).checkout.validate({
      codes: [code],
      cart: { ...CART, channel: "pos" },
      customer,
    });
    expect(fromWeb.rejected.map((r) => r.reason)).toEqual(["CHANNEL_NOT_ALLOWED"]);
    const fromPos = await withKey(pos).checkout.validate({
      codes: [code],
      cart: { ...CART, channel: "web" },
      customer,
    });
    expect(fromPos.applied.map((a) => a.code)).toEqual([code]);
    // The storefront is "web" whatever the browser says.
    const shopper = await as("shopper").checkout.validate({ codes: [code], cart: { ...CART, channel: "pos" } });
    expect(shopper.rejected.map((r) => r.reason)).toEqual(["CHANNEL_NOT_ALLOWED"]);
  });

  it("takes the customer (and so the email domain) from a key's body, and ignores it from a session", async () => {
    const secret = (await newKey(["checkout"])).secret;
    const acme = await withKey(secret).checkout.validate({
      codes: ["ACME-VIP"],
      cart: CART,
      customer: { id: `cust-${unique()}`, email: "buyer@acme.test" },
    });
    expect(acme.applied.map((a) => a.code)).toEqual(["ACME-VIP"]);
    const other = await withKey(secret).checkout.validate({
      codes: ["ACME-VIP"],
      cart: CART,
      customer: { id: `cust-${unique()}`, email: "buyer@else.test" },
    });
    expect(other.rejected.map((r) => r.reason)).toEqual(["EMAIL_DOMAIN_NOT_ALLOWED"]);
    // alice@shop.test names an acme customer: ignored, she is who her session says.
    const alice = await as("shopper").checkout.validate({
      codes: ["ACME-VIP"],
      cart: CART,
      customer: { id: "someone-else", email: "boss@acme.test" },
    });
    expect(alice.rejected.map((r) => r.reason)).toEqual(["EMAIL_DOMAIN_NOT_ALLOWED"]);
  });

  it("locks, redeems and unlocks for the customer a key names; without one it is 400", async () => {
    const { code } = await couponOnChannels([]);
    const secret = (await newKey(["checkout"])).secret;
    const customer = { id: `cust-${unique()}`, email: "c@partner.test" };
    expect(
      await codeOf(withKey(secret).checkout.lock({ codes: [code], cart: CART, idempotencyKey: `k-${unique()}` })),
    ).toBe("BAD_REQUEST");
    const lock = await withKey(secret).checkout.lock({
      codes: [code],
      cart: CART,
      customer,
      idempotencyKey: `k-${unique()}`,
    });
    // Another customer cannot touch it.
    expect(await codeOf(withKey(secret).checkout.unlock({ lockId: lock.lockId, customer: { id: "other" } }))).toBe(
      "NOT_FOUND",
    );
    const redeemed = await withKey(secret).checkout.redeem({
      lockId: lock.lockId,
      customer,
      orderId: `o-${unique()}`,
      idempotencyKey: `k-${unique()}`,
    });
    expect(redeemed.redemptions.map((r) => r.code)).toEqual([code]);
    const holder = { id: `cust-${unique()}` };
    const second = await withKey(secret).checkout.lock({
      codes: [code],
      cart: CART,
      customer: holder,
      idempotencyKey: `k-${unique()}`,
    });
    expect(await withKey(secret).checkout.unlock({ lockId: second.lockId, customer: holder })).toEqual({
      released: true,
    });
  });

  it("rate-limits each key: over its limit, 429 before any work", async () => {
    const { key, secret } = await newKey(["admin:read"]);
    const other = (await newKey(["admin:read"])).secret;
    // Spend this key's whole window at once (the same Redis counters a call charges).
    const { rateLimitPolicies } = await import("@/server/redis/rate-limit");
    const limit = rateLimitPolicies().requestsByApiKey.limit;
    expect(await chargeAttempts([{ policy: "requestsByApiKey", identifier: key.id }], limit)).not.toBeNull();
    expect(await codeOf(withKey(secret).admin.coupons.list({}))).toBe("TOO_MANY_REQUESTS");
    expect(await codeOf(withKey(other).admin.coupons.list({}))).toBe("OK");
  });
});
