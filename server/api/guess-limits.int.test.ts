// Guess limits that hold (README, rate-limit policy table), through the production server's API
// handler on a real socket: the client address comes from the socket (TRUST_PROXY decides whether a
// proxy's X-Forwarded-For is believed), every code is charged before it is looked up, and every call
// of a tRPC batch counts.

import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import superjson from "superjson";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { createUser } from "@/server/services/create-user";
import { TRPC_MAX_BATCH_SIZE } from "./batch-size";
import { createNodeTrpcHandler } from "./node-handler";

const RUN = Math.random().toString(36).slice(2, 8).toUpperCase();
const CART = {
  currency: "USD",
  items: [{ productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 }],
  shipping: 500,
};

type Server = { server: http.Server; port: number };
let direct: Server; // no trusted proxy: the socket's address is the client's
let behindProxy: Server; // loopback peers are trusted proxies

async function listen(handler: http.RequestListener): Promise<Server> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

beforeAll(async () => {
  direct = await listen(createNodeTrpcHandler({ trustProxy: { kind: "none" } }));
  behindProxy = await listen(createNodeTrpcHandler({ trustProxy: { kind: "list", entries: ["127.0.0.0/8"] } }));
});

afterAll(async () => {
  for (const { server } of [direct, behindProxy]) await new Promise((resolve) => server.close(resolve));
});

// Each test speaks from its own loopback address (Linux routes all of 127/8 to lo), so its socket
// address is a bucket no other test (or test file) shares.
let sockets = 0;
function freshSocketAddress(): string {
  sockets += 1;
  return `127.${10 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${sockets}`;
}

type Answer = { status: number; body: unknown };

function post(
  target: Server,
  path: string,
  body: string,
  opts: { from: string; headers?: Record<string, string> },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: target.port,
        method: "POST",
        path: `/api/trpc/${path}`,
        localAddress: opts.from,
        agent: false,
        headers: { "content-type": "application/json", ...opts.headers },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as unknown }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function validate(target: Server, codes: string[], opts: { from: string; headers?: Record<string, string> }) {
  return post(target, "checkout.validate", JSON.stringify(superjson.serialize({ codes, cart: CART })), opts);
}

/** One batched request: `calls` calls of checkout.validate, each with its own codes. */
async function validateBatch(target: Server, calls: string[][], from: string): Promise<Answer[]> {
  const path = `${calls.map(() => "checkout.validate").join(",")}?batch=1`;
  const body = Object.fromEntries(calls.map((codes, i) => [i, superjson.serialize({ codes, cart: CART })]));
  const answer = await post(target, path, JSON.stringify(body), { from });
  if (!Array.isArray(answer.body)) return [answer];
  return (answer.body as Array<{ error?: { json: { data: { httpStatus: number } } } }>).map((item) => ({
    status: item.error ? item.error.json.data.httpStatus : 200,
    body: item,
  }));
}

let guessSeq = 0;
/** Codes that exist nowhere: each one judged is a failed guess. */
function guesses(n: number): string[] {
  return Array.from({ length: n }, () => `NOPE${RUN}${(guessSeq++).toString(36).toUpperCase()}`);
}

function reasonOf(answer: Answer): string | undefined {
  return (answer.body as { error?: { json: { data: { reason?: string } } } }).error?.json.data.reason;
}

function discountOf(answer: Answer): number | undefined {
  return (answer.body as { result?: { data: { json: { discountTotal: number } } } }).result?.data.json.discountTotal;
}

const ANON_LIMIT = () => env().RATE_LIMIT_FAILED_CODES_PER_IP;

/** Spends `n` failed guesses in calls of at most 15 codes (a call takes 20 at most); every call must be judged. */
async function spend(target: Server, n: number, opts: { from: string; headers?: Record<string, string> }) {
  for (let left = n; left > 0; left -= 15) {
    const answer = await validate(target, guesses(Math.min(15, left)), opts);
    expect(answer.status).toBe(200);
  }
}

describe("the client address comes from the socket", () => {
  it("rotating X-Forwarded-For from one socket does not reset the limit", async () => {
    const from = freshSocketAddress();
    const limit = ANON_LIMIT();
    let judged = 0;
    let limited = 0;
    // 120 calls of one guess each, every one claiming another address.
    for (let i = 0; i < 120; i += 1) {
      const answer = await validate(direct, guesses(1), { from, headers: { "x-forwarded-for": `198.18.${i}.1` } });
      if (answer.status === 200) judged += 1;
      else {
        expect(answer.status).toBe(429);
        expect(reasonOf(answer)).toBe("RATE_LIMITED");
        limited += 1;
      }
    }
    console.info(`[guess-limits] 120 guesses, rotating X-Forwarded-For, one socket: ${judged} judged, ${limited} 429`);
    expect(judged).toBe(limit);
    expect(limited).toBe(120 - limit);
    // The valid code is refused too while the address is over its limit.
    expect(
      (await validate(direct, ["SUMMER20"], { from, headers: { "x-forwarded-for": "198.18.250.1" } })).status,
    ).toBe(429);
  });

  it("behind a trusted proxy, the forwarded address is used", async () => {
    const proxy = freshSocketAddress();
    const limit = ANON_LIMIT();
    const client = { from: proxy, headers: { "x-forwarded-for": "198.51.100.23" } };
    await spend(behindProxy, limit, client);
    expect((await validate(behindProxy, guesses(1), client)).status).toBe(429);
    // Another client behind the same proxy is its own bucket.
    const other = await validate(behindProxy, ["SUMMER20"], {
      from: proxy,
      headers: { "x-forwarded-for": "198.51.100.24" },
    });
    expect(other.status).toBe(200);
    expect(discountOf(other)).toBeGreaterThan(0);
    // A client-written entry before the proxy's is not believed: the proxy appended the real one.
    const forged = await validate(behindProxy, guesses(1), {
      from: proxy,
      headers: { "x-forwarded-for": "203.0.113.99, 198.51.100.23" },
    });
    expect(forged.status).toBe(429);
  });
});

