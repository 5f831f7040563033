// The access matrix: every caller (anonymous, shopper, viewer, admin, and an API key of each scope)
// against every tRPC procedure and every REST route, on real Postgres and Redis. Procedures are read
// from the router itself, so a procedure without a row in ACCESS fails this file: add its rule here.

import type { TRPCError } from "@trpc/server";
import type { Session } from "next-auth";
import { beforeAll, describe, expect, it } from "vitest";
import { GUEST_COOKIE, mintGuestToken } from "@/server/auth/guest-id";
import { appRouter, createCaller } from "./root";
import { demoUserId, makeKey, rest } from "./rest.fixtures";
import { restRoutes } from "./rest-handler";
import { createTRPCContext } from "./trpc";

type Caller = "anon" | "guest" | "shopper" | "viewer" | "admin" | "key:checkout" | "key:admin:read" | "key:admin:write";
const CALLERS: Caller[] = [
  "anon",
  "guest",
  "shopper",
  "viewer",
  "admin",
  "key:checkout",
  "key:admin:read",
  "key:admin:write",
];

/** Who may call a tier (server/api/trpc.ts). Everyone else gets 401 (anonymous) or 403. */
const TIERS = {
  public: ["anon", "guest", "shopper", "viewer", "admin", "key:checkout", "key:admin:read", "key:admin:write"],
  checkout: ["anon", "guest", "shopper", "viewer", "admin", "key:checkout"],
  checkoutCustomer: ["guest", "shopper", "viewer", "admin", "key:checkout"],
  storefront: ["guest", "shopper", "viewer", "admin"],
  shopper: ["shopper", "viewer", "admin"],
  staff: ["viewer", "admin"],
  admin: ["admin"],
  staffOrKey: ["viewer", "admin", "key:admin:read", "key:admin:write"],
  adminOrKey: ["admin", "key:admin:write"],
} satisfies Record<string, Caller[]>;
type Tier = keyof typeof TIERS;

/** Every procedure's rule. Keys reach only the REST-mirrored procedures; keys never manage keys. */
const ACCESS: Record<string, Tier> = {
  health: "public",
  "checkout.validate": "checkout",
  "checkout.lock": "checkoutCustomer",
  "checkout.unlock": "checkoutCustomer",
  "checkout.redeem": "checkoutCustomer",
  "admin.coupons.list": "staffOrKey",
  "admin.coupons.get": "staffOrKey",
  "admin.coupons.usage": "staffOrKey",
  "admin.coupons.create": "adminOrKey",
  "admin.coupons.update": "adminOrKey",
  "admin.coupons.setStatus": "adminOrKey",
  "admin.codes.list": "staffOrKey",
  "admin.codes.lookup": "staffOrKey",
  "admin.codes.create": "adminOrKey",
  "admin.codes.setStatus": "adminOrKey",
  "admin.codes.generate": "admin",
  "admin.codes.import": "admin",
  "admin.codes.export": "admin",
  "admin.redemptions.list": "staffOrKey",
  "admin.redemptions.void": "adminOrKey",
  "admin.jobs.get": "staff",
  "admin.jobs.cancel": "admin",
  "admin.books.list": "staff",
  "admin.books.create": "admin",
  "admin.books.assign": "admin",
  "admin.books.codes": "admin",
  "admin.analytics.summary": "staff",
  "admin.analytics.timeseries": "staff",
  "admin.analytics.refresh": "admin",
  "admin.audit.list": "staff",
  "admin.apiKeys.list": "staff",
  "admin.apiKeys.create": "admin",
  "admin.apiKeys.revoke": "admin",
  "admin.apiKeys.rotate": "admin",
  "admin.webhooks.list": "staff",
  "admin.webhooks.deliveries": "staff",
  "admin.webhooks.create": "admin",
  "admin.webhooks.update": "admin",
  "admin.webhooks.delete": "admin",
  "admin.webhooks.revealSecret": "admin",
  "admin.webhooks.replay": "admin",
  "admin.webhooks.sendTest": "admin",
  "orders.place": "storefront",
  "orders.pay": "storefront",
  "orders.holdAgain": "storefront",
  "orders.get": "storefront",
  "orders.list": "storefront",
  "wallet.list": "shopper",
  "wallet.books": "shopper",
  "wallet.claim": "shopper",
};

