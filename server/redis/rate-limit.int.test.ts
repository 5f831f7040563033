// The failed-guess limiter against the real Redis (through the Upstash bridge): every subject of a call
// is checked and charged in one atomic step, concurrent calls never pass a limit, and refunds give back.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chargeAttempts, rateLimitPolicies, type RateLimitSubject } from "./rate-limit";

const user = (): RateLimitSubject => ({ policy: "codeGuessByUser", identifier: `user-${randomUUID()}` });
const address = (): RateLimitSubject => ({ policy: "codeGuessSignedInByIp", identifier: `ip-${randomUUID()}` });

/** How many single attempts a subject still has (charged, then all given back). */
async function attemptsLeft(subject: RateLimitSubject): Promise<number> {
  const limit = rateLimitPolicies()[subject.policy].limit;
  for (let n = limit; n > 0; n -= 1) {
    const charge = await chargeAttempts([subject], n);
    if (charge) {
      await charge.refund(n);
      return n;
    }
  }
  return 0;
}

describe("chargeAttempts", () => {
  it("charges every subject or none: a subject at its limit leaves the others untouched", async () => {
    const limited = user();
    const other = address();
    const userLimit = rateLimitPolicies().codeGuessByUser.limit;
    expect(await chargeAttempts([limited], userLimit)).not.toBeNull();
    expect(await chargeAttempts([other, limited], 1)).toBeNull();
    // A check (count 0) of a subject at its limit is refused too.
    expect(await chargeAttempts([limited], 0)).toBeNull();
    expect(await attemptsLeft(other)).toBe(rateLimitPolicies().codeGuessSignedInByIp.limit);
  });

  it("never lets concurrent calls pass the limit together", async () => {
    const subject = user();
    const other = address();
    const limit = rateLimitPolicies().codeGuessByUser.limit;
    const results = await Promise.all(Array.from({ length: limit * 3 }, () => chargeAttempts([subject, other], 1)));
    expect(results.filter((r) => r !== null)).toHaveLength(limit);
    expect(await attemptsLeft(subject)).toBe(0);
    expect(await attemptsLeft(other)).toBe(rateLimitPolicies().codeGuessSignedInByIp.limit - limit);
  });

  it("gives refunded attempts back to every subject, never more than were charged", async () => {
    const subject = user();
    const other = address();
    const charge = await chargeAttempts([subject, other], 3);
    expect(charge).not.toBeNull();
    await charge!.refund(2);
    await charge!.refund(5); // only 1 was left to give back
    expect(await attemptsLeft(subject)).toBe(rateLimitPolicies().codeGuessByUser.limit);
    expect(await attemptsLeft(other)).toBe(rateLimitPolicies().codeGuessSignedInByIp.limit);
  });
});
