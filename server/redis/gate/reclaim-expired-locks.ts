/**
 * reclaimExpiredLocks: gives expired locks' reservations back, for the sweeper (reservations and
 * readUsage also reclaim a few on their way).
 *
 * Protects invariant 2: an abandoned checkout consumes nothing after the lock TTL. Only acts on a
 * loaded state: during a rebuild the counters are not final yet.
 *
 * KEYS: state, users, codes, locks
 * ARGV: lock record prefix, max, the caller's gate generation
 * Returns: the reclaimed lock ids ("="-tagged)
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyArray, replyString } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { generationArg, intArg } from "./validate";

/** One call never blocks Redis for long. */
export const MAX_RECLAIM_PER_SWEEP = 1_000;

const RECLAIM_EXPIRED_LOCKS = defineGateScript(
  "reclaim-expired-locks",
  `
local state, users, codes, locks = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if not is_live(state, ARGV[3]) then return {} end
local ids = reclaim(state, users, codes, locks, ARGV[1], now_ms(), tonumber(ARGV[2]))
local out = {}
for i, id in ipairs(ids) do out[i] = tag(id) end
return out
`,
);

export async function reclaimExpiredLocks(
  redis: Redis,
  couponId: string,
  max = MAX_RECLAIM_PER_SWEEP,
  opts: { generation?: number } = {},
): Promise<{ reclaimed: string[] }> {
  intArg("max", max, 1);
  const keys = [gateKeys.state(couponId), gateKeys.users(couponId), gateKeys.codes(couponId), gateKeys.locks(couponId)];
  const args = [
    gateKeys.lockPrefix(couponId),
    String(Math.min(max, MAX_RECLAIM_PER_SWEEP)),
    await generationArg(redis, opts.generation),
  ];
  const reply = replyArray(RECLAIM_EXPIRED_LOCKS.name, await runGateScript(redis, RECLAIM_EXPIRED_LOCKS, keys, args));
  return { reclaimed: reply.map((id) => replyString(RECLAIM_EXPIRED_LOCKS.name, id)) };
}
