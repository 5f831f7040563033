import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { Socket } from "node:net";
import { Redis, type RedisOptions } from "ioredis";
import {
  BadRequestError,
  parseBatchBody,
  parsePathCommand,
  parseSingleBody,
  unsupportedReason,
  type RedisCommand,
} from "./commands";
import { ConnectionPool } from "./connection-pool";
import { encodeReply, errorMessage, isReplyError, type CommandOutcome, type JsonReply } from "./resp";
import { ScriptRegistry, type RewrittenCommand } from "./scripts";

export interface UpstashBridgeOptions {
  /** redis://host:port of the real Redis behind the bridge. */
  redisUrl: string;
  /** Bearer token clients must present (`new Redis({ url, token })`). */
  token: string;
  /** Defaults to an OS-assigned free port. */
  port?: number;
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Larger request bodies get HTTP 413. Defaults to 5 MiB. */
  maxBodyBytes?: number;
  /** Dedicated connections for /multi-exec. Defaults to 4. */
  transactionConnections?: number;
  /** Receives Redis connection errors (otherwise they surface only in responses). */
  log?: (line: string) => void;
}

export interface UpstashBridge {
  /** http://127.0.0.1:PORT — pass as `url` to @upstash/redis. */
  url: string;
  /** Stops accepting requests, closes idle keep-alive sockets, then closes the Redis connections. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_TRANSACTION_CONNECTIONS = 4;
// Clients (undici fetch) keep sockets open between requests; outlive their idle timeouts so a reused
// socket is never closed under an in-flight request.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 66_000;
const CLOSE_GRACE_MS = 2_000;
const ALLOWED_METHODS = new Set(["GET", "HEAD", "POST", "PUT"]);
/** Upstash's read-your-writes header: on every answer, and sent back by the client with its next request. */
export const SYNC_TOKEN_HEADER = "upstash-sync-token";

/** An answer decided before (or instead of) talking to Redis. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The Redis connection itself failed (refused, closed, retries exhausted): HTTP 500. */
class RedisUnavailableError extends Error {}

/**
 * Starts an HTTP server speaking the Upstash Redis REST protocol (POST /, /pipeline, /multi-exec,
 * path-style commands) in front of a real Redis, so @upstash/redis and @upstash/ratelimit run unchanged
 * against a local redis-server.
 */
export async function startUpstashBridge(opts: UpstashBridgeOptions): Promise<UpstashBridge> {
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const host = opts.host ?? "127.0.0.1";
  const log = opts.log;
  const expectedToken = Buffer.from(opts.token, "utf8");
  const scripts = new ScriptRegistry();
  const nextSyncToken = syncTokenSource();

  const connect = (name: string, extra: RedisOptions = {}): Redis => {
    const conn = new Redis(opts.redisUrl, {
      // Upstash answers with RESP2 shapes (flat WITHSCORES, HGETALL as a flat array); ioredis 6 defaults to RESP3.
      protocol: 2,
      lazyConnect: true,
      // Fail fast with a 500 instead of queueing requests while Redis is down, and never replay a
      // half-sent command (it may already have run) after a reconnect.
      maxRetriesPerRequest: 1,
      autoResendUnfulfilledCommands: false,
      connectionName: name,
      ...extra,
    });
    conn.on("error", (error: Error) => log?.(`[upstash-bridge] redis ${name}: ${error.message}`));
    return conn;
  };

  // One shared connection carries every plain command and pipeline. Redis runs commands one at a time
  // anyway; ioredis pipelines concurrent requests onto the socket, so this is the fast path.
  // (Not ioredis' enableAutoPipelining: in ioredis 6 it drops callBuffer's command name.)
  const shared = connect("upstash-bridge");
  try {
    await shared.connect();
  } catch (error) {
    shared.disconnect();
    throw new Error(`upstash bridge: cannot reach Redis at ${opts.redisUrl}: ${errorMessage(error)}`);
  }
  const pool = new ConnectionPool(
    () => connect("upstash-bridge-tx"),
    opts.transactionConnections ?? DEFAULT_TRANSACTION_CONNECTIONS,
  );

  const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, noDelay: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Last resort: anything unexpected still gets a JSON answer if the socket is alive.
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      sendJson(res, 500, { error: `ERR upstash bridge failure: ${errorMessage(error)}` });
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));

  // Like Upstash, every answer carries a fresh sync token, taken as it is sent (after its commands ran).
  // Upstash makes a read replica catch up with the token a request presents; the one redis-server here
  // is the primary and has reached every token it handed out, so a presented token never delays a request.
  const answer: typeof sendJson = (res, status, payload, headers = {}) =>
    sendJson(res, status, payload, { ...headers, [SYNC_TOKEN_HEADER]: nextSyncToken() });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const { pathname, query } = splitUrl(req.url ?? "/");
    const method = req.method ?? "GET";

    // Decide refusals first but still drain the body, so the keep-alive socket stays usable.
    let refusal: HttpError | null = null;
    if (!ALLOWED_METHODS.has(method))
      refusal = new HttpError(405, `ERR method ${method} not allowed; use GET, HEAD, POST or PUT`);
    else if (!isAuthorized(req, query, expectedToken))
      refusal = new HttpError(401, "Unauthorized: missing or invalid bearer token");

    const body = await readBody(req, maxBodyBytes);
    if (refusal) {
      // No sync token: the request never reached Redis.
      sendJson(
        res,
        refusal.status,
        { error: refusal.message },
        refusal.status === 405 ? { Allow: "GET, HEAD, POST, PUT" } : {},
      );
      return;
    }
    if (body === null) {
      answer(res, 413, { error: `ERR request body exceeds the bridge limit of ${maxBodyBytes} bytes` });
      return;
    }

    const base64 = headerValue(req, "upstash-encoding").toLowerCase() === "base64";
    try {
      if (pathname === "/pipeline" || pathname === "/multi-exec") {
        if (method === "GET" || method === "HEAD")
          throw new HttpError(405, `ERR ${pathname} expects a POST with a JSON array of commands`);
        const commands = parseBatchBody(parseJson(body));
        const outcomes =
          pathname === "/pipeline" ? await runPipeline(commands, base64) : await runTransaction(commands, base64);
        answer(res, 200, outcomes);
        return;
      }
      const command =
        pathname === "/"
          ? parseSingleBody(body.length > 0 ? parseJson(body) : missingCommand())
          : parsePathCommand(pathname, query, method === "POST" || method === "PUT" ? body : null);
      const outcome = await runSingle(command, base64);
      answer(res, "error" in outcome ? 400 : 200, outcome);
    } catch (error) {
      if (error instanceof HttpError) answer(res, error.status, { error: error.message });
      else if (error instanceof BadRequestError) answer(res, 400, { error: error.message });
      else if (error instanceof RedisUnavailableError) answer(res, 500, { error: error.message });
      else throw error;
    }
  }

  async function runSingle(command: RedisCommand, base64: boolean): Promise<CommandOutcome> {
    const refusal = unsupportedReason(command);
    if (refusal) return { error: refusal };
    const rewritten = scripts.rewriteCommand(command);
    return settle(rewritten, call(shared, rewritten.args), base64);
  }

  async function runPipeline(commands: RedisCommand[], base64: boolean): Promise<CommandOutcome[]> {
    // One ioredis pipeline on the shared connection: Redis sees the commands in request order, and
    // they reach its socket in one write (not one per command).
    const pipeline = shared.pipeline();
    const planned = commands.map((command): { refusal: string } | { rewritten: RewrittenCommand } => {
      const refusal = unsupportedReason(command);
      if (refusal) return { refusal };
      const rewritten = scripts.rewriteCommand(command);
      const [name, ...rest] = rewritten.args;
      // Buffer replies keep binary values intact; resp.ts decides UTF-8 vs base64 per request.
      pipeline.callBuffer(String(name), ...rest);
      return { rewritten };
    });
    const replies = pipeline.length > 0 ? await pipeline.exec().catch((error: unknown) => error) : [];
    let at = 0;
    return Promise.all(
      planned.map((entry) => {
        if ("refusal" in entry) return { error: entry.refusal };
        const reply = Array.isArray(replies) ? (replies[at++] as [Error | null, unknown] | undefined) : undefined;
        const pending = !reply
          ? Promise.reject(replies instanceof Error ? replies : new Error("no reply"))
          : reply[0]
            ? Promise.reject(reply[0])
            : Promise.resolve(reply[1]);
        return settle(entry.rewritten, pending, base64);
      }),
    );
  }

  async function runTransaction(commands: RedisCommand[], base64: boolean): Promise<CommandOutcome[]> {
    // Like Upstash, an unsupported command discards the whole transaction before anything runs.
    for (const command of commands) {
      const refusal = unsupportedReason(command);
      if (refusal) throw new BadRequestError(refusal);
    }
    const rewritten = commands.map((command) => scripts.rewriteCommand(command));
    const conn = await pool.acquire();
    let healthy = false;
    try {
      // MULTI, the commands and EXEC are written back to back on a connection nobody else uses.
      const replies = await Promise.allSettled([
        call(conn, ["MULTI"]),
        ...rewritten.map((command) => call(conn, command.args)),
        call(conn, ["EXEC"]),
      ]);
      const multi = replies[0];
      const exec = replies[replies.length - 1];
      const broken = replies.find((r) => r.status === "rejected" && !isReplyError(r.reason));
      if (broken && broken.status === "rejected") throw unavailable(broken.reason);
      if (!multi || multi.status === "rejected" || !exec)
        throw new RedisUnavailableError("ERR transaction connection in an unexpected state");
      healthy = true;
      if (exec.status === "rejected") {
        // EXECABORT: a command failed to queue (unknown command, wrong arity); nothing was executed.
        const queueError = replies.slice(1, -1).find((r) => r.status === "rejected");
        const reason = queueError?.status === "rejected" ? ` (${errorMessage(queueError.reason)})` : "";
        throw new BadRequestError(`${errorMessage(exec.reason)}${reason}`);
      }
      const results: unknown = exec.value;
      if (!Array.isArray(results) || results.length !== rewritten.length) {
        healthy = false;
        throw new RedisUnavailableError("ERR unexpected EXEC reply from Redis");
      }
      return results.map((reply: unknown, i): CommandOutcome => {
        if (reply instanceof Error) return { error: reply.message };
        const mapReply = rewritten[i]?.mapReply;
        return { result: encodeReply(mapReply ? mapReply(reply) : reply, base64) };
      });
    } finally {
      pool.release(conn, healthy);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown) => {
    shared.disconnect();
    throw error;
  });
  server.on("error", (error) => log?.(`[upstash-bridge] http server: ${errorMessage(error)}`));

  const address = server.address();
  const port = address && typeof address === "object" ? address.port : (opts.port ?? 0);
  const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // Keep-alive sockets that were mid-request when close() began: give them a moment, then cut.
          setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
        });
        await Promise.all([quit(shared), pool.close(quit)]);
      })();
      return closing;
    },
  };
}

