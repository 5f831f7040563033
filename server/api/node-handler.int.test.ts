import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { findUserByEmail } from "@/server/db/queries/find-user-by-email";
import { env } from "@/server/env";
import { createNodeTrpcHandler, MAX_TRPC_BODY_BYTES } from "./node-handler";
import { callTrpcHttp, sessionFor } from "./test-http";

// The production server's API (tools/serve.ts): the same router through tRPC's node adapter must give
// the same answers as the route handler, with the session read from the same Auth.js cookie.
const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
};

let server: http.Server;
let origin: string;

beforeAll(async () => {
  const handle = createNodeTrpcHandler();
  server = http.createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function call(path: string, input: unknown, headers: Record<string, string> = {}, rawBody?: string) {
  const response = await fetch(`${origin}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": "10.7.7.7", ...headers },
    body: rawBody ?? JSON.stringify(superjson.serialize(input)),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      result?: { data: { json: unknown } };
      error?: { json: { data: { code: string } } };
    },
  };
}

async function shopperCookie() {
  const alice = await findUserByEmail(getDb(), "alice@shop.test");
  if (!alice) throw new Error("the seed has no alice@shop.test");
  const jwt = await encode({
    token: { sub: alice.id, email: alice.email, role: "shopper" },
    secret: env().AUTH_SECRET,
    salt: "authjs.session-token",
  });
  return { alice, cookie: `authjs.session-token=${jwt}` };
}

describe("tRPC on node:http (the production server's API)", () => {
  it("answers checkout.validate exactly as the route handler does", async () => {
    const input = { codes: ["SUMMER20", "NOPE-0000"], cart: CART };
    const viaNode = await call("checkout.validate", input);
    const viaFetch = await callTrpcHttp("checkout.validate", { input, ip: "10.7.7.8" });
    expect(viaNode.status).toBe(200);
    expect(viaNode.body).toEqual(viaFetch.body);
  });

  it("reads the shopper from the Auth.js session cookie: lock and unlock as alice", async () => {
    const { alice, cookie } = await shopperCookie();
    const locked = await call(
      "checkout.lock",
      { codes: ["SUMMER20"], cart: CART, idempotencyKey: `node-handler-${Date.now()}` },
      { cookie },
    );
    expect(locked.status).toBe(200);
    const lock = locked.body.result?.data.json as { lockId: string; quote: { discountTotal: number } };
    expect(lock.quote.discountTotal).toBeGreaterThan(0);
    const unlocked = await call("checkout.unlock", { lockId: lock.lockId }, { cookie });
    expect(unlocked.status).toBe(200);
    // The same call with the session given directly (route handler path) now finds nothing to release.
    const again = await callTrpcHttp("checkout.unlock", {
      input: { lockId: lock.lockId },
      session: sessionFor({ id: alice.id, email: alice.email, role: "shopper" }),
    });
    expect(again.status).toBe(200);
  });

  it("refuses without a session, with a forged cookie, and bad input with 4xx, never 500", async () => {
    const redeem = { codes: ["SUMMER20"], cart: CART, orderId: "o-1", idempotencyKey: "node-handler-anon" };
    expect((await call("checkout.redeem", redeem)).status).toBe(401);
    expect((await call("checkout.redeem", redeem, { cookie: "authjs.session-token=not-a-jwt" })).status).toBe(401);
    const { cookie } = await shopperCookie();
    const badJson = await call("checkout.redeem", null, { cookie }, "{not json");
    expect(badJson.status).toBe(400);
    const badInput = await call("checkout.redeem", { codes: [], cart: CART }, { cookie });
    expect(badInput.status).toBe(400);
    expect(badInput.body.error?.json.data.code).toBe("BAD_REQUEST");
    expect((await call("checkout.nope", {})).status).toBe(404);
  });

  it("answers a batched GET query as tRPC does", async () => {
    const input = encodeURIComponent(JSON.stringify({ 0: { json: null } }));
    const response = await fetch(`${origin}/api/trpc/health?batch=1&input=${input}`);
    expect(response.status).toBe(200);
    const [first] = (await response.json()) as Array<{ result: { data: { json: { status: string } } } }>;
    expect(first?.result.data.json.status).toBe("ok");
  });

  it("refuses a body over the limit with tRPC's 413, declared or streamed, and stays up", async () => {
    const { cookie } = await shopperCookie();
    const big = JSON.stringify({ json: { codes: ["SUMMER20"], cart: CART, pad: "x".repeat(MAX_TRPC_BODY_BYTES) } });
    const declared = await call("checkout.validate", null, { cookie }, big);
    expect(declared.status).toBe(413);
    expect(declared.body.error?.json.data.code).toBe("PAYLOAD_TOO_LARGE");

    // No content-length: the limit is found while reading.
    const chunks = [big.slice(0, 600_000), big.slice(600_000)];
    const streamed = await fetch(`${origin}/api/trpc/checkout.validate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(new TextEncoder().encode(next));
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(((await streamed.json()) as { error: { json: { data: { code: string } } } }).error.json.data.code).toBe(
      "PAYLOAD_TOO_LARGE",
    );

    // A body just under the limit is read whole.
    const justUnder = JSON.stringify({ json: { codes: ["SUMMER20"], cart: CART } }).padEnd(MAX_TRPC_BODY_BYTES, " ");
    expect((await call("checkout.validate", null, {}, justUnder)).status).toBe(200);
  });

  it("answers a request with a malformed Host header 400, not 500", async () => {
    const port = (server.address() as AddressInfo).port;
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path: "/api/trpc/health", headers: { host: "bad host:xx" } },
        (res) => {
          let body = "";
          res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: { json: { data: { code: "BAD_REQUEST", httpStatus: 400 } } },
    });
  });
});

describe("HTTP hardening of the API's answers", () => {
  it("sends the security headers, and HSTS only when a trusted proxy says the client used HTTPS", async () => {
    const trusting = http.createServer(createNodeTrpcHandler({ trustProxy: { kind: "list", entries: ["loopback"] } }));
    await new Promise<void>((resolve) => trusting.listen(0, "127.0.0.1", resolve));
    const trustingOrigin = `http://127.0.0.1:${(trusting.address() as AddressInfo).port}`;
    try {
      const https = { "x-forwarded-proto": "https" };
      const direct = await fetch(`${origin}/api/trpc/health`, { headers: https });
      expect(direct.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(direct.headers.get("x-content-type-options")).toBe("nosniff");
      expect(direct.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
      // The client's own claim of HTTPS is not believed.
      expect(direct.headers.get("strict-transport-security")).toBeNull();
      const viaProxy = await fetch(`${trustingOrigin}/api/trpc/health`, { headers: https });
      expect(viaProxy.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
      const viaProxyHttp = await fetch(`${trustingOrigin}/api/trpc/health`);
      expect(viaProxyHttp.headers.get("strict-transport-security")).toBeNull();
    } finally {
      await new Promise((resolve) => trusting.close(resolve));
    }
  });
});
