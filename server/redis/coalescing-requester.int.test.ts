import { randomUUID } from "node:crypto";
import net from "node:net";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis, type Requester, type UpstashRequest, type UpstashResponse } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { findFreePort } from "@/tools/free-port";
import { startUpstashBridge, type UpstashBridge } from "@/tools/upstash-bridge/server";
import { createRedisHttpRequester, REDIS_REQUEST_TIMEOUT_MS } from "./client";
import { CoalescingRequester } from "./coalescing-requester";

// CoalescingRequester against the real redis-server behind the Upstash bridge (globalSetup), under
// the real @upstash/redis and @upstash/ratelimit clients. The HTTP requester below it is wrapped in
// a counter, so the tests see how many REST round trips the commands really took.

type Counted = { requester: Requester; requests: () => number; paths: () => string[][]; reset: () => void };

/** The client's own HTTP requester, built as createRedis builds it, with every request counted. */
function countingHttpRequester(url: string, token: string): Counted {
  const inner = createRedisHttpRequester(url, token);
  let paths: string[][] = [];
  const requester: Requester = {
    get readYourWrites() {
      return inner.readYourWrites;
    },
    set readYourWrites(value) {
      inner.readYourWrites = value;
    },
    get upstashSyncToken() {
      return inner.upstashSyncToken;
    },
    set upstashSyncToken(value) {
      inner.upstashSyncToken = value;
    },
    request<TResult = unknown>(req: UpstashRequest): Promise<UpstashResponse<TResult>> {
      paths.push([...(req.path ?? [])]);
      return inner.request<TResult>(req);
    },
  };
  return { requester, requests: () => paths.length, paths: () => paths, reset: () => void (paths = []) };
}

function coalescingClient(url: string, token: string) {
  const counted = countingHttpRequester(url, token);
  const coalescing = new CoalescingRequester(counted.requester);
  return { redis: new Redis(coalescing), coalescing, ...counted };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles within `ms` or fails the test (a hung caller must not hang the suite). */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms)),
  ]);
}

let url: string;
let token: string;
let client: ReturnType<typeof coalescingClient>;
/** One request per command, to set up and read back state behind the coalescing client's back. */
let plain: Redis;

beforeAll(() => {
  url = process.env.UPSTASH_REDIS_REST_URL ?? "";
  token = process.env.UPSTASH_REDIS_REST_TOKEN ?? "";
  if (!url || !token) throw new Error("integration globalSetup did not provide UPSTASH_REDIS_REST_URL/TOKEN");
  client = coalescingClient(url, token);
  plain = new Redis({ url, token, enableTelemetry: false, enableAutoPipelining: false });
});

const key = (name: string) => `test:coalescing:${randomUUID()}:${name}`;

describe("merging concurrent callers", () => {
  it("500 INCRs from 50 concurrent callers: every answer distinct and right, in far fewer round trips, all on /pipeline", async () => {
    const counter = key("counter");
    client.reset();
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, caller) => {
        const mine: number[] = [];
        await pause(caller % 7);
        for (let i = 0; i < 10; i += 1) mine.push(await client.redis.incr(counter));
        // Each caller's own INCRs happen in order.
        expect([...mine].sort((a, b) => a - b)).toEqual(mine);
        return mine;
      }),
    );
    const all = answers.flat();
    expect(new Set(all).size).toBe(500);
    expect(Math.min(...all)).toBe(1);
    expect(Math.max(...all)).toBe(500);
    expect(await plain.get<number>(counter)).toBe(500);
    expect(client.requests()).toBeLessThan(50);
    expect(client.paths().every((p) => p.length === 1 && p[0] === "pipeline")).toBe(true);
  });

  it("500 commands issued in one tick: one batch, chunked, each caller gets its own answer", async () => {
    const counter = key("burst");
    client.reset();
    const answers = await Promise.all(Array.from({ length: 500 }, () => client.redis.incr(counter)));
    expect([...answers].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(client.requests()).toBeLessThanOrEqual(3);
  });

  it("250 callers SET then GET their own keys (and miss unknown ones) concurrently: every read sees its own write", async () => {
    client.reset();
    const results = await Promise.all(
      Array.from({ length: 250 }, async (_, i) => {
        const mineKey = key(`kv-${i}`);
        await pause(i % 5);
        const set = await client.redis.set(mineKey, { caller: i, text: `value ${i}` });
        const [got, missing] = await Promise.all([
          client.redis.get<{ caller: number; text: string }>(mineKey),
          client.redis.get(key("never-set")),
        ]);
        return { i, set, got, missing };
      }),
    );
    for (const { i, set, got, missing } of results) {
      expect(set).toBe("OK");
      expect(got).toEqual({ caller: i, text: `value ${i}` });
      expect(missing).toBeNull();
    }
    expect(client.requests()).toBeLessThan(50);
  });

  it("a caller's own pipeline gets exactly its own results, in order, while merged with other callers' commands", async () => {
    client.reset();
    const shared = key("shared");
    const results = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        await pause(i % 3);
        if (i % 3 === 0) return { i, single: await client.redis.incr(shared) };
        const mine = key(`pipe-${i}`);
        const out = await client.redis
          .pipeline()
          .set(mine, `v${i}`)
          .incrby(`${mine}:n`, i)
          .get(mine)
          .lpush(`${mine}:list`, "a", "b")
          .lrange(`${mine}:list`, 0, -1)
          .exec();
        return { i, out };
      }),
    );
    for (const r of results) {
      if ("out" in r) expect(r.out).toEqual(["OK", r.i, `v${r.i}`, 2, ["b", "a"]]);
    }
    const singles = results.flatMap((r) => ("single" in r ? [r.single] : []));
    expect([...singles].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    expect(client.requests()).toBeLessThan(60);
    expect(client.paths().every((p) => p[0] === "pipeline")).toBe(true);
  });

  it("keepErrors pipelines keep their own per-command errors, nobody else's", async () => {
    const text = key("text");
    await plain.set(text, "not a number");
    const [mine, other] = await Promise.all([
      client.redis.pipeline().incr(text).get(text).exec({ keepErrors: true }),
      client.redis.pipeline().set(key("fine"), 1).exec({ keepErrors: true }),
    ]);
    expect(mine[0]!.error).toMatch(/not an integer/);
    expect(mine[1]).toEqual({ error: undefined, result: "not a number" });
    expect(other).toEqual([{ error: undefined, result: "OK" }]);
  });
});

