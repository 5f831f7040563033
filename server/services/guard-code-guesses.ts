import { hashCodeForLookup } from "@/server/crypto/code-secrets";
import { parseCode } from "@/server/domain/code-format";
import type { Customer, Quote } from "@/server/domain/schemas";
import { getRedis } from "@/server/redis/client";
import { chargeAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import { readCachedCodes } from "@/server/redis/rules-cache";
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

/**
 * How many of the codes could be guesses: all but those the Redis code cache already knows to exist
 * and to be anyone's (a code assigned to a user answers NOT_FOUND to others, so it is charged). No
 * Postgres here. A hot shared code is then never charged, so many concurrent checkouts from one
 * address (an office, a partner's server) are not refused while their valid codes are in flight.
 */
async function countPossibleGuesses(codes: readonly string[]): Promise<number> {
  const hexes = codes.map((raw) => {
    const parsed = parseCode(raw);
    return parsed.ok ? hashCodeForLookup(parsed.key).toString("hex") : null;
  });
  const redis = getRedis();
  const lookups = hexes.filter((h): h is string => h !== null);
  if (!redis || lookups.length === 0) return codes.length;
  try {
    const cached = await readCachedCodes(redis, lookups);
    const known = new Set(
      lookups.filter((_, i) => {
        const entry = cached[i];
        return entry?.found === true && entry.assignedUserId === null;
      }),
    );
    return hexes.filter((h) => h === null || !known.has(h)).length;
  } catch {
    return codes.length;
  }
}

function failedGuesses(outcome: unknown): number {
  const rejected =
    outcome instanceof CheckoutRejectedError
      ? outcome.rejected
      : outcome && typeof outcome === "object" && "rejected" in outcome
        ? (outcome as Pick<Quote, "rejected">).rejected
        : [];
  return rejected.filter((r) => r.reason === "NOT_FOUND" || r.reason === "INVALID_FORMAT").length;
}

/**
 * Judges `codes` only within the caller's failed-guess limits. Order matters: every code that may be a
 * guess is checked and charged before it is looked up in Postgres (so a limited caller, refused here
 * whatever its codes, costs no database query, and concurrent calls, a tRPC batch among them, cannot
 * together judge more guesses than the limit); then what was not a failed guess (a code that exists,
 * or a call that failed before judging) is given back.
 */
export async function guardCodeGuesses<T>(
  caller: CheckoutCaller,
  codes: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  const charged = await countPossibleGuesses(codes);
  const charge = await chargeAttempts(rateLimitSubjects(caller), charged);
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
    await charge.refund(charged - judged);
  }
}