/**
 * Sync tokens: this bridge's random id and a counter, so each answer's token is new and a token from an
 * earlier bridge (or another one) is never mistaken for one of ours.
 */
function syncTokenSource(): () => string {
  const bridgeId = randomBytes(6).toString("hex");
  let issued = 0;
  return () => `${bridgeId}-${++issued}`;
}

function call(conn: Redis, args: RedisCommand): Promise<unknown> {
  const [name, ...rest] = args;
  // Buffer replies keep binary values intact; resp.ts decides UTF-8 vs base64 per request.
  return conn.callBuffer(String(name), ...rest);
}

/** Turns one command's reply into `{result}` / `{error}`; only transport failures propagate. */
async function settle(command: RewrittenCommand, pending: Promise<unknown>, base64: boolean): Promise<CommandOutcome> {
  try {
    const reply = await pending;
    const result: JsonReply = encodeReply(command.mapReply ? command.mapReply(reply) : reply, base64);
    return { result };
  } catch (error) {
    if (isReplyError(error)) return { error: error.message };
    throw unavailable(error);
  }
}

function unavailable(error: unknown): RedisUnavailableError {
  return new RedisUnavailableError(`ERR upstash bridge lost its Redis connection: ${errorMessage(error)}`);
}

async function quit(conn: Redis): Promise<void> {
  if (conn.status !== "ready") {
    conn.disconnect();
    return;
  }
  // QUIT can still hang if Redis dies meanwhile; fall back to dropping the socket.
  const timer = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
  await Promise.race([
    conn.quit().then(
      () => undefined,
      () => undefined,
    ),
    timer,
  ]);
  conn.disconnect();
}

