// The REST mirror (/api/v1) against real Postgres and Redis: the OpenAPI document is valid and lists
// every route; checkout validate/lock/redeem/unlock and admin routes work with keys of each scope;
// errors have API.md's shape and statuses (never 500 for bad input).

import { validate } from "@readme/openapi-parser";
import { beforeAll, describe, expect, it } from "vitest";
import { z, ZodError } from "zod";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { GUEST_COOKIE, mintGuestToken } from "@/server/auth/guest-id";
import { createCaller } from "./root";
import { makeKey, demoUserId, rest, unique } from "./rest.fixtures";
import { restRoutes } from "./rest-handler";

const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
};
const keys = {} as Record<"checkout" | "read" | "write", string>;
let adminId = "";

async function couponWithCode(rules: Record<string, unknown> = {}) {
  const admin = createCaller({
    session: { user: { id: adminId, email: "admin@demo.test", role: "admin" }, expires: "2099-01-01" },
    headers: new Headers(),
    ip: "10.41.0.9",
  });
  const coupon = await admin.admin.coupons.create({
    name: `Rest ${unique()}`,
    kind: "FIXED",
    value: 500,
    currency: "USD",
    ...rules,
  });
  const code = `RS${unique()}`;
  await admin.admin.codes.create({ couponId: coupon.id, kind: "SHARED", code });
  return { coupon, code };
}

const errorOf = (answer: { body: unknown }) => (answer.body as { error: Record<string, unknown> }).error;

beforeAll(async () => {
  adminId = await demoUserId("admin");
  keys.checkout = await makeKey(["checkout"]);
  keys.read = await makeKey(["admin:read"]);
  keys.write = await makeKey(["admin:write"]);
});

describe("/api/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document listing every REST route with API.md's error shape", async () => {
    const response = openApiRoute();
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
    expect(document.openapi).toMatch(/^3\.1/);
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      restRoutes()
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    for (const path of ["/checkout/validate", "/checkout/lock", "/checkout/unlock", "/checkout/redeem"])
      expect(document.paths[path]?.post).toBeDefined();
    const lock = document.paths["/checkout/lock"]!.post!;
    expect(Object.keys(lock.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "403", "409", "422", "429", "503"]),
    );
    expect(lock.responses["500"]).toBeUndefined();

    // The coupon bodies are documented field by field (the rules are a union by kind underneath).
    type Body = { requestBody: { content: { "application/json": { schema: JsonSchema } } } };
    type JsonSchema = { required?: string[]; properties: Record<string, { enum?: string[] }> };
    const bodyOf = (operation: unknown) => (operation as Body).requestBody.content["application/json"].schema;
    const create = bodyOf(document.paths["/coupons"]!.post);
    expect(create.required).toEqual(["name", "kind"]);
    expect(create.properties.kind!.enum).toEqual(["PERCENT", "FIXED", "FREE_SHIPPING"]);
    expect(Object.keys(create.properties)).toEqual(
      expect.arrayContaining(["value", "currency", "maxRedemptions", "validUntil", "channels", "idempotencyKey"]),
    );
    const update = bodyOf(document.paths["/coupons/{id}"]!.put);
    expect(Object.keys(update.properties)).toEqual(expect.arrayContaining(["expectedVersion", "idempotencyKey"]));
    expect(update.properties.id).toBeUndefined();
  });
});