describe("errors stay with their caller", () => {
  it("EVALSHA of an unknown script (NOSCRIPT) and INCR of a string reject only their callers; the rest of the batch succeeds", async () => {
    const text = key("text");
    const counter = key("counter");
    await plain.set(text, "abc");
    client.reset();
    const outcomes = await Promise.allSettled([
      client.redis.incr(counter),
      client.redis.evalsha("0".repeat(40), [], []),
      client.redis.set(key("x"), "y"),
      client.redis.incr(text),
      client.redis.get(text),
      client.redis.pipeline().incr(counter).incr(text).exec(),
      client.redis.incr(counter),
    ]);
    // All in one tick on an idle client: one round trip carried them all.
    expect(client.paths()).toEqual([["pipeline"]]);
    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const reason = (i: number) => String((outcomes[i] as PromiseRejectedResult).reason);
    expect(reason(1)).toMatch(/NOSCRIPT/);
    expect(reason(3)).toMatch(/not an integer/);
    expect(reason(5)).toMatch(/Command 2 \[ incr \] failed/);
    expect((outcomes[0] as PromiseFulfilledResult<number>).value).toBe(1);
    expect((outcomes[4] as PromiseFulfilledResult<string>).value).toBe("abc");
    // The failing pipeline's first INCR did run (a pipeline is not a transaction): 1, then 2, then 3.
    expect((outcomes[6] as PromiseFulfilledResult<number>).value).toBe(3);
  });

  it("a command the server refuses as malformed (HTTP 400 for the whole pipeline) fails only its caller: the others are retried alone", async () => {
    client.reset();
    const good = Array.from({ length: 5 }, (_, i) => key(`good-${i}`));
    const outcomes = await Promise.allSettled([
      ...good.map((k, i) => client.redis.set(k, i)),
      client.coalescing.request({ body: ["SET", key("bad"), null] }),
      client.redis.pipeline().set(key("p"), 1).get(key("p")).exec(),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    expect(String((outcomes[5] as PromiseRejectedResult).reason)).toMatch(/argument 3 must be a string/);
    expect(await Promise.all(good.map((k) => plain.get<number>(k)))).toEqual([0, 1, 2, 3, 4]);
    // One merged request refused, then one request per caller.
    expect(client.requests()).toBe(1 + 7);
  });
});

describe("what is not merged", () => {
  it("MULTI/EXEC goes through on /multi-exec, unmerged, and stays atomic under concurrent INCRs of the same key", async () => {
    const counter = key("tx");
    client.reset();
    const results = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await pause(i % 4);
        if (i % 2 === 0) return { plain: await client.redis.incr(counter) };
        return { tx: await client.redis.multi().incr(counter).incr(counter).incr(counter).get(counter).exec() };
      }),
    );
    const txs = results.flatMap((r) => ("tx" in r ? [r.tx] : []));
    // Nothing ran between a transaction's three INCRs.
    for (const [a, b, c, read] of txs as Array<[number, number, number, number]>) {
      expect([b, c, read]).toEqual([a + 1, a + 2, a + 2]);
    }
    expect(await plain.get<number>(counter)).toBe(20 + 20 * 3);
    const multiExec = client.paths().filter((p) => p[0] === "multi-exec");
    expect(multiExec).toHaveLength(20);
    expect(client.paths().every((p) => p.length === 1 && (p[0] === "multi-exec" || p[0] === "pipeline"))).toBe(true);
  });
});