const sessions = {} as Record<"shopper" | "viewer" | "admin", Session>;
const keys = {} as Record<"checkout" | "admin:read" | "admin:write", string>;
const guestToken = mintGuestToken().token;

function contextOf(caller: Caller) {
  const headers = new Headers();
  if (caller.startsWith("key:")) headers.set("authorization", `Bearer ${keys[caller.slice(4) as keyof typeof keys]}`);
  if (caller === "guest") headers.set("cookie", `${GUEST_COOKIE}=${guestToken}`);
  const session =
    caller === "anon" || caller === "guest" || caller.startsWith("key:")
      ? null
      : sessions[caller as keyof typeof sessions];
  return { session, headers, ip: "10.51.0.1" };
}

/**
 * The outcome of calling `path` as `caller` with no input: "denied 401/403" when the tier refused,
 * else "allowed" (the call got past its tier: it answered, or refused the missing input with 400).
 */
async function outcome(path: string, caller: Caller): Promise<string> {
  const procedure = path
    .split(".")
    .reduce<unknown>(
      (node, key) => (node as Record<string, unknown>)[key],
      createCaller(createTRPCContext(contextOf(caller))),
    ) as (input?: unknown) => Promise<unknown>;
  try {
    await procedure(undefined);
    return "allowed";
  } catch (error) {
    const code = (error as TRPCError).code;
    if (code === "UNAUTHORIZED") return "denied 401";
    if (code === "FORBIDDEN") return "denied 403";
    if (code === "INTERNAL_SERVER_ERROR") return `500: ${(error as Error).message}`;
    return "allowed";
  }
}

function expected(tier: Tier, caller: Caller): string {
  if ((TIERS[tier] as Caller[]).includes(caller)) return "allowed";
  // A guest is no signed-in user: a tier that needs one answers "sign in" (401), as to anyone anonymous.
  return caller === "anon" || caller === "guest" ? "denied 401" : "denied 403";
}

beforeAll(async () => {
  for (const role of ["shopper", "viewer", "admin"] as const) {
    sessions[role] = {
      user: { id: await demoUserId(role), email: `${role}@demo.test`, role },
      expires: "2099-01-01",
    };
  }
  keys.checkout = await makeKey(["checkout"]);
  keys["admin:read"] = await makeKey(["admin:read"]);
  keys["admin:write"] = await makeKey(["admin:write"]);
});

describe("access matrix: tRPC", () => {
  it("has a rule for every procedure of the router (and no rule for a procedure that is gone)", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(procedures).toEqual(Object.keys(ACCESS).sort());
  });

  it.each(Object.keys(appRouter._def.procedures))("%s", async (path) => {
    const tier = ACCESS[path];
    expect(tier, `no access rule for ${path}: add it to ACCESS`).toBeDefined();
    const actual = Object.fromEntries(await Promise.all(CALLERS.map(async (c) => [c, await outcome(path, c)])));
    const wanted = Object.fromEntries(CALLERS.map((c) => [c, expected(tier!, c)]));
    expect(actual).toEqual(wanted);
  });
});

describe("access matrix: REST (API keys only; cookies are not read there)", () => {
  const restCallers: Caller[] = ["anon", "key:checkout", "key:admin:read", "key:admin:write"];

  it("covers the REST routes, each the mirror of a procedure with its rule", () => {
    expect(restRoutes().length).toBeGreaterThanOrEqual(13);
    for (const route of restRoutes()) expect(ACCESS[route.procedure]).toBeDefined();
  });

  it.each(restRoutes().map((r) => [`${r.method} ${r.path}`, r] as const))("%s", async (_name, route) => {
    const path = route.path.replace(/\{\w+\}/g, crypto.randomUUID());
    const actual: Record<string, string> = {};
    for (const caller of restCallers) {
      const key = caller.startsWith("key:") ? keys[caller.slice(4) as keyof typeof keys] : undefined;
      const answer = await rest(route.method, path, route.method === "GET" ? { key } : { key, body: {} });
      expect(answer.status, `${caller} ${route.method} ${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(500);
      actual[caller] = answer.status === 401 ? "denied 401" : answer.status === 403 ? "denied 403" : "allowed";
    }
    const wanted = Object.fromEntries(restCallers.map((c) => [c, expected(ACCESS[route.procedure]!, c)]));
    expect(actual).toEqual(wanted);
  });
});