describe("checkout over REST with a checkout key", () => {
  it("validates, locks, redeems; a second lock conflicts (409 with per-code reasons); unlock gives back", async () => {
    const { code } = await couponWithCode({ maxRedemptions: 1 });
    const customer = { id: `rest-${unique()}`, email: "c@partner.test" };

    const quote = await rest("POST", "/checkout/validate", {
      key: keys.checkout,
      body: { codes: [code], cart: CART, customer },
    });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({ discountTotal: 500, applied: [{ code }] });

    const lock = await rest("POST", "/checkout/lock", {
      key: keys.checkout,
      body: { codes: [code], cart: CART, customer, idempotencyKey: `lock-${unique()}` },
    });
    expect(lock.status).toBe(200);
    const { lockId, expiresAt } = lock.body as { lockId: string; expiresAt: string };
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());

    const other = await rest("POST", "/checkout/lock", {
      key: keys.checkout,
      body: { codes: [code], cart: CART, customer: { id: `rest-${unique()}` }, idempotencyKey: `lock-${unique()}` },
    });
    expect(other.status).toBe(409);
    expect(errorOf(other)).toMatchObject({ code: "CONFLICT", details: { rejected: [{ code, reason: "EXHAUSTED" }] } });

    const unlocked = await rest("POST", "/checkout/unlock", { key: keys.checkout, body: { lockId, customer } });
    expect(unlocked).toMatchObject({ status: 200, body: { released: true } });

    const relock = await rest("POST", "/checkout/lock", {
      key: keys.checkout,
      body: { codes: [code], cart: CART, customer, idempotencyKey: `lock-${unique()}` },
    });
    expect(relock.status).toBe(200);
    const orderId = `order-${unique()}`;
    const redeemBody = {
      lockId: (relock.body as { lockId: string }).lockId,
      customer,
      orderId,
      idempotencyKey: `redeem-${unique()}`,
    };
    const redeemed = await rest("POST", "/checkout/redeem", { key: keys.checkout, body: redeemBody });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({ orderId, redemptions: [{ code, amount: 500 }] });
    // The same idempotency key: the first answer again, nothing redeemed twice.
    const again = await rest("POST", "/checkout/redeem", { key: keys.checkout, body: redeemBody });
    expect(again.body).toEqual(redeemed.body);
  });

  it("redeems codes and a cart in one step", async () => {
    const { code } = await couponWithCode();
    const answer = await rest("POST", "/checkout/redeem", {
      key: keys.checkout,
      body: {
        codes: [code],
        cart: CART,
        customer: { id: `rest-${unique()}` },
        orderId: `o-${unique()}`,
        idempotencyKey: `r-${unique()}`,
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ redemptions: [{ code, amount: 500 }] });
  });
});

describe("text Postgres cannot store", () => {
  it("a NUL byte in a search or a filter is 400 bad input, never a 500 (found by the fuzz)", async () => {
    const search = await rest("GET", `/coupons?search=${encodeURIComponent("a\u0000b")}`, { key: keys.read });
    expect(search.status, JSON.stringify(search.body)).toBe(400);
    const filter = await rest("POST", "/redemptions/search", { key: keys.read, body: { customerId: "x\u0000" } });
    expect(filter.status, JSON.stringify(filter.body)).toBe(400);
  });
});

describe("admin over REST by scope", () => {
  it("reads with admin:read, changes with admin:write, and refuses the wrong scope with 403", async () => {
    const { coupon, code } = await couponWithCode();
    const list = await rest("GET", `/coupons?search=${encodeURIComponent(coupon.name)}&limit=5`, { key: keys.read });
    expect(list.status).toBe(200);
    expect((list.body as { items: Array<{ id: string }> }).items.map((c) => c.id)).toEqual([coupon.id]);
    const one = await rest("GET", `/coupons/${coupon.id}`, { key: keys.read });
    expect(one).toMatchObject({ status: 200, body: { id: coupon.id, status: "ACTIVE" } });
    expect((await rest("GET", `/coupons/${coupon.id}/usage`, { key: keys.read })).status).toBe(200);
    const codes = await rest("GET", `/coupons/${coupon.id}/codes`, { key: keys.read });
    expect((codes.body as { items: unknown[] }).items).toHaveLength(1);
    expect((await rest("POST", "/codes/lookup", { key: keys.read, body: { code } })).status).toBe(200);

    const refused = await rest("POST", `/coupons/${coupon.id}/status`, {
      key: keys.read,
      body: { status: "DISABLED" },
    });
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({ code: "FORBIDDEN" });
    expect((await rest("GET", "/coupons", { key: keys.checkout })).status).toBe(403);

    const disabled = await rest("POST", `/coupons/${coupon.id}/status`, {
      key: keys.write,
      body: { status: "DISABLED" },
    });
    expect(disabled).toMatchObject({ status: 200, body: { id: coupon.id, status: "DISABLED" } });
    const added = await rest("POST", `/coupons/${coupon.id}/codes`, {
      key: keys.write,
      body: { kind: "SHARED", code: `RA${unique()}` },
    });
    expect(added.status).toBe(200);
    const search = await rest("POST", "/redemptions/search", { key: keys.write, body: { couponId: coupon.id } });
    expect(search).toMatchObject({ status: 200, body: { items: [] } });
    // The change is audited under the key.
    const audit = await createCaller({
      session: { user: { id: adminId, email: "admin@demo.test", role: "admin" }, expires: "2099-01-01" },
      headers: new Headers(),
      ip: "10.41.0.9",
    }).admin.audit.list({ targetId: coupon.id });
    expect(audit.items.some((e) => e.actorEmail?.startsWith("api-key:"))).toBe(true);
  });
});

