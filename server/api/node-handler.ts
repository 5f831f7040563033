import type http from "node:http";
import { Readable } from "node:stream";
import { TRPCError } from "@trpc/server";
import { resolveResponse } from "@trpc/server/http";
import { errorResponseMeta } from "./errors";
import { clientAddressOf, clientProtocolOf } from "./client-address";
import { env, type TrustProxy } from "@/server/env";
import { readContextSession } from "./read-context-session";
import { appRouter } from "./root";
import { API_SECURITY_HEADERS, HSTS_HEADER } from "./security-headers";
import { createTRPCContext, TRPC_MAX_BATCH_SIZE } from "./trpc";

export const TRPC_BASE_PATH = "/api/trpc/";

/** Far above any checkout or admin call (a cart of 200 lines is a few tens of kB); a bigger body is refused with 413. */
export const MAX_TRPC_BODY_BYTES = 1024 * 1024;

/**
 * The same router as app/api/trpc/[trpc]/route.ts, for a node:http server: the production server
 * (tools/serve.ts) answers /api/trpc/* with it directly. Same context, same session rules, same
 * answers (tRPC's own resolveResponse decides everything).
 *
 * What it does differently from tRPC's standalone adapter is only the plumbing, which was most of the
 * CPU of a checkout call: the request body is read into one string before the Fetch Request is built
 * (no ReadableStream fed from the socket, no AbortSignal.any), and a JSON answer is written with one
 * res.end (no WritableStream pipe). Anything streamed (a batch-stream or subscription answer) is still
 * piped as it comes.
 */
export function createNodeTrpcHandler(opts: { trustProxy?: TrustProxy } = {}): http.RequestListener {
  return (req, res) => {
    handle(req, res, opts.trustProxy ?? env().TRUST_PROXY).catch((error: unknown) => {
      // resolveResponse answers every error itself; this is the socket or a bug.
      console.error("[trpc] node handler failed", error);
      if (res.headersSent) res.destroy();
      else writeError(res, 500, "INTERNAL_SERVER_ERROR", "Internal error");
    });
  };
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse, trustProxy: TrustProxy): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  } catch {
    return writeError(res, 400, "BAD_REQUEST", "Invalid URL or Host header.");
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(":")) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }

  let body: string | ReadableStream<Uint8Array> | undefined;
  if (req.method !== "GET" && req.method !== "HEAD") {
    body = (await readBody(req, MAX_TRPC_BODY_BYTES)) ?? tooLargeBody();
    // The rest of an oversized body is not read: the connection cannot serve another request.
    if (typeof body !== "string") res.setHeader("connection", "close");
  }
  const request = new Request(url, {
    method: req.method,
    headers,
    body,
    ...(typeof body === "object" ? { duplex: "half" } : {}),
  });

  const response = await resolveResponse({
    router: appRouter,
    req: request,
    path: url.pathname.startsWith(TRPC_BASE_PATH) ? url.pathname.slice(TRPC_BASE_PATH.length) : url.pathname.slice(1),
    error: null,
    responseMeta: errorResponseMeta,
    maxBatchSize: TRPC_MAX_BATCH_SIZE,
    // The address comes from our socket (and TRUST_PROXY's proxies), never from a header alone.
    createContext: async () =>
      createTRPCContext({
        headers,
        session: await readContextSession({ url: url.href, headers }),
        ip: clientAddressOf(req, trustProxy),
      }),
  });

  res.statusCode = response.status;
  for (const [name, value] of Object.entries(API_SECURITY_HEADERS)) res.setHeader(name, value);
  if (clientProtocolOf(req, trustProxy) === "https") res.setHeader(HSTS_HEADER.key, HSTS_HEADER.value);
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  if (!response.body) {
    res.end();
    return;
  }
  if (response.headers.get("content-type")?.startsWith("application/json")) {
    res.end(await response.text());
    return;
  }
  // Streamed answers (jsonl batch streams, event streams): pass each chunk on as it comes; stop if the client goes.
  const stream = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  res.once("close", () => stream.destroy());
  stream.pipe(res);
}

/**
 * The body as UTF-8 text, or null once it passes `limit` bytes. The rest of an oversized body is not
 * read (the request is paused, not destroyed, so the 413 can still be written).
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | null> {
  if (Number(req.headers["content-length"]) > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: string | null) => {
      req.off("data", onData).off("end", onEnd).off("error", reject);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        req.pause();
        done(null);
      }
    };
    const onEnd = () =>
      done(chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks).toString("utf8"));
    req.on("data", onData).on("end", onEnd).on("error", reject);
  });
}

/** A body that fails as tRPC's own adapter fails an oversized one, so tRPC shapes the 413 answer itself. */
function tooLargeBody(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.error(
        new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: `The request body is over ${MAX_TRPC_BODY_BYTES} bytes.` }),
      );
    },
  });
}

/** An answer made before tRPC could take the request, in tRPC's error shape (superjson envelope). */
function writeError(
  res: http.ServerResponse,
  status: 400 | 500,
  code: "BAD_REQUEST" | "INTERNAL_SERVER_ERROR",
  message: string,
): void {
  res.writeHead(status, { "content-type": "application/json", connection: "close" });
  res.end(
    JSON.stringify({
      error: { json: { message, code: status === 400 ? -32_600 : -32_603, data: { code, httpStatus: status } } },
    }),
  );
}
