/**
 * loadRebuildChunk: writes one chunk of a coupon's counters and live locks during a rebuild.
 *
 * Protects invariant 1: only the current rebuild's token may write, so a stale or crashed rebuilder
 * cannot add counts to a state another rebuild is filling. Counts add up (HINCRBY): a customer or
 * code may span chunks; a resent chunk over-counts, which is safe (never an oversell).
 *
 * KEYS: state, users, codes, locks
 * ARGV: token, lock record prefix, nUsers, nCodes, nLocks,
 *       then nUsers x (customerId, uses), nCodes x (codeId, total uses, reserved),
 *       nLocks x (lockId, customerId, codeId, amount, expiresAtMs)
 * Returns: 1 written, 0 refused (token does not hold the rebuild)
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import type { RebuildChunk } from "./types";
import { codeIdArg, idArg, intArg } from "./validate";

const LOAD_REBUILD_CHUNK = defineGateScript(
  "load-rebuild-chunk",
  `
local state, users, codes, locks = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local token, rec_prefix = ARGV[1], ARGV[2]
local n_users, n_codes, n_locks = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local s = redis.call('HMGET', state, 'loaded', 'rebuilding')
if s[1] == '1' or s[2] ~= token then return 0 end
local p = 6
for _ = 1, n_users do
  if ARGV[p + 1] ~= '0' then redis.call('HINCRBY', users, ARGV[p], ARGV[p + 1]) end
  p = p + 2
end
for _ = 1, n_codes do
  if ARGV[p + 1] ~= '0' then redis.call('HINCRBY', codes, ARGV[p], ARGV[p + 1]) end
  if ARGV[p + 2] ~= '0' then redis.call('HINCRBY', codes, ARGV[p] .. ':l', ARGV[p + 2]) end
  p = p + 3
end
local now = nil
for _ = 1, n_locks do
  local lock_id, customer, code, amount, expires = ARGV[p], ARGV[p + 1], ARGV[p + 2], ARGV[p + 3], tonumber(ARGV[p + 4])
  local rec = rec_prefix .. lock_id
  now = now or now_ms()
  redis.call('ZADD', locks, expires, lock_id)
  redis.call('HSET', rec, 'customerId', customer, 'codeId', code, 'amount', amount, 'expiresAt', expires)
  -- Keep even an already expired record until reclaim has given its counts back.
  redis.call('PEXPIREAT', rec, math.max(expires, now) + LOCK_RECORD_GRACE_MS)
  hold(rec_prefix, customer, lock_id, expires)
  p = p + 5
end
return 1
`,
);

/** Writes a chunk (keep it to a few thousand entries); refused unless `token` holds the rebuild. */
export async function loadRebuildChunk(
  redis: Redis,
  couponId: string,
  token: string,
  chunk: RebuildChunk,
): Promise<{ ok: boolean }> {
  idArg("token", token);
  const users = Object.entries(chunk.users ?? {});
  const codes = Object.entries(chunk.codes ?? {});
  const locks = chunk.locks ?? [];
  const args: string[] = [
    token,
    gateKeys.lockPrefix(couponId),
    String(users.length),
    String(codes.length),
    String(locks.length),
  ];
  for (const [customerId, uses] of users) args.push(idArg("customerId", customerId), intArg("uses", uses));
  for (const [codeId, { used, locked }] of codes) {
    intArg("used", used);
    args.push(codeIdArg(codeId), intArg("uses", used + locked), intArg("locked", locked));
  }
  for (const lock of locks) {
    args.push(
      idArg("lockId", lock.lockId),
      idArg("customerId", lock.customerId, { allowEmpty: true }),
      codeIdArg(lock.codeId),
      intArg("amount", lock.amount),
      intArg("expiresAtMs", lock.expiresAtMs),
    );
  }
  const keys = [gateKeys.state(couponId), gateKeys.users(couponId), gateKeys.codes(couponId), gateKeys.locks(couponId)];
  return { ok: replyInt(LOAD_REBUILD_CHUNK.name, await runGateScript(redis, LOAD_REBUILD_CHUNK, keys, args)) === 1 };
}
