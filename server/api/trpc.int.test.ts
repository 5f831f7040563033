import { randomUUID } from "node:crypto";
import type { Session } from "next-auth";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { authenticateUser } from "@/server/services/authenticate-user";
import { createCaller } from "./root";
import type { TRPCContext } from "./trpc";

function contextFor(session: Session | null): TRPCContext {
  return { session, headers: new Headers(), ip: "127.0.0.1" };
}

describe("authenticateUser (argon2id against the seeded accounts)", () => {
  it.each(DEMO_ACCOUNTS)("accepts $email with its password and returns role $role", async (account) => {
    const user = await authenticateUser(account.email.toUpperCase(), account.password, { ip: "10.12.0.1" });
    expect(user).toMatchObject({ email: account.email, role: account.role });
  });

  it("refuses a wrong password and an unknown email alike", async () => {
    expect(await authenticateUser(DEMO_ACCOUNTS[0].email, "wrong-password", { ip: "10.12.0.2" })).toBeNull();
    expect(await authenticateUser("nobody@demo.test", "whatever", { ip: "10.12.0.2" })).toBeNull();
  });
});

describe("health procedure", () => {
  it("reports Postgres and the Redis bridge up to staff", async () => {
    const admin = { user: { id: "u-admin", role: "admin" as const }, expires: "2099-01-01" };
    const health = await createCaller(contextFor(admin)).health();
    expect(health).toMatchObject({ status: "ok", postgres: { status: "up" }, redis: { status: "up" } });
  });

  it("gives anonymous callers and shoppers the status only, never a dependency's error", async () => {
    const shopper = { user: { id: "u-shop", role: "shopper" as const }, expires: "2099-01-01" };
    for (const session of [null, shopper]) {
      const health = await createCaller(contextFor(session)).health();
      expect(Object.keys(health).sort()).toEqual(["checkedAt", "status"]);
    }
  });
});

describe("procedure tiers", () => {
  it("maps the tier failures to UNAUTHORIZED and FORBIDDEN", async () => {
    const { createTRPCRouter, shopperProcedure, staffProcedure, adminProcedure } = await import("./trpc");
    const router = createTRPCRouter({
      shop: shopperProcedure.query(() => "shop"),
      staff: staffProcedure.query(() => "staff"),
      admin: adminProcedure.mutation(() => "admin"),
    });
    const session = (role: "admin" | "viewer" | "shopper"): Session => ({
      user: { id: "u1", role, email: `${role}@x.test` },
      expires: "2099-01-01",
    });
    const call = async (s: Session | null, fn: "shop" | "staff" | "admin") => {
      const caller = router.createCaller(contextFor(s));
      try {
        return await caller[fn]();
      } catch (error) {
        return (error as TRPCError).code;
      }
    };
    expect(await call(null, "shop")).toBe("UNAUTHORIZED");
    expect(await call(session("shopper"), "shop")).toBe("shop");
    expect(await call(session("shopper"), "staff")).toBe("FORBIDDEN");
    expect(await call(session("viewer"), "staff")).toBe("staff");
    expect(await call(session("viewer"), "admin")).toBe("FORBIDDEN");
    expect(await call(session("admin"), "admin")).toBe("admin");
  });
});

describe("when Postgres is unreachable", () => {
  it("answers 503 SERVICE_UNAVAILABLE with Retry-After, not a 500", async () => {
    const { callTrpcHttp } = await import("./test-http");
    const { createDatabase } = await import("@/server/db/client");
    const globals = globalThis as unknown as { couponDb?: unknown };
    const saved = globals.couponDb;
    // Nothing listens on port 9: every query fails to connect.
    const dead = createDatabase("postgres://nobody:nothing@127.0.0.1:9/none", { max: 1 });
    globals.couponDb = dead;
    try {
      const response = await callTrpcHttp("checkout.validate", {
        // A code never looked up before, so no cache can answer for it: the look-up must reach Postgres.
        input: {
          codes: [
            `DEAD${randomUUID()
              .replace(/[^a-f2-9]/g, "")
              .slice(0, 8)
              .toUpperCase()}`,
          ],
          cart: {
            currency: "USD",
            items: [{ productId: "p", categoryIds: [], unitPrice: 100, quantity: 1 }],
            shipping: 0,
          },
        },
        ip: "10.6.6.6",
      });
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ error: { json: { data: { code: "SERVICE_UNAVAILABLE" } } } });
      expect(response.headers.get("retry-after")).toBe("1");
    } finally {
      globals.couponDb = saved;
      await dead.sql.end({ timeout: 1 });
    }
  });
});

describe("error answers", () => {
  it("carry no stack trace outside development", async () => {
    const { callTrpcHttp } = await import("./test-http");
    const bad = await callTrpcHttp("checkout.validate", { rawBody: '{"json":{"codes":"x"}}', ip: "10.6.6.7" });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).not.toContain('"stack"');
    const notFound = await callTrpcHttp("checkout.nope", { input: {}, ip: "10.6.6.7" });
    expect(notFound.status).toBe(404);
    expect(JSON.stringify(notFound.body)).not.toContain('"stack"');
  });
});
