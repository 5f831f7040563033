/**
 * dropStaleState: frees a coupon's gate keys left from an older gate generation (circuit-breaker.ts),
 * for the reconciliation pass. A change of mode outdates every state at once without deleting it; a
 * coupon used again is cleared by its rebuild, one that is not would keep its hashes forever.
 *
 * Protects invariant 1 while other processes use Redis: it only deletes a state whose generation is
 * older than the caller's, atomically, so a state loaded or being rebuilt in the current generation is
 * never touched (the SCAN + DEL wipe it replaces could delete half of a coupon rebuilt meanwhile).
 *
 * KEYS: state, users, codes, locks
 * ARGV: lock record prefix, the caller's gate generation
 * Returns: 1 dropped, 0 left alone (current or newer generation). Lock records beyond the first
 * MAX_RECORD_DELETES expire by their TTL.
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { generationArg } from "./validate";

const MAX_RECORD_DELETES = 1_000;

const DROP_STALE_STATE = defineGateScript(
  "drop-stale-state",
  `
local state, users, codes, locks = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local rec_prefix, gen = ARGV[1], tonumber(ARGV[2])
if redis.call('EXISTS', state) == 0 then return 0 end
if (tonumber(redis.call('HGET', state, 'gen')) or -1) >= gen then return 0 end
for _, id in ipairs(redis.call('ZRANGE', locks, 0, ${MAX_RECORD_DELETES - 1})) do
  redis.call('DEL', rec_prefix .. id)
end
redis.call('UNLINK', users, codes, locks, state)
return 1
`,
);

export async function dropStaleState(
  redis: Redis,
  couponId: string,
  opts: { generation?: number } = {},
): Promise<{ dropped: boolean }> {
  const keys = [gateKeys.state(couponId), gateKeys.users(couponId), gateKeys.codes(couponId), gateKeys.locks(couponId)];
  const args = [gateKeys.lockPrefix(couponId), await generationArg(redis, opts.generation)];
  return { dropped: replyInt(DROP_STALE_STATE.name, await runGateScript(redis, DROP_STALE_STATE, keys, args)) === 1 };
}
