import type { Customer, Quote } from "@/server/domain/schemas";
import { chargeAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import { CheckoutRejectedError, DomainError } from "./errors";

export type CheckoutCaller = {
  /** Null for an anonymous shopper: per-user rules then answer LOGIN_REQUIRED. */
  customer: Customer | null;
  ip: string;
};

/**
 * Whose limits a caller's code attempts count against (README, rate-limit policy table): anonymous
 * callers per address; signed-in shoppers per user, plus a much higher ceiling per address that only
 * signed-in callers share, so anonymous guessing behind a shared NAT never locks them out.
 */
function rateLimitSubjects(caller: CheckoutCaller): RateLimitSubject[] {
  if (!caller.customer) return [{ policy: "codeGuessAnonByIp", identifier: caller.ip }];
  return [
    { policy: "codeGuessByUser", identifier: caller.customer.id },
    { policy: "codeGuessSignedInByIp", identifier: caller.ip },
  ];
}

type Rejections = Pick<Quote, "rejected">;

function failedGuesses(outcome: unknown): number {
  const rejected =
    outcome instanceof CheckoutRejectedError
      ? outcome.rejected
      : outcome && typeof outcome === "object" && "rejected" in outcome
        ? (outcome as Rejections).rejected
        : [];
  return rejected.filter((r) => r.reason === "NOT_FOUND" || r.reason === "INVALID_FORMAT").length;
}

/**
 * Judges `codes` only within the caller's failed-guess limits. Order matters: one attempt per code is
 * checked and charged before any code is looked up (so a limited caller costs no database query, and
 * concurrent calls, a tRPC batch among them, cannot together judge more than the limit); then what
 * was not a failed guess (a code that exists, or a call that failed before judging) is given back.
 */
export async function guardCodeGuesses<T>(
  caller: CheckoutCaller,
  codes: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  const charge = await chargeAttempts(rateLimitSubjects(caller), codes.length);
  if (!charge) throw new DomainError("RATE_LIMITED");
  let outcome: unknown;
  try {
    outcome = await run();
    return outcome as T;
  } catch (error) {
    outcome = error;
    throw error;
  } finally {
    // A failure other than a refusal (e.g. Postgres down) judged nothing: everything goes back.
    const judged = outcome instanceof Error && !(outcome instanceof CheckoutRejectedError) ? 0 : failedGuesses(outcome);
    await charge.refund(codes.length - judged);
  }
}
