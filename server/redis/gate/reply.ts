/**
 * Decoders of script replies. @upstash/redis JSON-parses string replies ("42" -> 42), so scripts send
 * integers as Redis integers and free-form strings with a "=" prefix, which JSON never accepts.
 */
export class GateReplyError extends Error {
  constructor(script: string, detail: string) {
    super(`gate ${script}: unexpected reply (${detail})`);
    this.name = "GateReplyError";
  }
}

export function replyArray(script: string, value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new GateReplyError(script, `expected an array, got ${JSON.stringify(value)}`);
  return value;
}

export function replyInt(script: string, value: unknown): number {
  const n = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n))
    throw new GateReplyError(script, `expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

/** A "="-tagged string; "" when the field was missing. */
export function replyString(script: string, value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("="))
    throw new GateReplyError(script, `expected a tagged string, got ${JSON.stringify(value)}`);
  return value.slice(1);
}
