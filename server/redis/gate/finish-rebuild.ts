/**
 * finishRebuild: publishes a rebuilt state (loaded=1, new epoch, totals) and ends the rebuild.
 *
 * Protects invariant 1: only the token holder publishes, and only then do reservations trust the
 * counters, under the generation the rebuild was claimed in (begin-rebuild.ts). The new epoch tells restoreUses that uses counted before the rebuild are already gone.
 * A status written through by setCouponLiveStatus during the rebuild with a higher version wins over
 * the snapshot's.
 *
 * KEYS: state
 * ARGV: token, epoch, status, version, uses, spent
 * Returns: 1 published, 0 refused (token does not hold the rebuild)
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { GATE_COUPON_STATUSES, type RebuildTotals } from "./types";
import { idArg, intArg } from "./validate";

const FINISH_REBUILD = defineGateScript(
  "finish-rebuild",
  `
local state = KEYS[1]
local token, epoch, status, version, uses, spent = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local s = redis.call('HMGET', state, 'rebuilding', 'version', 'status')
if s[1] ~= token then return 0 end
if s[2] and s[3] and tonumber(s[2]) > tonumber(version) then
  version, status = s[2], s[3]
end
redis.call('HSET', state, 'loaded', '1', 'epoch', epoch, 'status', status, 'version', version, 'uses', uses, 'spent', spent)
redis.call('HDEL', state, 'rebuilding', 'rebuildStartedAt')
return 1
`,
);

export async function finishRebuild(
  redis: Redis,
  couponId: string,
  token: string,
  totals: RebuildTotals,
): Promise<{ ok: boolean }> {
  idArg("token", token);
  idArg("epoch", totals.epoch);
  if (!GATE_COUPON_STATUSES.includes(totals.status)) throw new Error(`gate: bad status ${String(totals.status)}`);
  const args = [
    token,
    totals.epoch,
    totals.status,
    intArg("version", totals.version),
    intArg("uses", totals.uses),
    intArg("spent", totals.spent),
  ];
  return {
    ok:
      replyInt(FINISH_REBUILD.name, await runGateScript(redis, FINISH_REBUILD, [gateKeys.state(couponId)], args)) === 1,
  };
}
