import { createHash } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { Redis as IORedis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { isRedisServerAvailable, startRedisServer, type RedisServerHandle } from "../local-redis";
import { startUpstashBridge, SYNC_TOKEN_HEADER, type UpstashBridge } from "./server";

// Conformance of the local bridge as seen through the real @upstash/redis and @upstash/ratelimit
// clients (plus raw HTTP for protocol details the clients hide). Self-contained: own redis-server,
// own bridge, no global setup needed.

const TOKEN = "bridge-conformance-token";
const MAX_BODY_BYTES = 256 * 1024;
const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

let redisServer: RedisServerHandle;
let bridge: UpstashBridge;
/** Direct RESP connection for setup and for observing Redis behind the bridge's back. */
let raw: IORedis;
/** Default options: base64 responses and client auto-pipelining. */
let redis: Redis;

beforeAll(async () => {
  redisServer = await startRedisServer();
  bridge = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN, maxBodyBytes: MAX_BODY_BYTES });
  raw = new IORedis(redisServer.url, { protocol: 2 });
  redis = new Redis({ url: bridge.url, token: TOKEN });
});

afterAll(async () => {
  await raw?.quit();
  await bridge?.close();
  await redisServer?.stop();
});

beforeEach(async () => {
  await raw.flushall();
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Client variants the data-type tests run against. */
const clients: Array<[string, () => Redis]> = [
  ["default options", () => redis],
  ["enableAutoPipelining: true", () => new Redis({ url: bridge.url, token: TOKEN, enableAutoPipelining: true })],
  ["one request per command", () => new Redis({ url: bridge.url, token: TOKEN, enableAutoPipelining: false })],
  [
    "plain UTF-8 responses",
    () => new Redis({ url: bridge.url, token: TOKEN, responseEncoding: false, enableAutoPipelining: false }),
  ],
];

/** Records what @upstash/redis puts on the wire without changing it. */
function spyOnFetch(): Array<{ path: string; headers: Record<string, string>; body: unknown }> {
  const seen: Array<{ path: string; headers: Record<string, string>; body: unknown }> = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers = Object.fromEntries(
      Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    seen.push({
      path: new URL(url).pathname,
      headers,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    return realFetch(input, init);
  });
  return seen;
}

async function rest(path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${bridge.url}${path}`, {
    method: init.method ?? "POST",
    body: init.body,
    headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
  });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get("content-type"),
    headers: res.headers,
    json: JSON.parse(text) as unknown,
  };
}

function sha1(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

describe.each(clients)("data types through @upstash/redis (%s)", (_name, client) => {
  it("strings", async () => {
    const r = client();
    expect(await r.set("s:greeting", "hello world")).toBe("OK");
    expect(await r.get("s:greeting")).toBe("hello world");
    expect(await r.get("s:missing")).toBeNull();
    expect(await r.set("s:greeting", "other", { nx: true })).toBeNull();
    expect(await r.set("s:ttl", "v", { ex: 100 })).toBe("OK");
    const ttl = await r.ttl("s:ttl");
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await r.append("s:greeting", "!")).toBe(12);
    expect(await r.mget("s:greeting", "s:missing", "s:ttl")).toEqual(["hello world!", null, "v"]);
    expect(await r.strlen("s:greeting")).toBe(12);
    expect(await r.getdel("s:greeting")).toBe("hello world!");
    expect(await r.exists("s:greeting")).toBe(0);
    expect(await r.type("s:ttl")).toBe("string");
  });

  it("numbers", async () => {
    const r = client();
    expect(await r.incr("n:counter")).toBe(1);
    expect(await r.incrby("n:counter", 41)).toBe(42);
    expect(await r.decr("n:counter")).toBe(41);
    expect(await r.incrbyfloat("n:float", 1.5)).toBe(1.5);
    expect(await r.incrbyfloat("n:float", 0.25)).toBe(1.75);
    expect(await r.set("n:plain", 7)).toBe("OK");
    expect(await r.get("n:plain")).toBe(7);
    expect(await raw.get("n:counter")).toBe("41");
  });

  it("hashes", async () => {
    const r = client();
    expect(await r.hset("h:user", { name: "Ada", age: 36, tags: ["math", "engines"] })).toBe(3);
    expect(await r.hget("h:user", "name")).toBe("Ada");
    expect(await r.hincrby("h:user", "age", 1)).toBe(37);
    expect(await r.hgetall("h:user")).toEqual({ name: "Ada", age: 37, tags: ["math", "engines"] });
    expect(await r.hmget("h:user", "name", "nope")).toEqual({ name: "Ada", nope: null });
    expect(await r.hdel("h:user", "tags")).toBe(1);
    expect(await r.hlen("h:user")).toBe(2);
    expect(await r.hgetall("h:missing")).toBeNull();
  });

  it("sorted sets with scores", async () => {
    const r = client();
    expect(
      await r.zadd("z:board", { score: 1, member: "a" }, { score: 2.5, member: "b" }, { score: -3, member: "c" }),
    ).toBe(3);
    expect(await r.zrange("z:board", 0, -1)).toEqual(["c", "a", "b"]);
    expect(await r.zrange("z:board", 0, -1, { withScores: true })).toEqual(["c", -3, "a", 1, "b", 2.5]);
    expect(await r.zscore("z:board", "b")).toBe(2.5);
    expect(await r.zincrby("z:board", 10, "a")).toBe(11);
    expect(await r.zrank("z:board", "a")).toBe(2);
    expect(await r.zrange("z:board", 0, 0, { rev: true, withScores: true })).toEqual(["a", 11]);
    expect(await r.zcard("z:board")).toBe(3);
  });

  it("lists", async () => {
    const r = client();
    expect(await r.rpush("l:queue", "a", "b", "c")).toBe(3);
    expect(await r.lpush("l:queue", "z")).toBe(4);
    expect(await r.lrange("l:queue", 0, -1)).toEqual(["z", "a", "b", "c"]);
    expect(await r.lpop("l:queue")).toBe("z");
    expect(await r.rpop("l:queue")).toBe("c");
    expect(await r.llen("l:queue")).toBe(2);
    expect(await r.lindex("l:queue", 1)).toBe("b");
    expect(await r.lpop("l:empty")).toBeNull();
  });

  it("UTF-8 round trip (emoji, CJK, combining characters) in keys, values and fields", async () => {
    const r = client();
    const samples = [
      "👩‍👩‍👧‍👦 family ZWJ sequence",
      "漢字かな交じり文・한국어·中文",
      "e\u0301 (combining) vs \u00e9 (precomposed)",
      'tab\tnewline\nquote"backslash\\ and \u0000 NUL',
      "Ω≈ç√∫˜µ≤≥÷ 𝕳𝖊𝖑𝖑𝖔",
    ];
    for (const [i, text] of samples.entries()) {
      const key = `utf8:${i}:${text}`;
      expect(await r.set(key, text)).toBe("OK");
      expect(await r.get(key)).toBe(text);
      expect(await r.hset("utf8:hash", { [text]: text })).toBe(1);
      expect(await r.hget("utf8:hash", text)).toBe(text);
      // Bytes in Redis are exactly the UTF-8 of the string: no normalisation, no replacement characters.
      expect(await raw.getBuffer(key)).toEqual(Buffer.from(text, "utf8"));
    }
    expect(await r.keys("utf8:*:👩*")).toEqual([`utf8:0:${samples[0]}`]);
  });

  it("JSON values", async () => {
    const r = client();
    const value = { id: 7, name: "coupon 🎟️", tags: ["a", "b"], nested: { ok: true, none: null, ratio: 0.5 } };
    expect(await r.set("json:v", value)).toBe("OK");
    expect(await r.get("json:v")).toEqual(value);
    expect(await raw.get("json:v")).toBe(JSON.stringify(value));
    expect(await r.lpush("json:list", { n: 1 }, { n: 2 })).toBe(2);
    expect(await r.lrange("json:list", 0, -1)).toEqual([{ n: 2 }, { n: 1 }]);
  });

  it("a WRONGTYPE error surfaces as a thrown error with the Redis message", async () => {
    const r = client();
    await r.set("err:string", "x");
    await expect(r.lpush("err:string", "y")).rejects.toThrow(WRONGTYPE);
    // The failed command did not poison the connection.
    expect(await r.get("err:string")).toBe("x");
  });
});

describe("wire format", () => {
  it("default options send Upstash-Encoding: base64 and the bearer token", async () => {
    const seen = spyOnFetch();
    await redis.set("wire:k", "v");
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers["upstash-encoding"]).toBe("base64");
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it("plain and base64 replies follow Upstash's rules", async () => {
    expect((await rest("/", { body: JSON.stringify(["SET", "wire:s", "bar"]) })).json).toEqual({ result: "OK" });
    expect((await rest("/", { body: JSON.stringify(["GET", "wire:s"]) })).json).toEqual({ result: "bar" });
    const b64 = { "Upstash-Encoding": "base64" };
    expect((await rest("/", { body: JSON.stringify(["SET", "wire:s", "bar"]), headers: b64 })).json).toEqual({
      result: "OK",
    });
    expect((await rest("/", { body: JSON.stringify(["GET", "wire:s"]), headers: b64 })).json).toEqual({
      result: "YmFy",
    });
    expect((await rest("/", { body: JSON.stringify(["TYPE", "wire:s"]), headers: b64 })).json).toEqual({
      result: "c3RyaW5n",
    });
    expect((await rest("/", { body: JSON.stringify(["GET", "wire:none"]), headers: b64 })).json).toEqual({
      result: null,
    });
    // Integers stay numbers; nil inside arrays is null; nested arrays keep their shape.
    const script = "return {1, 'x', {2, false}, 'OK'}";
    expect((await rest("/", { body: JSON.stringify(["EVAL", script, 0]) })).json).toEqual({
      result: [1, "x", [2, null], "OK"],
    });
    expect((await rest("/", { body: JSON.stringify(["EVAL", script, 0]), headers: b64 })).json).toEqual({
      result: [1, "eA==", [2, null], "T0s="],
    });
  });

  it("binary values survive: base64 gives the exact bytes, plain UTF-8 uses U+FFFD like Upstash", async () => {
    await raw.set("wire:bin", Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const b64 = await rest("/", {
      body: JSON.stringify(["GET", "wire:bin"]),
      headers: { "Upstash-Encoding": "base64" },
    });
    expect(b64.json).toEqual({ result: "//4AQQ==" });
    const plain = await rest("/", { body: JSON.stringify(["GET", "wire:bin"]) });
    expect(plain.json).toEqual({ result: "\ufffd\ufffd\u0000A" });
  });

  it("path-style commands and query options", async () => {
    expect((await rest("/set/wire:path/hello%20there?EX=100")).json).toEqual({ result: "OK" });
    expect((await rest("/get/wire:path", { method: "GET" })).json).toEqual({ result: "hello there" });
    expect(await raw.ttl("wire:path")).toBeGreaterThan(90);
    expect((await rest("/set/wire:body", { body: "raw body value" })).json).toEqual({ result: "OK" });
    expect(await raw.get("wire:body")).toBe("raw body value");
    expect((await rest("/incr/wire:n")).json).toEqual({ result: 1 });
  });

  it("answers every malformed request with JSON and a 4xx status", async () => {
    const cases: Array<[string, Parameters<typeof rest>[1], number, RegExp]> = [
      ["/", { body: "{not json" }, 400, /not valid JSON/],
      ["/", { body: JSON.stringify({ cmd: "GET" }) }, 400, /non-empty JSON array/],
      ["/", { body: JSON.stringify([]) }, 400, /non-empty JSON array/],
      ["/", { body: JSON.stringify(["SET", "k", { nested: true }]) }, 400, /argument 3/],
      ["/", { method: "GET" }, 400, /no command/],
      ["/pipeline", { body: JSON.stringify([]) }, 400, /empty pipeline/],
      ["/pipeline", { body: JSON.stringify(["GET", "k"]) }, 400, /command 1/],
      ["/", { body: JSON.stringify(["SUBSCRIBE", "chan"]) }, 400, /not supported/],
      ["/", { body: JSON.stringify(["BLPOP", "k", 0]) }, 400, /not supported/],
      ["/", { body: JSON.stringify(["NOSUCHCOMMAND"]) }, 400, /unknown command/],
      ["/get/k", { method: "DELETE" }, 405, /not allowed/],
    ];
    for (const [path, init, status, message] of cases) {
      const res = await rest(path, init);
      expect({ path, status: res.status }).toEqual({ path, status });
      expect(res.contentType).toBe("application/json");
      expect((res.json as { error: string }).error).toMatch(message);
    }
  });

  it("keeps connections alive for longer than the clients' idle timeout", async () => {
    const res = await fetch(`${bridge.url}/`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["PING"]),
    });
    await res.text();
    expect(res.headers.get("keep-alive")).toBe("timeout=65");
  });
});

describe("read your writes (upstash-sync-token)", () => {
  /** Like spyOnFetch, plus the sync token each answer carried. */
  function spyOnSyncTokens(): Array<{ sent: string | undefined; answered: string | null }> {
    const seen: Array<{ sent: string | undefined; answered: string | null }> = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const headers = Object.fromEntries(
        Object.entries((init?.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
      );
      const response = await realFetch(input, init);
      seen.push({ sent: headers[SYNC_TOKEN_HEADER], answered: response.headers.get(SYNC_TOKEN_HEADER) });
      return response;
    });
    return seen;
  }

  it("every answer carries a new token: single commands, path-style, pipelines, transactions and Redis errors", async () => {
    const answers = [
      await rest("/", { body: JSON.stringify(["SET", "ryw:a", "1"]) }),
      await rest("/", { body: JSON.stringify(["GET", "ryw:a"]) }),
      await rest("/get/ryw:a", { method: "GET" }),
      await rest("/pipeline", {
        body: JSON.stringify([
          ["INCR", "ryw:n"],
          ["GET", "ryw:n"],
        ]),
      }),
      await rest("/multi-exec", {
        body: JSON.stringify([
          ["INCR", "ryw:n"],
          ["GET", "ryw:n"],
        ]),
      }),
      await rest("/", { body: JSON.stringify(["INCR", "ryw:a-hash"]) }),
      await rest("/", { body: JSON.stringify(["HSET", "ryw:a", "f", "v"]) }), // WRONGTYPE: HTTP 400
    ];
    expect(answers.at(-1)?.status).toBe(400);
    const tokens = answers.map((a) => a.headers.get(SYNC_TOKEN_HEADER));
    for (const token of tokens) expect(token).toMatch(/\S/);
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it("an unauthorised request gets no token (it never reached Redis)", async () => {
    const res = await fetch(`${bridge.url}/`, { method: "POST", body: JSON.stringify(["GET", "k"]) });
    await res.text();
    expect(res.status).toBe(401);
    expect(res.headers.get(SYNC_TOKEN_HEADER)).toBeNull();
  });

  it("@upstash/redis sends back the token of the previous answer and keeps the latest one", async () => {
    const client = new Redis({ url: bridge.url, token: TOKEN, enableAutoPipelining: false });
    const seen = spyOnSyncTokens();
    await client.set("ryw:k", "v1");
    await client.get("ryw:k");
    await client.pipeline().set("ryw:k", "v2").get("ryw:k").exec();
    await client.multi().set("ryw:k", "v3").get("ryw:k").exec();
    expect(seen).toHaveLength(4);
    expect(seen[0]?.sent).toBe(""); // a new client has no token yet
    for (let i = 1; i < seen.length; i++) expect(seen[i]?.sent).toBe(seen[i - 1]?.answered);
    expect(client.readYourWritesSyncToken).toBe(seen.at(-1)?.answered);
  });

  it("with readYourWrites: false the client sends no token and keeps none", async () => {
    const client = new Redis({ url: bridge.url, token: TOKEN, enableAutoPipelining: false, readYourWrites: false });
    const seen = spyOnSyncTokens();
    await client.set("ryw:off", "1");
    expect(await client.get("ryw:off")).toBe(1);
    expect(seen.map((s) => s.sent)).toEqual([undefined, undefined]);
    expect(seen.every((s) => s.answered !== null)).toBe(true);
    expect(client.readYourWritesSyncToken).toBe("");
  });

  it("a token handed from one client to another (as between serverless calls): the second reads the first's writes", async () => {
    const writer = new Redis({ url: bridge.url, token: TOKEN });
    const reader = new Redis({ url: bridge.url, token: TOKEN });
    for (let i = 0; i < 50; i++) {
      await writer.set("ryw:handoff", i);
      reader.readYourWritesSyncToken = writer.readYourWritesSyncToken;
      const seen = spyOnSyncTokens();
      expect(await reader.get("ryw:handoff")).toBe(i);
      expect(seen[0]?.sent).toBe(writer.readYourWritesSyncToken);
      vi.restoreAllMocks();
    }
  });

  it("a token this bridge never issued (e.g. from before a restart) is accepted and does not delay the read", async () => {
    const client = new Redis({ url: bridge.url, token: TOKEN, enableAutoPipelining: false });
    await client.set("ryw:foreign", "x");
    client.readYourWritesSyncToken = "0123456789ab-424242";
    expect(await client.get("ryw:foreign")).toBe("x");
  });
});

describe("pipelines", () => {
  it("explicit redis.pipeline() returns every result in order", async () => {
    const seen = spyOnFetch();
    const p = redis.pipeline();
    p.set("p:a", "x");
    p.incr("p:n");
    p.incr("p:n");
    p.get("p:a");
    p.hset("p:h", { f: "v" });
    p.hgetall("p:h");
    p.zadd("p:z", { score: 2, member: "m" });
    p.zrange("p:z", 0, -1, { withScores: true });
    expect(await p.exec()).toEqual(["OK", 1, 2, "x", 1, { f: "v" }, 1, ["m", 2]]);
    expect(seen.map((s) => s.path)).toEqual(["/pipeline"]);
  });

  it("a per-command error inside a pipeline leaves the other commands running", async () => {
    const p = redis.pipeline();
    p.set("p:err", "v");
    p.lpush("p:err", "x");
    p.get("p:err");
    p.incr("p:after");
    const results = await p.exec({ keepErrors: true });
    expect(results.map((r) => r.error)).toEqual([undefined, WRONGTYPE, undefined, undefined]);
    expect(results.map((r) => r.result)).toEqual(["OK", undefined, "v", 1]);

    const failing = redis.pipeline();
    failing.get("p:err");
    failing.lpush("p:err", "x");
    await expect(failing.exec()).rejects.toThrow(`Command 2 [ lpush ] failed: ${WRONGTYPE}`);
  });

  it.each([
    ["default options", () => redis],
    ["enableAutoPipelining: true", () => new Redis({ url: bridge.url, token: TOKEN, enableAutoPipelining: true })],
  ])("auto-pipelining batches 200 concurrent calls with results in call order (%s)", async (_name, client) => {
    const r = client();
    const seen = spyOnFetch();
    const writes = await Promise.all(Array.from({ length: 200 }, (_, i) => r.set(`ap:${i}`, `value-${i}`)));
    expect(writes).toEqual(Array.from({ length: 200 }, () => "OK"));
    const counters = await Promise.all(Array.from({ length: 200 }, () => r.incr("ap:counter")));
    expect(counters).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const reads = await Promise.all(Array.from({ length: 200 }, (_, i) => r.get(`ap:${i}`)));
    expect(reads).toEqual(Array.from({ length: 200 }, (_, i) => `value-${i}`));
    // 600 calls travelled in a handful of /pipeline requests, not 600 requests.
    expect(seen.every((s) => s.path === "/pipeline")).toBe(true);
    expect(seen.length).toBeLessThanOrEqual(6);
    expect(seen.reduce((n, s) => n + (s.body as unknown[]).length, 0)).toBe(600);
  });

  it("auto-pipelined errors reject only the failing call", async () => {
    await redis.set("ap:str", "x");
    const [ok, failed, after] = await Promise.allSettled([
      redis.incr("ap:n"),
      redis.lpush("ap:str", "y"),
      redis.incr("ap:n"),
    ]);
    expect(ok).toEqual({ status: "fulfilled", value: 1 });
    expect(failed.status).toBe("rejected");
    expect(failed.status === "rejected" && String(failed.reason)).toContain(WRONGTYPE);
    expect(after).toEqual({ status: "fulfilled", value: 2 });
  });
});

describe("multi-exec", () => {
  it("transactions are atomic under concurrency", async () => {
    const TRANSACTIONS = 150;
    let writing = true;
    const observed: unknown[][] = [];
    const reader = async () => {
      while (writing) observed.push(await redis.multi().get("tx:a").get("tx:b").exec());
    };
    const readers = Array.from({ length: 4 }, reader);
    // Uneven transactions (0-3 filler commands between the two INCRs): identical ones would advance in
    // lock-step even without MULTI and hide a non-atomic implementation.
    const transaction = (i: number) => {
      const tx = redis.multi().incr("tx:a");
      for (let f = 0; f < i % 4; f++) tx.incr("tx:filler");
      return tx.incr("tx:b").exec();
    };
    const results = await Promise.all(Array.from({ length: TRANSACTIONS }, (_, i) => transaction(i)));
    writing = false;
    await Promise.all(readers);

    // Both INCRs of one transaction see the same count: nothing ran between them.
    for (const result of results) expect(result[0]).toBe(result[result.length - 1]);
    expect(results.map(([a]) => a).sort((x, y) => Number(x) - Number(y))).toEqual(
      Array.from({ length: TRANSACTIONS }, (_, i) => i + 1),
    );
    expect(observed.length).toBeGreaterThan(0);
    for (const [a, b] of observed) expect(a).toBe(b);
    expect(await raw.mget("tx:a", "tx:b")).toEqual([String(TRANSACTIONS), String(TRANSACTIONS)]);
  });

  it("uses /multi-exec and keeps Redis semantics for runtime errors", async () => {
    const seen = spyOnFetch();
    await raw.set("tx:str", "x");
    const tx = redis.multi();
    tx.incr("tx:n");
    tx.lpush("tx:str", "y");
    tx.incr("tx:n");
    const results = await tx.exec({ keepErrors: true });
    expect(results.map((r) => r.error)).toEqual([undefined, WRONGTYPE, undefined]);
    expect(results.map((r) => r.result)).toEqual([1, undefined, 2]);
    expect(seen.map((s) => s.path)).toEqual(["/multi-exec"]);
  });

  it("a command that cannot be queued discards the whole transaction", async () => {
    const res = await rest("/multi-exec", {
      body: JSON.stringify([["SET", "tx:k", "1"], ["NOSUCHCOMMAND"], ["INCR", "tx:n"]]),
    });
    expect(res.status).toBe(400);
    expect((res.json as { error: string }).error).toMatch(/^EXECABORT .*unknown command 'NOSUCHCOMMAND'/);
    expect(await raw.exists("tx:k", "tx:n")).toBe(0);
  });
});

describe("scripts", () => {
  it("createScript falls back from EVALSHA to EVAL after SCRIPT FLUSH", async () => {
    const source = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    const script = redis.createScript<number>(source);
    expect(await script.exec(["sc:n"], ["5"])).toBe(5);
    expect(script.sha1).toBe(sha1(source));
    expect(await redis.scriptExists(script.sha1)).toEqual([1]);

    await raw.script("FLUSH");
    expect(await redis.scriptExists(script.sha1)).toEqual([0]);
    const seen = spyOnFetch();
    expect(await script.exec(["sc:n"], ["5"])).toBe(10);
    const sent = seen
      .flatMap((s) => (s.path === "/" ? [s.body] : (s.body as unknown[])))
      .map((c) => (c as string[])[0]);
    expect(sent).toEqual(["evalsha", "eval"]);
    expect(await redis.scriptExists(script.sha1)).toEqual([1]);
  });

  it("runs scripts with Upstash's allow-key-locking shebang, by EVAL and by the original SHA", async () => {
    const source = "#!lua flags=allow-key-locking\nreturn redis.call('INCR', KEYS[1])";
    // Stock Redis 7.0 refuses the flag; the bridge must rewrite it.
    await expect(raw.eval(source, 1, "sc:lock")).rejects.toThrow(/Unexpected flag in script shebang/);

    const script = redis.createScript<number>(source);
    expect(await script.exec(["sc:lock"], [])).toBe(1);
    expect(await redis.evalsha(sha1(source), ["sc:lock"], [])).toBe(2);
    expect(await redis.scriptExists(sha1(source))).toEqual([1]);

    await raw.script("FLUSH");
    expect(await redis.scriptLoad(source)).toBe(sha1(source));
    expect(await redis.evalsha(sha1(source), ["sc:lock"], [])).toBe(3);
    // Known flags survive the rewrite.
    expect(await redis.eval("#!lua flags=no-writes,allow-key-locking\nreturn ARGV[1]", [], ["ro"])).toBe("ro");
  });

  it("EVALSHA of an unknown SHA reaches the client as NOSCRIPT", async () => {
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
  });
});

describe("@upstash/ratelimit", () => {
  const WINDOW = "1000 w"; // long enough that no window boundary or refill falls inside a test
  const algorithms: Array<[string, () => ReturnType<typeof Ratelimit.fixedWindow>]> = [
    ["fixedWindow", () => Ratelimit.fixedWindow(5, WINDOW)],
    ["slidingWindow", () => Ratelimit.slidingWindow(5, WINDOW)],
    ["tokenBucket", () => Ratelimit.tokenBucket(5, WINDOW, 5)],
  ];

  it.each(algorithms)("%s allows exactly the limit, then refuses", async (name, limiter) => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: limiter(),
      prefix: `rl:${name}`,
      ephemeralCache: false,
      analytics: false,
    });
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await ratelimit.limit("user-1"));
    expect(results.map((r) => r.success)).toEqual([true, true, true, true, true, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0]);
    expect(results.map((r) => r.limit)).toEqual([5, 5, 5, 5, 5, 5, 5]);
    expect(results.map((r) => r.reason)).toEqual(Array.from({ length: 7 }, () => undefined));
    expect((await ratelimit.getRemaining("user-1")).remaining).toBe(0);

    // Another identifier has its own budget.
    const other = await ratelimit.limit("user-2");
    expect([other.success, other.remaining]).toEqual([true, 4]);
  });

  it.each(algorithms)("%s hits the loaded script by its original SHA after the first call", async (name, limiter) => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: limiter(),
      prefix: `rl-sha:${name}`,
      ephemeralCache: false,
      analytics: false,
    });
    await ratelimit.limit("u");
    const seen = spyOnFetch();
    expect((await ratelimit.limit("u")).remaining).toBe(3);
    // EVALSHA with ratelimit's hard-coded SHA (of the shebang text) must succeed: no EVAL fallback.
    const sent = seen
      .flatMap((s) => (s.path === "/" ? [s.body] : (s.body as unknown[])))
      .map((c) => (c as string[])[0]);
    expect(sent).toEqual(["evalsha"]);
  });

  it.each(algorithms)("%s keeps counting after SCRIPT FLUSH (NOSCRIPT fallback)", async (name, limiter) => {
    const ratelimit = new Ratelimit({
      redis,
      limiter: limiter(),
      prefix: `rl-flush:${name}`,
      ephemeralCache: false,
      analytics: false,
    });
    expect((await ratelimit.limit("u")).remaining).toBe(4);
    await raw.script("FLUSH");
    expect((await ratelimit.limit("u")).remaining).toBe(3);
    expect((await ratelimit.limit("u")).remaining).toBe(2);
  });
});

describe("auth, limits and failures", () => {
  it("refuses a wrong or missing bearer token with 401 JSON", async () => {
    const intruder = new Redis({ url: bridge.url, token: "wrong-token" });
    await expect(intruder.get("k")).rejects.toThrow(/Unauthorized/);
    const missing = await rest("/", { body: JSON.stringify(["GET", "k"]), headers: { authorization: "" } });
    expect(missing.status).toBe(401);
    expect(missing.contentType).toBe("application/json");
    expect(missing.json).toEqual({ error: "Unauthorized: missing or invalid bearer token" });
    expect((await rest(`/get/k?_token=${TOKEN}`, { method: "GET", headers: { authorization: "" } })).status).toBe(200);
  });

  it("caps the body size with a 413 JSON answer and keeps serving", async () => {
    const huge = "x".repeat(MAX_BODY_BYTES + 1);
    await expect(redis.set("big", huge)).rejects.toThrow(/exceeds the bridge limit/);
    const res = await rest("/", { body: JSON.stringify(["SET", "big", huge]) });
    expect(res.status).toBe(413);
    expect(res.contentType).toBe("application/json");
    expect(await raw.exists("big")).toBe(0);

    const fits = "y".repeat(MAX_BODY_BYTES - 1024);
    expect(await redis.set("big", fits)).toBe("OK");
    expect(await redis.strlen("big")).toBe(fits.length);
  });

  it("answers 500 with a message when Redis is gone, and close() does not hang", async () => {
    const doomedRedis = await startRedisServer();
    const doomedBridge = await startUpstashBridge({ redisUrl: doomedRedis.url, token: TOKEN });
    const client = new Redis({ url: doomedBridge.url, token: TOKEN, enableAutoPipelining: false });
    expect(await client.set("k", "v")).toBe("OK");
    await doomedRedis.stop();
    const res = await fetch(doomedBridge.url, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify(["GET", "k"]),
    });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: string }).error).toMatch(/lost its Redis connection/);
    const started = performance.now();
    await doomedBridge.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("close() ends idle keep-alive sockets promptly", async () => {
    const other = await startUpstashBridge({ redisUrl: redisServer.url, token: TOKEN });
    const client = new Redis({ url: other.url, token: TOKEN });
    await Promise.all([client.set("ka", "1"), client.get("ka")]);
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe("local redis-server runner", () => {
  it("starts on a free loopback port, answers, and stop() ends the process", async () => {
    const server = await startRedisServer();
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(server.port).not.toBe(redisServer.port);
    const conn = new IORedis(server.url, { protocol: 2 });
    expect(await conn.config("GET", "save")).toEqual(["save", ""]);
    expect(await conn.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    conn.disconnect();
    await server.stop();
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
    await server.stop(); // idempotent
  });

  it("fails with a clear message when redis-server is not on PATH", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(isRedisServerAvailable()).toBe(false);
      await expect(startRedisServer()).rejects.toThrow(/redis-server was not found on PATH/);
    } finally {
      process.env.PATH = path;
    }
    expect(isRedisServerAvailable()).toBe(true);
  });
});
