/**
 * setCouponLiveStatus: writes an admin change (status, rules version) through to the gate state.
 *
 * Protects the rules check of reserveUses: a disabled coupon stops reserving at once, and a reserve
 * decided with old rules answers STALE_RULES. Versions only move forward, so out-of-order writes keep
 * the newest. During a rebuild the change is kept and wins over an older snapshot in finishRebuild; a
 * state that is neither loaded nor rebuilding is left alone (the next rebuild reads Postgres).
 *
 * KEYS: state
 * ARGV: status, version
 * Returns: 1 applied, 0 skipped (no loaded or rebuilding state, or the live version is newer)
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { GATE_COUPON_STATUSES, type GateCouponStatus } from "./types";
import { intArg } from "./validate";

const SET_COUPON_LIVE_STATUS = defineGateScript(
  "set-coupon-live-status",
  `
local s = redis.call('HMGET', KEYS[1], 'loaded', 'rebuilding', 'version')
if s[1] ~= '1' and not s[2] then return 0 end
if s[3] and tonumber(s[3]) > tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'version', ARGV[2])
return 1
`,
);

export async function setCouponLiveStatus(
  redis: Redis,
  couponId: string,
  change: { status: GateCouponStatus; version: number },
): Promise<{ applied: boolean }> {
  if (!GATE_COUPON_STATUSES.includes(change.status)) throw new Error(`gate: bad status ${String(change.status)}`);
  const args = [change.status, intArg("version", change.version)];
  const reply = await runGateScript(redis, SET_COUPON_LIVE_STATUS, [gateKeys.state(couponId)], args);
  return { applied: replyInt(SET_COUPON_LIVE_STATUS.name, reply) === 1 };
}
