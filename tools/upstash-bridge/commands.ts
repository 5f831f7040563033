/** One argument as sent to Redis: JSON strings, or raw bytes from a path-style POST body. */
export type RedisArg = string | Buffer;
/** A command with its name upper-cased (see normalizeCommand). */
export type RedisCommand = RedisArg[];

/** A malformed request: answered with HTTP 400 and nothing is executed. */
export class BadRequestError extends Error {}

/**
 * Commands that would corrupt or block the shared connection (subscriber/monitor mode, a different DB,
 * MULTI state, connection-level replies) or hold it hostage (blocking pops). Upstash serves some of
 * these over SSE endpoints or not at all; the bridge answers an error instead.
 */
const UNSUPPORTED = new Set([
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
  "MONITOR",
  "QUIT",
  "RESET",
  "SELECT",
  "HELLO",
  "AUTH",
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
  "WAITAOF",
]);

/** Parses `["SET","k","v"]`. */
export function parseSingleBody(body: unknown): RedisCommand {
  return normalizeCommand(body, "the body");
}

/** Parses `[["SET","k","v"],["GET","k"]]` (pipeline and multi-exec). */
export function parseBatchBody(body: unknown): RedisCommand[] {
  if (!Array.isArray(body))
    throw new BadRequestError('ERR the body must be a JSON array of commands, e.g. [["GET","k"]]');
  if (body.length === 0) throw new BadRequestError("ERR empty pipeline: send at least one command");
  return body.map((command, i) => normalizeCommand(command, `command ${i + 1}`));
}

/** Validates one command and upper-cases its name (stops ioredis applying its lower-case reply/argument transformers, e.g. hgetall -> object). */
export function normalizeCommand(command: unknown, where: string): RedisCommand {
  if (!Array.isArray(command) || command.length === 0) {
    throw new BadRequestError(`ERR ${where} must be a non-empty JSON array like ["SET","key","value"]`);
  }
  const args = command.map((arg: unknown, i): RedisArg => {
    if (typeof arg === "string") return arg;
    if (typeof arg === "number" || typeof arg === "boolean") return String(arg);
    if (Buffer.isBuffer(arg)) return arg;
    throw new BadRequestError(
      `ERR ${where}: argument ${i + 1} must be a string, number or boolean, got ${arg === null ? "null" : typeof arg}`,
    );
  });
  const name = args[0];
  if (typeof name !== "string" || name.length === 0)
    throw new BadRequestError(`ERR ${where}: the command name must be a non-empty string`);
  args[0] = name.toUpperCase();
  return args;
}

/** Returns an error message when the bridge refuses to run the command, otherwise null. */
export function unsupportedReason(command: RedisCommand): string | null {
  const name = command[0];
  if (typeof name !== "string") return null;
  if (UNSUPPORTED.has(name) || isBlockingStreamRead(command) || isClientReply(command)) {
    return `ERR command '${name}' is not supported by the local Upstash bridge`;
  }
  return null;
}

function isBlockingStreamRead(command: RedisCommand): boolean {
  if (command[0] !== "XREAD" && command[0] !== "XREADGROUP") return false;
  return command.some((arg, i) => i > 0 && typeof arg === "string" && arg.toUpperCase() === "BLOCK");
}

function isClientReply(command: RedisCommand): boolean {
  const sub = command[1];
  return command[0] === "CLIENT" && typeof sub === "string" && ["REPLY", "KILL", "PAUSE"].includes(sub.toUpperCase());
}

/**
 * Upstash's path style: `/set/foo/bar?EX=100` -> SET foo bar EX 100. A non-empty POST body is appended
 * as the value (raw bytes, so binary values survive), before the query-string options.
 */
export function parsePathCommand(pathname: string, query: URLSearchParams, body: Buffer | null): RedisCommand {
  let segments: string[];
  try {
    segments = pathname
      .split("/")
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
  } catch {
    throw new BadRequestError("ERR malformed percent-encoding in the URL path");
  }
  const args: RedisArg[] = [...segments];
  if (body && body.length > 0) args.push(body);
  for (const [key, value] of query) {
    if (key === "_token") continue;
    args.push(key);
    if (value !== "") args.push(value);
  }
  return normalizeCommand(args, "the path");
}