describe("every code is charged before it is judged, every call of a batch counts", () => {
  it(`2,000 guesses in one batched request: refused whole (maxBatchSize ${TRPC_MAX_BATCH_SIZE}), nothing judged`, async () => {
    const from = freshSocketAddress();
    const calls = Array.from({ length: 100 }, () => guesses(20));
    const [answer] = await validateBatch(direct, calls, from);
    expect(answer?.status).toBe(400);
    // Nothing was charged: the address still has its whole limit.
    await spend(direct, ANON_LIMIT(), { from });
    console.info("[guess-limits] 2,000 guesses in one batch of 100 calls: 400, 0 judged");
  });

  it("a full batch of 20-code calls: judged up to the limit, the rest 429", async () => {
    const from = freshSocketAddress();
    const answers = await validateBatch(
      direct,
      Array.from({ length: TRPC_MAX_BATCH_SIZE }, () => guesses(20)),
      from,
    );
    const judged = answers.filter((a) => a.status === 200).length * 20;
    const limited = answers.filter((a) => a.status === 429).length;
    console.info(
      `[guess-limits] ${TRPC_MAX_BATCH_SIZE * 20} guesses in one batch of ${TRPC_MAX_BATCH_SIZE} calls: ${judged} judged, ${limited} calls 429`,
    );
    expect(judged).toBeLessThanOrEqual(ANON_LIMIT());
    expect(judged).toBe(20);
    expect(limited).toBe(TRPC_MAX_BATCH_SIZE - 1);
  });

  it("2,000 guesses in 100 concurrent requests from one socket: judged at most up to the limit", async () => {
    const from = freshSocketAddress();
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        validate(direct, guesses(20), { from, headers: { "x-forwarded-for": `198.19.0.${i}` } }),
      ),
    );
    const judged = answers.filter((a) => a.status === 200).length * 20;
    expect(answers.every((a) => a.status === 200 || a.status === 429)).toBe(true);
    console.info(`[guess-limits] 2,000 guesses in 100 concurrent requests: ${judged} judged, the rest 429`);
    expect(judged).toBeLessThanOrEqual(ANON_LIMIT());
  });

  it("calls that fit exactly are all judged; one more is refused", async () => {
    const from = freshSocketAddress();
    const per = ANON_LIMIT() / TRPC_MAX_BATCH_SIZE;
    expect(Number.isInteger(per)).toBe(true);
    const answers = await validateBatch(
      direct,
      Array.from({ length: TRPC_MAX_BATCH_SIZE }, () => guesses(per)),
      from,
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect((await validate(direct, guesses(1), { from })).status).toBe(429);
  });

  it("found codes are given back: a shopper can apply a valid code again and again", async () => {
    const from = freshSocketAddress();
    for (let i = 0; i < ANON_LIMIT() + 5; i += 1) {
      const answer = await validate(direct, ["SUMMER20"], { from });
      expect(answer.status).toBe(200);
    }
  });
});

describe("anonymous guessing behind one address cannot lock out signed-in shoppers", () => {
  it("a signed-in shopper on the same address still applies a valid code", async () => {
    const from = freshSocketAddress();
    // Anonymous guessing spends the address's anonymous limit.
    await spend(direct, ANON_LIMIT(), { from });
    expect((await validate(direct, ["SUMMER20"], { from })).status).toBe(429);

    const shopper = await createUser(getDb(), {
      email: `nat-shopper-${RUN.toLowerCase()}@shop.example`,
      role: "shopper",
      password: "a-long-enough-password",
    });
    const jwt = await encode({
      token: { sub: shopper.id, email: shopper.email, role: "shopper" },
      secret: env().AUTH_SECRET,
      salt: "authjs.session-token",
    });
    const signedIn = await validate(direct, ["SUMMER20"], {
      from,
      headers: { cookie: `authjs.session-token=${jwt}` },
    });
    expect(signedIn.status).toBe(200);
    expect(discountOf(signedIn)).toBeGreaterThan(0);
  });
});

describe("a limited caller costs no Postgres query", () => {
  it("answers 429 with Postgres unreachable, where an unlimited caller needs it (503)", async () => {
    const from = freshSocketAddress();
    await spend(direct, ANON_LIMIT(), { from });
    const globals = globalThis as unknown as { couponDb?: unknown };
    const saved = globals.couponDb;
    // Nothing listens on port 9: any query would fail to connect (503).
    const dead = createDatabase("postgres://nobody:nothing@127.0.0.1:9/none", { max: 1 });
    globals.couponDb = dead;
    try {
      const neverSeen = guesses(1);
      const limited = await validate(direct, neverSeen, { from });
      expect(limited.status).toBe(429);
      const unlimited = await validate(direct, neverSeen, { from: freshSocketAddress() });
      expect(unlimited.status).toBe(503);
    } finally {
      globals.couponDb = saved;
      await dead.sql.end({ timeout: 1 });
    }
  });
});