/** Reads the whole body; null when it exceeds the cap (the rest is drained, not buffered). */
function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    let tooLarge = declared > maxBytes;
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      if (tooLarge) chunks.length = 0;
      else chunks.push(chunk);
    });
    req.once("end", () =>
      resolve(tooLarge ? null : chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size)),
    );
    req.once("error", reject);
    req.once("close", () => {
      if (!req.complete) reject(new Error("client closed the connection before sending the whole body"));
    });
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new BadRequestError(`ERR the body is not valid JSON: ${errorMessage(error)}`);
  }
}

function missingCommand(): never {
  throw new BadRequestError('ERR no command: POST a JSON array like ["SET","key","value"] or use /COMMAND/arg1/arg2');
}

function isAuthorized(req: http.IncomingMessage, query: URLSearchParams, expected: Buffer): boolean {
  const header = headerValue(req, "authorization");
  const match = /^bearer\s+(.+)$/i.exec(header.trim());
  const presented = match?.[1] ?? query.get("_token");
  if (!presented) return false;
  const given = Buffer.from(presented, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function headerValue(req: http.IncomingMessage, name: string): string {
  const value = req.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

function splitUrl(rawUrl: string): { pathname: string; query: URLSearchParams } {
  const q = rawUrl.indexOf("?");
  const rawPath = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const pathname = rawPath.length > 1 && rawPath.endsWith("/") ? rawPath.slice(0, -1) : rawPath || "/";
  return { pathname, query: new URLSearchParams(q === -1 ? "" : rawUrl.slice(q + 1)) };
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Malformed HTTP never reaches a handler; answer it in JSON like everything else, then close. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
  const body = JSON.stringify({ error: `ERR bad HTTP request: ${error.message}` });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? "Error"}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