describe("coupons created and updated over REST", () => {
  const adminCaller = () =>
    createCaller({
      session: { user: { id: adminId, email: "admin@demo.test", role: "admin" }, expires: "2099-01-01" },
      headers: new Headers(),
      ip: "10.41.0.9",
    });
  const idsNamed = async (name: string) => {
    const list = await rest("GET", `/coupons?search=${encodeURIComponent(name)}&limit=5`, { key: keys.read });
    return (list.body as { items: Array<{ id: string }> }).items.map((c) => c.id);
  };

  it("creates with admin:write, once per idempotencyKey; admin:read and checkout keys get 403, no key 401", async () => {
    const body = {
      name: `Rest made ${unique()}`,
      kind: "PERCENT",
      value: 1250,
      maxDiscount: 2000,
      currency: "USD",
      channels: ["partner"],
      validUntil: "2099-01-01T00:00:00Z",
      idempotencyKey: `create-${unique()}`,
    };
    for (const key of [keys.read, keys.checkout]) {
      const refused = await rest("POST", "/coupons", { key, body });
      expect(refused.status).toBe(403);
      expect(errorOf(refused)).toMatchObject({ code: "FORBIDDEN" });
    }
    expect((await rest("POST", "/coupons", { body })).status).toBe(401);

    const created = await rest("POST", "/coupons", { key: keys.write, body });
    expect(created).toMatchObject({
      status: 200,
      body: { name: body.name, kind: "PERCENT", value: 1250, maxDiscount: 2000, status: "ACTIVE", version: 1 },
    });
    const { id, validUntil } = created.body as { id: string; validUntil: string };
    expect(new Date(validUntil).toISOString()).toBe("2099-01-01T00:00:00.000Z");
    // A retry with the same key answers the same coupon and makes no second one.
    const again = await rest("POST", "/coupons", { key: keys.write, body });
    expect(again).toMatchObject({ status: 200, body: { id } });
    expect(await idsNamed(body.name)).toEqual([id]);
    const reused = await rest("POST", "/coupons", { key: keys.write, body: { ...body, value: 1300 } });
    // The key with another body: refused (422), nothing made.
    expect(reused.status).toBe(422);
    expect(errorOf(reused)).toMatchObject({ message: expect.stringContaining("idempotency key") });
    expect(await idsNamed(body.name)).toEqual([id]);

    const draft = await rest("POST", "/coupons", {
      key: keys.write,
      body: { name: `Rest draft ${unique()}`, kind: "FREE_SHIPPING", status: "DRAFT" },
    });
    expect(draft).toMatchObject({ status: 200, body: { kind: "FREE_SHIPPING", status: "DRAFT", value: null } });
    // Audited under the key.
    const audit = await adminCaller().admin.audit.list({ targetId: id });
    expect(audit.items.map((e) => [e.action, e.actorEmail?.startsWith("api-key:")])).toEqual([["coupon.create", true]]);
  });

  it("refuses a bad body with 400 and the same field errors and messages as the tRPC procedure", async () => {
    const bad = { name: " ", kind: "FIXED", value: 0, channels: ["fax"], validFrom: "soon" };
    const answer = await rest("POST", "/coupons", { key: keys.write, body: bad });
    expect(answer.status).toBe(400);
    const error = errorOf(answer) as {
      code: string;
      message: string;
      details: { fieldErrors: Record<string, string[]> };
    };
    expect(error.code).toBe("BAD_REQUEST");
    expect(Object.keys(error.details.fieldErrors).sort()).toEqual(
      ["channels", "currency", "name", "validFrom", "value"].sort(),
    );
    expect(error.details.fieldErrors.value).toEqual(["A fixed amount must be at least 1 minor unit."]);
    expect(error.message).toMatch(/^Invalid input: /);
    // One set of rules: tRPC gives the same errors for the same input.
    const viaTrpc = await adminCaller()
      .admin.coupons.create(bad as never)
      .then(
        () => undefined,
        (e: { cause?: unknown }) => e.cause,
      );
    expect(viaTrpc).toBeInstanceOf(ZodError);
    expect(z.flattenError(viaTrpc as ZodError)).toEqual(error.details);

    const percent = await rest("POST", "/coupons", {
      key: keys.write,
      body: { name: "Too much", kind: "PERCENT", value: 20000 },
    });
    expect(percent.status).toBe(400);
    expect(errorOf(percent)).toMatchObject({
      details: { fieldErrors: { value: ["A percentage must be at most 100 % (10000 basis points)."] } },
    });
    const rule = await rest("POST", "/coupons", {
      key: keys.write,
      body: { name: "Capped", kind: "FIXED", value: 100, currency: "USD", maxDiscount: 5 },
    });
    expect(errorOf(rule)).toMatchObject({
      details: { fieldErrors: { maxDiscount: ["maxDiscount only applies to PERCENT coupons."] } },
    });
    const noKind = await rest("POST", "/coupons", { key: keys.write, body: { name: "No kind" } });
    expect(noKind.status).toBe(400);
    expect(errorOf(noKind)).toMatchObject({ details: { fieldErrors: { kind: [expect.stringContaining("Kind")] } } });
    expect((await rest("POST", "/coupons", { key: keys.write, rawBody: '"text"' })).status).toBe(400);
  });

  it("replaces the rules with PUT /coupons/{id}: expectedVersion refuses a stale edit with 409; a retried key answers again", async () => {
    const created = await rest("POST", "/coupons", {
      key: keys.write,
      body: { name: `Rest edit ${unique()}`, kind: "FIXED", value: 500, currency: "USD" },
    });
    const { id, name } = created.body as { id: string; name: string };
    const rules = { name, kind: "FIXED", value: 700, currency: "USD", minOrderAmount: 2000 };

    expect((await rest("PUT", `/coupons/${id}`, { key: keys.read, body: rules })).status).toBe(403);
    const edit = { ...rules, expectedVersion: 1, idempotencyKey: `update-${unique()}` };
    const updated = await rest("PUT", `/coupons/${id}`, { key: keys.write, body: edit });
    expect(updated).toMatchObject({ status: 200, body: { id, value: 700, minOrderAmount: 2000, version: 2 } });
    // The same key again: the first answer, not a conflict and not a third version.
    const retried = await rest("PUT", `/coupons/${id}`, { key: keys.write, body: edit });
    expect(retried).toMatchObject({ status: 200, body: { id, version: 2 } });

    const stale = await rest("PUT", `/coupons/${id}`, {
      key: keys.write,
      body: { ...rules, value: 900, expectedVersion: 1 },
    });
    expect(stale.status).toBe(409);
    expect(errorOf(stale)).toMatchObject({ code: "CONFLICT", message: expect.stringContaining("version 2") });
    const current = await rest("GET", `/coupons/${id}`, { key: keys.read });
    expect(current.body).toMatchObject({ value: 700, version: 2 });

    const bad = await rest("PUT", `/coupons/${id}`, {
      key: keys.write,
      body: { ...rules, value: -1, expectedVersion: 0 },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(errorOf(bad).details as object)).toContain("fieldErrors");
    expect(Object.keys((errorOf(bad).details as { fieldErrors: object }).fieldErrors).sort()).toEqual([
      "expectedVersion",
      "value",
    ]);
    expect((await rest("PUT", "/coupons/not-a-uuid", { key: keys.write, body: rules })).status).toBe(400);
    expect((await rest("PUT", `/coupons/${crypto.randomUUID()}`, { key: keys.write, body: rules })).status).toBe(404);
    const wrongMethod = await rest("PATCH", `/coupons/${id}`, { key: keys.write, body: rules });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, PUT");
  });
});

describe("errors: API.md's shape and statuses", () => {
  it("answers every kind of bad request with its 4xx, never 500", async () => {
    expect((await rest("POST", "/checkout/validate", { body: { codes: [], cart: CART } })).status).toBe(200);
    const noKey = await rest("POST", "/checkout/lock", {
      body: { codes: ["X1234"], cart: CART, idempotencyKey: "k-12345678" },
    });
    expect(noKey.status).toBe(401);
    expect(errorOf(noKey)).toMatchObject({ code: "UNAUTHORIZED" });
    expect((await rest("GET", "/coupons", { key: "cfk_nope" })).status).toBe(401);
    // Cookies do not count on REST: a guest's signed cookie is not a caller here.
    const asGuest = await rest("POST", "/checkout/lock", {
      cookie: `${GUEST_COOKIE}=${mintGuestToken().token}`,
      body: { codes: ["X1234"], cart: CART, idempotencyKey: "k-12345678" },
    });
    expect(asGuest.status).toBe(401);

    const invalid = await rest("POST", "/checkout/validate", {
      key: keys.checkout,
      body: { codes: "x", cart: { currency: "usd" } },
    });
    expect(invalid.status).toBe(400);
    expect(errorOf(invalid)).toMatchObject({
      code: "BAD_REQUEST",
      details: { fieldErrors: { codes: expect.any(Array) } },
    });
    expect(String(errorOf(invalid).message)).toContain("codes");

    const notJson = await rest("POST", "/checkout/validate", { key: keys.checkout, rawBody: "{nope" });
    expect(notJson.status).toBe(400);
    expect((await rest("POST", "/checkout/validate", { key: keys.checkout, rawBody: "[1]" })).status).toBe(400);
    expect(
      (await rest("POST", "/checkout/validate", { key: keys.checkout, rawBody: "a=b", contentType: "text/plain" }))
        .status,
    ).toBe(415);
    const huge = await rest("POST", "/checkout/validate", {
      key: keys.checkout,
      rawBody: `{"codes":["${"A".repeat(1_100_000)}"]}`,
    });
    expect(huge.status).toBe(413);

    expect((await rest("GET", "/nothing/here", { key: keys.read })).status).toBe(404);
    const wrongMethod = await rest("DELETE", "/checkout/validate", { key: keys.checkout });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect((await rest("GET", "/coupons/not-a-uuid", { key: keys.read })).status).toBe(400);
    expect((await rest("GET", `/coupons/${crypto.randomUUID()}`, { key: keys.read })).status).toBe(404);
    expect((await rest("GET", "/coupons?limit=abc", { key: keys.read })).status).toBe(400);

    const { coupon } = await couponWithCode();
    await rest("POST", `/coupons/${coupon.id}/status`, { key: keys.write, body: { status: "ARCHIVED" } });
    const fromArchived = await rest("POST", `/coupons/${coupon.id}/status`, {
      key: keys.write,
      body: { status: "ACTIVE" },
    });
    expect(fromArchived.status).toBe(422);
    expect(errorOf(fromArchived).code).toBe("UNPROCESSABLE_CONTENT");

    const missingCustomer = await rest("POST", "/checkout/lock", {
      key: keys.checkout,
      body: { codes: ["X1234"], cart: CART, idempotencyKey: "k-12345678" },
    });
    expect(missingCustomer.status).toBe(400);
    for (const answer of [noKey, invalid, notJson, huge, wrongMethod, missingCustomer])
      expect(answer.headers.get("content-type")).toBe("application/json");
  });

  it("gives a validation reason with a rule that is not met", async () => {
    const { code } = await couponWithCode({ channels: ["pos"] });
    const answer = await rest("POST", "/checkout/lock", {
      key: keys.checkout,
      body: {
        codes: [code],
        cart: { ...CART, channel: "pos" },
        customer: { id: `rest-${unique()}` },
        idempotencyKey: `k-${unique()}`,
      },
    });
    expect(answer.status).toBe(409);
    expect(errorOf(answer)).toMatchObject({ details: { rejected: [{ code, reason: "CHANNEL_NOT_ALLOWED" }] } });
  });
});
