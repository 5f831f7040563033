/**
 * beginRebuild: claims the right to rebuild one coupon's gate state from Postgres.
 *
 * Protects invariant 1 during a rebuild: exactly one rebuilder (the token holder) writes chunks, and
 * until finishRebuild the state answers notLoaded, so nobody reserves against partial counters.
 * A claim older than the stale bound (a crashed rebuilder) can be taken over; the old token's chunks
 * are then refused.
 *
 * Generations (circuit-breaker.ts): state of an older generation is never trusted again, so it is
 * cleared and claimed even when loaded or being rebuilt; a caller behind the state's generation loses.
 *
 * KEYS: state, users, codes, locks
 * ARGV: token, staleMs, lock record prefix, the caller's gate generation
 * Returns: 1 won (old counters, locks and up to MAX_RECORD_DELETES lock records deleted), 0 lost
 * (state is loaded in this generation, another rebuild of it is running, or the state is newer). Records beyond the bound are orphans: they no
 * longer count (their ids left the ZSET) and expire by their TTL.
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { generationArg, idArg } from "./validate";

/** A rebuild that started longer ago than this is presumed dead. */
export const REBUILD_STALE_MS = 30_000;
const MAX_RECORD_DELETES = 1_000;

const BEGIN_REBUILD = defineGateScript(
  "begin-rebuild",
  `
local state, users, codes, locks = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, stale_ms, rec_prefix, gen = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local s = redis.call('HMGET', state, 'loaded', 'rebuilding', 'rebuildStartedAt', 'gen')
local state_gen = tonumber(s[4]) or -1
if state_gen > tonumber(gen) then return 0 end
local now = now_ms()
if state_gen == tonumber(gen) then
  if s[1] == '1' then return 0 end
  if s[2] and now - (tonumber(s[3]) or 0) < stale_ms then return 0 end
end
for _, id in ipairs(redis.call('ZRANGE', locks, 0, ${MAX_RECORD_DELETES - 1})) do
  redis.call('DEL', rec_prefix .. id)
end
-- UNLINK: big hashes are freed off the main thread.
redis.call('UNLINK', users, codes, locks, state)
redis.call('HSET', state, 'rebuilding', token, 'rebuildStartedAt', now, 'gen', gen)
return 1
`,
);

export async function beginRebuild(
  redis: Redis,
  couponId: string,
  token: string,
  opts: { generation?: number } = {},
): Promise<{ won: boolean }> {
  idArg("token", token);
  const keys = [gateKeys.state(couponId), gateKeys.users(couponId), gateKeys.codes(couponId), gateKeys.locks(couponId)];
  const reply = await runGateScript(redis, BEGIN_REBUILD, keys, [
    token,
    String(REBUILD_STALE_MS),
    gateKeys.lockPrefix(couponId),
    await generationArg(redis, opts.generation),
  ]);
  return { won: replyInt(BEGIN_REBUILD.name, reply) === 1 };
}
