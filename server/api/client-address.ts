import type http from "node:http";
import proxyAddr from "proxy-addr";
import { env, type TrustProxy } from "@/server/env";

type Trust = (address: string, hop: number) => boolean;

const compiled = new WeakMap<TrustProxy, Trust>();

/** TRUST_PROXY as proxy-addr's trust function: which hops (nearest first) may name the address before them. */
export function trustOf(trust: TrustProxy): Trust {
  let fn = compiled.get(trust);
  if (!fn) {
    if (trust.kind === "none") fn = () => false;
    else if (trust.kind === "hops") {
      const hops = trust.hops;
      fn = (_address, hop) => hop < hops;
    } else fn = proxyAddr.compile(trust.entries);
    compiled.set(trust, fn);
  }
  return fn;
}

/**
 * The client's address as the server that holds the socket sees it: the socket's peer, or, when that
 * peer is a trusted proxy (TRUST_PROXY), the X-Forwarded-For entry it vouches for, and so on outwards.
 * A header alone never moves the address: without a trusted proxy, a forged X-Forwarded-For is ignored.
 */
export function clientAddressOf(req: http.IncomingMessage, trust: TrustProxy = env().TRUST_PROXY): string {
  if (!req.socket?.remoteAddress) return "unknown";
  return normalise(proxyAddr(req, trustOf(trust)));
}

/** The scheme the client used: https when our socket is TLS, or a trusted proxy says so. */
export function clientProtocolOf(req: http.IncomingMessage, trust: TrustProxy = env().TRUST_PROXY): "http" | "https" {
  if ((req.socket as { encrypted?: boolean } | undefined)?.encrypted) return "https";
  const peer = req.socket?.remoteAddress;
  if (!peer || !trustOf(trust)(peer, 0)) return "http";
  const proto = String(req.headers["x-forwarded-proto"] ?? "")
    .split(",")[0]
    ?.trim()
    .toLowerCase();
  return proto === "https" ? "https" : "http";
}

/**
 * For code behind the front server (the Next.js route handler, server actions): Next.js 16 hands
 * neither the socket nor its address to app code, so the address comes from X-Forwarded-For, which
 * the front server (tools/serve.ts) overwrites with the address it resolved from its socket, and which
 * Next.js itself fills from its socket when it is missing. The rightmost entry is the one the nearest
 * hop wrote. This is only sound while the Next server is reachable on loopback alone (README, Production).
 */
export function clientAddressFromForwarded(headers: Headers): string {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  const nearest = entries.at(-1);
  return nearest ? normalise(nearest) : "unknown";
}

// "::ffff:10.0.0.1" and "10.0.0.1" are one client.
function normalise(address: string): string {
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}
