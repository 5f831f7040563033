/**
 * releaseLock: gives a live lock's reservations back (unlock, or compensation before commit).
 *
 * Protects invariant 2 (a failed call consumes nothing) without breaking 1: only a lock still in the
 * coupon's locks ZSET with its record gives counters back, so a second release, a committed lock or a
 * reclaimed one changes nothing. Coupons not loaded or being rebuilt are skipped: their rebuilt
 * counters come from Postgres, and a lock loaded there expires by itself.
 *
 * KEYS (5 per coupon): state, users, codes, locks, lock record (lock:<lockId>)
 * ARGV: lockId, the caller's gate generation
 * Returns: number of coupons whose reservation was given back
 * Safe to resend without an op id: the first run removes the lock id from the ZSET and the record, so a
 * resent request finds nothing to give back (a resend's answer may say 0; callers do not rely on it).
 * Cluster caveat: several coupons = several hash slots; fine on single-shard Redis / Upstash.
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { assertDistinctCoupons, generationArg, idArg } from "./validate";

const RELEASE_LOCK = defineGateScript(
  "release-lock",
  `
local lock_id, gen = ARGV[1], ARGV[2]
local n = #KEYS / 5
local function k(i, j) return KEYS[(i - 1) * 5 + j] end
local released = 0
for i = 1, n do
  if is_live(k(i, 1), gen) then
    local r = redis.call('HMGET', k(i, 5), 'customerId', 'codeId', 'amount')
    if r[2] and redis.call('ZSCORE', k(i, 4), lock_id) then
      give_back(k(i, 1), k(i, 2), k(i, 3), r[1] or '', r[2], tonumber(r[3]) or 0)
      released = released + 1
    end
    redis.call('DEL', k(i, 5))
    redis.call('ZREM', k(i, 4), lock_id)
  end
end
return released
`,
);

/** Idempotent: a missing, committed or already released lock releases nothing. */
export async function releaseLock(
  redis: Redis,
  input: { lockId: string; couponIds: string[]; generation?: number },
): Promise<{ released: number }> {
  const { lockId, couponIds } = input;
  idArg("lockId", lockId);
  assertDistinctCoupons(couponIds);
  if (couponIds.length === 0) return { released: 0 };
  const keys = couponIds.flatMap((couponId) => [
    gateKeys.state(couponId),
    gateKeys.users(couponId),
    gateKeys.codes(couponId),
    gateKeys.locks(couponId),
    gateKeys.lock(couponId, lockId),
  ]);
  return {
    released: replyInt(
      RELEASE_LOCK.name,
      await runGateScript(redis, RELEASE_LOCK, keys, [lockId, await generationArg(redis, input.generation)]),
    ),
  };
}
