import type http from "node:http";
import { describe, expect, it } from "vitest";
import { parseEnv } from "@/server/env";
import { clientAddressFromForwarded, clientAddressOf, clientProtocolOf } from "./client-address";

function request(peer: string, headers: Record<string, string> = {}, encrypted = false): http.IncomingMessage {
  return { socket: { remoteAddress: peer, encrypted }, connection: { remoteAddress: peer }, headers } as never;
}

const BASE = {
  DATABASE_URL: "postgres://u:p@127.0.0.1:5432/db",
  AUTH_SECRET: "x".repeat(32),
  CODE_HMAC_KEY: "a".repeat(64),
  CODE_ENCRYPTION_KEY: "b".repeat(64),
};
const trust = (TRUST_PROXY?: string) => parseEnv({ ...BASE, TRUST_PROXY }).TRUST_PROXY;

describe("clientAddressOf (the front server's view: socket + TRUST_PROXY)", () => {
  it("without a trusted proxy: the socket's address, whatever X-Forwarded-For says", () => {
    for (const xff of ["1.2.3.4", "1.2.3.4, 5.6.7.8", "garbage", ""]) {
      expect(clientAddressOf(request("203.0.113.9", { "x-forwarded-for": xff }), trust(undefined))).toBe("203.0.113.9");
    }
    expect(clientAddressOf(request("::ffff:203.0.113.9"), trust("false"))).toBe("203.0.113.9");
  });

  it("a hop count believes that many nearest hops, no more", () => {
    const req = request("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.1" });
    expect(clientAddressOf(req, trust("1"))).toBe("10.0.0.1");
    expect(clientAddressOf(req, trust("2"))).toBe("198.51.100.7");
    expect(clientAddressOf(req, trust("3"))).toBe("6.6.6.6");
    expect(clientAddressOf(req, trust("9"))).toBe("6.6.6.6");
  });

  it("a CIDR list believes only those peers: a forged entry before the real one is never reached", () => {
    const list = trust("10.0.0.0/8, 127.0.0.1");
    // The proxy at 10.0.0.2 saw 198.51.100.7; the client wrote 6.6.6.6 itself.
    expect(clientAddressOf(request("10.0.0.2", { "x-forwarded-for": "6.6.6.6, 198.51.100.7" }), list)).toBe(
      "198.51.100.7",
    );
    // A peer outside the list is the client, whatever it forwards.
    expect(clientAddressOf(request("198.51.100.50", { "x-forwarded-for": "6.6.6.6" }), list)).toBe("198.51.100.50");
    expect(clientAddressOf(request("127.0.0.1", { "x-forwarded-for": "2001:db8::1" }), trust("loopback"))).toBe(
      "2001:db8::1",
    );
  });

  it("refuses a TRUST_PROXY that is neither a count nor addresses, naming the variable", () => {
    expect(() => trust("not-an-ip")).toThrow(/TRUST_PROXY/);
    expect(() => trust("10.0.0.0/99")).toThrow(/TRUST_PROXY/);
    expect(() => trust("11")).toThrow(/TRUST_PROXY/);
  });

  it("believes X-Forwarded-Proto only from a trusted proxy", () => {
    expect(clientProtocolOf(request("198.51.100.1", { "x-forwarded-proto": "https" }), trust(undefined))).toBe("http");
    expect(clientProtocolOf(request("127.0.0.1", { "x-forwarded-proto": "https" }), trust("loopback"))).toBe("https");
    expect(clientProtocolOf(request("198.51.100.1", {}, true), trust(undefined))).toBe("https");
  });
});

describe("clientAddressFromForwarded (behind the front server)", () => {
  it("takes the entry the nearest hop wrote", () => {
    expect(clientAddressFromForwarded(new Headers({ "x-forwarded-for": "198.51.100.7" }))).toBe("198.51.100.7");
    expect(clientAddressFromForwarded(new Headers({ "x-forwarded-for": "6.6.6.6, 198.51.100.7" }))).toBe(
      "198.51.100.7",
    );
    expect(clientAddressFromForwarded(new Headers())).toBe("unknown");
  });
});
