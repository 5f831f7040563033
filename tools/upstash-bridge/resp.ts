/** A RESP2 reply as Upstash puts it in JSON. */
export type JsonReply = null | number | string | JsonReply[];

export type CommandOutcome = { result: JsonReply } | { error: string };

const OK = Buffer.from("OK");

/**
 * Maps an ioredis Buffer-mode RESP2 reply to Upstash's JSON: integers -> numbers, nil -> null,
 * arrays -> arrays, strings -> UTF-8 text, or base64 when the client sent `Upstash-Encoding: base64`.
 *
 * In base64 mode Upstash leaves a top-level "OK" unencoded. ioredis hands simple and bulk strings over
 * as the same Buffer, so a stored value "OK" also comes back as "OK" — the client decodes both forms to
 * "OK". Inside arrays everything is encoded: @upstash/redis base64-decodes array items without the "OK"
 * exception, and base64 output can never be the literal "OK".
 */
export function encodeReply(reply: unknown, base64: boolean): JsonReply {
  if (base64 && Buffer.isBuffer(reply) && reply.equals(OK)) return "OK";
  return encodeValue(reply, base64);
}

function encodeValue(value: unknown, base64: boolean): JsonReply {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return base64 ? value.toString("base64") : value.toString("utf8");
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "string") return base64 ? Buffer.from(value, "utf8").toString("base64") : value;
  if (Array.isArray(value)) return value.map((item) => encodeValue(item, base64));
  // An error nested in an array (e.g. a Lua table holding an error reply) has no JSON slot: send its text.
  if (value instanceof Error) return encodeValue(value.message, base64);
  return encodeValue(String(value), base64);
}

/** Redis answered with an error reply (a command problem, not a transport problem). */
export function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === "ReplyError";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
