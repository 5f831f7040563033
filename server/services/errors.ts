import { REASON_MESSAGES, type Reason } from "@/server/domain/reasons";

/** An expected, explainable failure of a use case, carrying a Reason for clients. */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly reason: Reason,
    message: string = REASON_MESSAGES[reason],
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/**
 * A lock or redeem that cannot take every code: it fails as a whole (nothing
 * reserved) with each refused code's reason (API.md: 409 / CONFLICT).
 */
export class CheckoutRejectedError extends DomainError {
  override name = "CheckoutRejectedError";
  constructor(
    readonly rejected: Array<{ code: string; reason: Reason; message: string }>,
    message?: string,
  ) {
    const first = rejected[0];
    super(
      first?.reason ?? "NOT_FOUND",
      message ?? (first ? `${first.code}: ${first.message}` : "No code could be used."),
      { rejected },
    );
  }
}

/** The thing asked for does not exist (404), outside the shopper-facing reasons. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
}

/** The change conflicts with existing data, e.g. a code string already taken (409). */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** The input passed its schema but breaks a rule of the data (422). */
export class InvalidInputError extends Error {
  override name = "InvalidInputError";
}

/** The idempotency key was used before with another request (422). */
export class IdempotencyMismatchError extends Error {
  override name = "IdempotencyMismatchError";
}

/** Another call with the same idempotency key has not finished yet (409, retry). */
export class InProgressError extends Error {
  override name = "InProgressError";
}

/** A dependency (Postgres) is down, or the gate is full: 503, the client may retry after `retryAfterSeconds`. */
export class DependencyUnavailableError extends Error {
  override name = "DependencyUnavailableError";
  readonly retryAfterSeconds: number;
  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
  }
}

// Postgres errors arrive wrapped (drizzle puts the driver's error in `cause`): look down the chain.
function hasPostgresCode(error: unknown, sqlState: string, constraint?: string): boolean {
  const e = error as { code?: string; constraint_name?: string; cause?: unknown } | null;
  if (e && e.code === sqlState) return constraint === undefined || e.constraint_name === constraint;
  return e?.cause !== undefined && e.cause !== error && hasPostgresCode(e.cause, sqlState, constraint);
}

/** Postgres unique_violation on the named constraint/index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return hasPostgresCode(error, "23505", constraint);
}

/** Postgres cancelled the statement (statement_timeout, query_canceled). */
export function isStatementTimeout(error: unknown): boolean {
  return hasPostgresCode(error, "57014");
}

/** Postgres foreign_key_violation on the named constraint. */
export function isForeignKeyViolation(error: unknown, constraint?: string): boolean {
  return hasPostgresCode(error, "23503", constraint);
}

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

/** Postgres cannot be reached (or is shutting down, or out of connections): a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; cause?: unknown; errors?: unknown[] } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && UNAVAILABLE_CODES.has(e.code)) return true;
  if (Array.isArray(e.errors) && e.errors.some(isDatabaseUnavailable)) return true;
  return e.cause !== undefined && e.cause !== error && isDatabaseUnavailable(e.cause);
}

/**
 * Postgres refused text it cannot store (a NUL byte: SQLSTATE 22021; or an untranslatable character: 22P05).
 * The input schemas refuse control characters first; this is the net under any text they let through.
 */
export function isUnstorableText(error: unknown): boolean {
  const e = error as { code?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (e.code === "22021" || e.code === "22P05") return true;
  return e.cause !== undefined && e.cause !== error && isUnstorableText(e.cause);
}

/**
 * Postgres answered the statement with an error (a PostgresError with a SQLSTATE, however wrapped): it
 * did not commit. Anything else after sending (a connection lost mid-statement) may have committed.
 */
export function isRefusedByPostgres(error: unknown): boolean {
  const e = error as { code?: unknown; severity?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== "object") return false;
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === "string") return true;
  return e.cause !== undefined && e.cause !== error && isRefusedByPostgres(e.cause);
}
