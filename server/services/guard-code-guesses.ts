import { hashCodeForLookup } from "@/server/crypto/code-secrets";
import { parseCode } from "@/server/domain/code-format";
import type { Quote } from "@/server/domain/schemas";
import { getRedis } from "@/server/redis/client";
import { chargeAttempts, type RateLimitSubject } from "@/server/redis/rate-limit";
import { readCachedCodes } from "@/server/redis/rules-cache";
import { codeFoundLately } from "./checkout-quote";
import { CheckoutRejectedError, DomainError } from "./errors";
import type { CheckoutCustomer } from "./read-order-history";

export type CheckoutCaller = {
  /** Null for an anonymous shopper: per-user rules then answer LOGIN_REQUIRED. */
  customer: CheckoutCustomer | null;
  ip: string;
  /** A guest checkout (its customer id holds locks, but it is no known user): limited like an anonymous caller. */
  guest?: boolean;
  /** A server-to-server caller: its guesses count against the key, not the address or the customer it names. */
  apiKeyId?: string;
};

/**
 * Whose limits a caller's code attempts count against (README, rate-limit policy table): anonymous
 * callers per address; signed-in shoppers per user, plus a much higher ceiling per address that only
 * signed-in callers share, so anonymous guessing behind a shared NAT never locks them out.
 */
function rateLimitSubjects(caller: CheckoutCaller): RateLimitSubject[] {
  if (caller.apiKeyId) return [{ policy: "codeGuessByApiKey", identifier: caller.apiKeyId }];
  // A guest can mint new ids: its guesses count against its address, as an anonymous caller's.
  if (!caller.customer || caller.guest) return [{ policy: "codeGuessAnonByIp", identifier: caller.ip }];
  return [
    { policy: "codeGuessByUser", identifier: caller.customer.id },
    { policy: "codeGuessSignedInByIp", identifier: caller.ip },
  ];
}

type Entry = { key: string; display: string; lookupHex: string | null };

function entriesOf(codes: readonly string[]): Entry[] {
  return codes.map((raw) => {
    const parsed = parseCode(raw);
    return parsed.ok
      ? { key: parsed.key, display: parsed.code, lookupHex: hashCodeForLookup(parsed.key).toString("hex") }
      : { key: `invalid:${raw}`, display: raw.trim().slice(0, 64), lookupHex: null };
  });
}

/**
 * The codes the code caches already know to exist and to be anyone's (a code assigned to a user
 * answers NOT_FOUND to others, so it stays a possible guess): this process's copy first (a hot code is
 * there, so it costs no round trip), then the Redis code cache. No Postgres here.
 */
async function knownToExist(entries: Entry[]): Promise<Set<string>> {
  const known = new Set<string>();
  const lookups: Array<Entry & { lookupHex: string }> = [];
  for (const e of entries) {
    if (e.lookupHex === null) continue;
    const local = codeFoundLately(e.lookupHex);
    if (local?.assignedUserId === null) known.add(e.key);
    else if (!local) lookups.push({ ...e, lookupHex: e.lookupHex });
  }
  const redis = getRedis();
  if (!redis || lookups.length === 0) return known;
  try {
    const cached = await readCachedCodes(
      redis,
      lookups.map((e) => e.lookupHex),
    );
    lookups.forEach((e, i) => {
      if (cached[i]?.found === true && cached[i]?.assignedUserId === null) known.add(e.key);
    });
  } catch {
    // Unknown: charged as possible guesses (and given back once they turn out to exist).
  }
  return known;
}

/**
 * Codes this process is judging right now, per caller: the same code sent by the same caller in
 * concurrent calls is one guess, charged once (by the first call; the others wait for its verdict),
 * so a shopper's parallel checkouts with a code not yet cached are not refused for their number.
 */
type Flight = { calls: number; admitted: Promise<boolean> };
const globalForFlights = globalThis as unknown as { couponGuessFlights?: Map<string, Flight> };
function flights(): Map<string, Flight> {
  globalForFlights.couponGuessFlights ??= new Map();
  return globalForFlights.couponGuessFlights;
}

function failedKeys(outcome: unknown, entries: Entry[]): Set<string> {
  const rejected =
    outcome instanceof CheckoutRejectedError
      ? outcome.rejected
      : outcome && typeof outcome === "object" && "rejected" in outcome
        ? (outcome as Pick<Quote, "rejected">).rejected
        : [];
  const failed = new Set(
    rejected.filter((r) => r.reason === "NOT_FOUND" || r.reason === "INVALID_FORMAT").map((r) => r.code),
  );
  return new Set(entries.filter((e) => failed.has(e.display)).map((e) => e.key));
}

/**
 * Judges `codes` only within the caller's failed-guess limits. Order matters: every code that may be a
 * guess (not known to exist from the code cache) is checked and charged before it is looked up in
 * Postgres, so a limited caller (refused here whatever its codes) costs no database query, and
 * concurrent calls, a tRPC batch among them, cannot together judge more guesses than the limit. Then
 * what was not a failed guess (a code that exists, or a call that failed before judging) is given back.
 */
export async function guardCodeGuesses<T>(
  caller: CheckoutCaller,
  codes: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  const subjects = rateLimitSubjects(caller);
  // The caller as its narrowest limit knows it (the user when signed in, else the address).
  const owner = `${subjects[0]!.policy}:${subjects[0]!.identifier}`;
  const entries = entriesOf(codes);
  // Synchronously (before any await), so concurrent calls agree on who charges a shared code.
  const mine = new Map<string, (admitted: boolean) => void>();
  const waits: Promise<boolean>[] = [];
  const joined: string[] = [];
  for (const key of new Set(entries.map((e) => e.key))) {
    const id = `${owner}\n${key}`;
    const flight = flights().get(id);
    if (flight) {
      flight.calls += 1;
      waits.push(flight.admitted);
    } else {
      let decide!: (admitted: boolean) => void;
      flights().set(id, { calls: 1, admitted: new Promise((resolve) => (decide = resolve)) });
      mine.set(key, decide);
    }
    joined.push(id);
  }
  const leave = () => {
    for (const id of joined) {
      const flight = flights().get(id);
      if (flight && --flight.calls <= 0) flights().delete(id);
    }
  };

  let charged: string[] = [];
  let charge: Awaited<ReturnType<typeof chargeAttempts>> = null;
  try {
    const known = await knownToExist(entries.filter((e) => mine.has(e.key)));
    charged = [...mine.keys()].filter((key) => !known.has(key));
    // Charged even when nothing is (count 0): a caller over its limit is refused whatever its codes.
    charge = await chargeAttempts(subjects, charged.length);
  } catch (error) {
    leave();
    throw error;
  } finally {
    for (const decide of mine.values()) decide(charge !== null);
  }
  if (!charge || !(await Promise.all(waits)).every(Boolean)) {
    if (charge) await charge.refund(charged.length);
    leave();
    throw new DomainError("RATE_LIMITED");
  }
  let outcome: unknown;
  try {
    outcome = await run();
    return outcome as T;
  } catch (error) {
    outcome = error;
    throw error;
  } finally {
    leave();
    // A failure other than a refusal (e.g. Postgres down) judged nothing: everything goes back.
    const failed =
      outcome instanceof Error && !(outcome instanceof CheckoutRejectedError)
        ? new Set()
        : failedKeys(outcome, entries);
    await charge.refund(charged.filter((key) => !failed.has(key)).length);
  }
}
