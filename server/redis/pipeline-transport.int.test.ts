import { randomUUID } from "node:crypto";
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { errors, Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisHttpRequester } from "./client";
import { CoalescingRequester } from "./coalescing-requester";
import { createPipelineTransport, type PipelineTransport } from "./pipeline-transport";

// The undici pipeline transport against the real redis-server behind the Upstash bridge (globalSetup),
// compared with the @upstash/redis client's own requester; and against small servers that misbehave.

let url: string;
let token: string;
let transport: PipelineTransport;

beforeAll(() => {
  url = process.env.UPSTASH_REDIS_REST_URL ?? "";
  token = process.env.UPSTASH_REDIS_REST_TOKEN ?? "";
  if (!url || !token) throw new Error("integration globalSetup did not provide UPSTASH_REDIS_REST_URL/TOKEN");
  transport = createPipelineTransport(url, token, { timeoutMs: 1_500 });
});

afterAll(async () => {
  await transport.close();
});

/** A throwaway HTTP server on loopback; `handler` answers (or does not). */
async function fakeServer(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("the undici pipeline transport", () => {
  it("gives the same answers as the client's own requester, command for command", async () => {
    const k = (name: string) => `test:transport:${randomUUID()}:${name}`;
    const [text, counter, hash] = [k("text"), k("counter"), k("hash")];
    const commands = [
      ["SET", text, 'Grüße, 東京 ☕ "quoted" \\ back'],
      ["GET", text],
      ["INCRBY", counter, "41"],
      ["INCR", counter],
      ["HSET", hash, "a", "1", "b", "two"],
      ["HGETALL", hash],
      ["GET", k("missing")],
      ["INCR", text],
      ["EVAL", "return {1, 'x', {ARGV[1], redis.call('GET', KEYS[1])}}", "1", text, "arg"],
    ];
    const own = createRedisHttpRequester(url, token);
    // The same commands on other keys for the transport, so both start from the same state.
    const again = commands.map((c) => c.map((part) => (part.startsWith("test:transport:") ? `${part}:2` : part)));
    const viaOwn = (await own.request<unknown>({ path: ["pipeline"], body: commands })) as unknown;
    const viaTransport = (await transport.send(again)).results;
    expect(viaTransport).toEqual(viaOwn);
    expect(viaTransport[1]).toEqual({ result: 'Grüße, 東京 ☕ "quoted" \\ back' });
    expect(viaTransport[3]).toEqual({ result: 42 });
    expect(viaTransport[6]).toEqual({ result: null });
    expect(viaTransport[7]?.error).toMatch(/not an integer/);
  });

  it("behind CoalescingRequester, serves the real client", async () => {
    const redis = new Redis(new CoalescingRequester(createRedisHttpRequester(url, token), transport));
    const counter = `test:transport:${randomUUID()}:n`;
    const answers = await Promise.all(Array.from({ length: 100 }, () => redis.incr(counter)));
    expect([...answers].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await redis.set(`${counter}:json`, { a: [1, "b"] });
    expect(await redis.get(`${counter}:json`)).toEqual({ a: [1, "b"] });
  });

  it("a refused request (wrong token) throws UpstashError with the server's message", async () => {
    const wrong = createPipelineTransport(url, "not-the-token", { timeoutMs: 1_500 });
    try {
      await expect(wrong.send([["PING"]])).rejects.toBeInstanceOf(errors.UpstashError);
    } finally {
      await wrong.close();
    }
  });

  it("passes the read-your-writes sync token both ways, and sends no encoding header", async () => {
    const seen: Array<{ token: string | undefined; encoding: string | undefined; auth: string | undefined }> = [];
    const server = await fakeServer((req, res) => {
      seen.push({
        token: req.headers["upstash-sync-token"] as string | undefined,
        encoding: req.headers["upstash-encoding"] as string | undefined,
        auth: req.headers.authorization,
      });
      req.resume().on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "upstash-sync-token": `token-${seen.length}` });
        res.end(JSON.stringify([{ result: "PONG" }]));
      });
    });
    const fake = createPipelineTransport(server.url, "secret", { timeoutMs: 1_500 });
    try {
      const first = await fake.send([["PING"]]);
      expect(first).toEqual({ results: [{ result: "PONG" }], syncToken: "token-1" });
      const second = await fake.send([["PING"]], first.syncToken);
      expect(second.syncToken).toBe("token-2");
      expect(seen).toEqual([
        { token: undefined, encoding: undefined, auth: "Bearer secret" },
        { token: "token-1", encoding: undefined, auth: "Bearer secret" },
      ]);
    } finally {
      await fake.close();
      await server.close();
    }
  });

  it("gives up on a server that does not answer after the timeout, without sending again", async () => {
    let requests = 0;
    const server = await fakeServer((req) => {
      requests += 1;
      req.resume();
    });
    const fake = createPipelineTransport(server.url, "secret", { timeoutMs: 300 });
    try {
      const started = performance.now();
      const error = await fake.send([["PING"]]).catch((e: unknown) => e);
      expect((error as Error).name).toBe("TimeoutError");
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(requests).toBe(1);
    } finally {
      await fake.close();
      await server.close();
    }
  });

  it("sends once more when a request got no answer (the connection dropped), then gives up", async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const fake = createPipelineTransport(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, "secret", {
      timeoutMs: 1_500,
    });
    try {
      await expect(fake.send([["PING"]])).rejects.toThrow();
      expect(connections).toBe(2);
    } finally {
      await fake.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
