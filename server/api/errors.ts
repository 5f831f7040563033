import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { Reason } from "@/server/domain/reasons";
import {
  CheckoutRejectedError,
  ConflictError,
  DependencyUnavailableError,
  DomainError,
  IdempotencyMismatchError,
  InProgressError,
  InvalidInputError,
  NotFoundError,
} from "@/server/services/errors";

export { ConflictError, DependencyUnavailableError, DomainError, InvalidInputError, NotFoundError };

const EXPECTED_ERRORS = [
  DomainError,
  NotFoundError,
  ConflictError,
  InvalidInputError,
  DependencyUnavailableError,
  IdempotencyMismatchError,
  InProgressError,
];

/**
 * The one table mapping domain reasons to tRPC codes and HTTP statuses
 * (API.md: 409 conflict, 422 rule not met, 429 rate limited, ...).
 */
export const REASON_STATUS: Record<Reason, { code: TRPC_ERROR_CODE_KEY; http: number }> = {
  INVALID_FORMAT: { code: "BAD_REQUEST", http: 400 },
  NOT_FOUND: { code: "NOT_FOUND", http: 404 },
  DISABLED: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  NOT_STARTED: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  EXPIRED: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  MIN_ORDER_NOT_MET: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  NO_ELIGIBLE_ITEMS: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  EMAIL_DOMAIN_NOT_ALLOWED: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  FIRST_ORDER_ONLY: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  CHANNEL_NOT_ALLOWED: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  CURRENCY_MISMATCH: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  NOT_ASSIGNED_TO_USER: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  TOO_MANY_CODES: { code: "UNPROCESSABLE_CONTENT", http: 422 },
  EXHAUSTED: { code: "CONFLICT", http: 409 },
  USER_LIMIT_REACHED: { code: "CONFLICT", http: 409 },
  NOT_STACKABLE: { code: "CONFLICT", http: 409 },
  DUPLICATE_COUPON: { code: "CONFLICT", http: 409 },
  LOCKED: { code: "CONFLICT", http: 409 },
  ALREADY_REDEEMED: { code: "CONFLICT", http: 409 },
  LOGIN_REQUIRED: { code: "UNAUTHORIZED", http: 401 },
  RATE_LIMITED: { code: "TOO_MANY_REQUESTS", http: 429 },
};

/** Errors the API answers with their own code instead of a masked 500. */
export function isExpectedError(error: unknown): boolean {
  return EXPECTED_ERRORS.some((type) => error instanceof type);
}

/**
 * HTTP headers of an answer (tRPC's responseMeta, in both HTTP handlers): a 503 says when to retry.
 * The status itself comes from the error codes above.
 */
export function errorResponseMeta(opts: { errors: TRPCError[] }): { headers?: Record<string, string> } {
  const retryAfter = opts.errors
    .map((error) => error.cause)
    .filter((cause) => cause instanceof DependencyUnavailableError)
    .map((cause) => cause.retryAfterSeconds);
  return retryAfter.length > 0 ? { headers: { "retry-after": String(Math.max(...retryAfter)) } } : {};
}

export function toTRPCError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof CheckoutRejectedError)
    return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  if (error instanceof DomainError) {
    return new TRPCError({ code: REASON_STATUS[error.reason].code, message: error.message, cause: error });
  }
  if (error instanceof NotFoundError) return new TRPCError({ code: "NOT_FOUND", message: error.message, cause: error });
  if (error instanceof IdempotencyMismatchError)
    return new TRPCError({ code: "UNPROCESSABLE_CONTENT", message: error.message, cause: error });
  if (error instanceof InProgressError)
    return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  if (error instanceof ConflictError) return new TRPCError({ code: "CONFLICT", message: error.message, cause: error });
  // Input that passed its schema but breaks a rule of the data (e.g. no such user): 422, like the rule reasons.
  if (error instanceof InvalidInputError)
    return new TRPCError({ code: "UNPROCESSABLE_CONTENT", message: error.message, cause: error });
  if (error instanceof DependencyUnavailableError) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: error.message, cause: error });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "Internal error",
    cause: error instanceof Error ? error : undefined,
  });
}