describe("@upstash/ratelimit over the coalescing client", () => {
  it("slidingWindow: 60 concurrent requests for one identifier, limit 10: exactly 10 allowed; another identifier is separate", async () => {
    const limiter = new Ratelimit({
      redis: client.redis,
      limiter: Ratelimit.slidingWindow(10, "30 s"),
      prefix: key("sliding"),
      ephemeralCache: false,
    });
    client.reset();
    const [a, b] = await Promise.all([
      Promise.all(Array.from({ length: 60 }, () => limiter.limit("shopper-a"))),
      Promise.all(Array.from({ length: 7 }, () => limiter.limit("shopper-b"))),
    ]);
    expect(a.filter((r) => r.success)).toHaveLength(10);
    expect(a.every((r) => r.reason !== "timeout")).toBe(true);
    expect(b.every((r) => r.success)).toBe(true);
    expect((await limiter.getRemaining("shopper-a")).remaining).toBe(0);
    expect((await limiter.getRemaining("shopper-b")).remaining).toBe(3);
    expect(client.requests()).toBeLessThan(67);
  });

  it("fixedWindow with rate: 30 concurrent callers of weight 2, limit 20: exactly 10 allowed", async () => {
    const limiter = new Ratelimit({
      redis: client.redis,
      limiter: Ratelimit.fixedWindow(20, "30 s"),
      prefix: key("fixed"),
      ephemeralCache: false,
    });
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.limit("ip-1", { rate: 2 })));
    expect(results.filter((r) => r.success)).toHaveLength(10);
    expect((await limiter.getRemaining("ip-1")).remaining).toBe(0);
  });
});

describe("when the server cannot take the batch", () => {
  let tight: UpstashBridge;

  beforeAll(async () => {
    const redisUrl = inject("redisUrl");
    if (!redisUrl) throw new Error("integration globalSetup did not provide redisUrl");
    tight = await startUpstashBridge({ redisUrl, token, maxBodyBytes: 2_048 });
  });

  afterAll(async () => {
    await tight?.close();
  });

  it("a merged body over the server's size limit (HTTP 413) is sent again per caller; a caller too big on its own fails alone", async () => {
    const small = coalescingClient(tight.url, token);
    const keys = Array.from({ length: 8 }, (_, i) => key(`big-${i}`));
    const value = (i: number) => `${i}`.padEnd(600, "x");
    const outcomes = await Promise.allSettled([
      ...keys.map((k, i) => small.redis.set(k, value(i))),
      small.redis.set(key("huge"), "y".repeat(3_000)),
    ]);
    expect(outcomes.slice(0, 8).map((o) => o.status)).toEqual(Array.from({ length: 8 }, () => "fulfilled"));
    expect(outcomes[8]!.status).toBe("rejected");
    expect(await Promise.all(keys.map((k) => plain.get(k)))).toEqual(keys.map((_, i) => value(i)));
  });

  it("an unreachable server: every caller of the batch rejects, none hangs; the client works again once the server is back", async () => {
    const port = await findFreePort();
    const gone = coalescingClient(`http://127.0.0.1:${port}`, token);
    const outcomes = await within(
      10_000,
      Promise.allSettled([
        ...Array.from({ length: 30 }, (_, i) => gone.redis.incr(key(`gone-${i}`))),
        gone.redis.pipeline().get(key("a")).exec(),
        gone.redis.multi().get(key("b")).exec(),
      ]),
    );
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);

    // Later callers are not stuck behind a slot the failed batches never gave back.
    const redisUrl = inject("redisUrl")!;
    const back = await startUpstashBridge({ redisUrl, token, port });
    try {
      const counter = key("back");
      const answers = await within(10_000, Promise.all(Array.from({ length: 20 }, () => gone.redis.incr(counter))));
      expect([...answers].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      await back.close();
    }
  });

  it("a server that accepts and never answers: the batch's callers reject after the request timeout, none hangs", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const stuck = coalescingClient(`http://127.0.0.1:${port}`, token);
      const started = Date.now();
      const outcomes = await within(
        REDIS_REQUEST_TIMEOUT_MS * 4,
        Promise.allSettled(
          Array.from({ length: 25 }, (_, i) =>
            i % 5 === 0 ? stuck.redis.pipeline().incr(key("p")).exec() : stuck.redis.get(key(`s-${i}`)),
          ),
        ),
      );
      expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(REDIS_REQUEST_TIMEOUT_MS - 50);
      // Two round trips at most (the idle first caller's, then everyone else's): no per-caller retry storm.
      expect(stuck.requests()).toBeLessThanOrEqual(2);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
