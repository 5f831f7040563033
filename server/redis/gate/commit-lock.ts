/**
 * commitLock: turns a live lock's reservations into permanent uses (the order was placed).
 *
 * Protects invariants 1 and 2: a lock that expired (or was reclaimed, released or lost in a rebuild)
 * is never committed, because its uses may already belong to someone else; then nothing changes and
 * the caller must reserve again. Counters stay; only the lock bookkeeping goes.
 *
 * KEYS (4 per coupon of the lock): state, codes, locks, lock record (lock:<lockId>); then the op key
 *      (op:<opId> of the first coupon)
 * ARGV: lockId, the caller's gate generation
 * Returns: {1, epoch, codeId, amount, customerId, ...}  committed (4 per coupon, strings "="-tagged)
 *          {2, index...}                                 coupons not loaded or being rebuilt; nothing changed
 *          {3}                                           EXPIRED: a record is missing or expired; nothing changed
 * A lock is live only while its id is in the coupon's locks ZSET with expiresAt > now.
 * Safe to resend: a commit records its answer under the op id, and a resent request (same op id) gets
 * that answer again instead of EXPIRED (the lock is gone by then) and changes nothing.
 * Cluster caveat: several coupons = several hash slots; fine on single-shard Redis / Upstash.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { GateReplyError, replyArray, replyInt, replyString } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import type { CommitResult, CommittedItem } from "./types";
import { assertDistinctCoupons, generationArg, idArg } from "./validate";

const COMMIT_LOCK = defineGateScript(
  "commit-lock",
  `
local lock_id, gen = ARGV[1], ARGV[2]
local n = (#KEYS - 1) / 4
local function k(i, j) return KEYS[(i - 1) * 4 + j] end
local op_key = KEYS[#KEYS]
local replay = op_replay(op_key)
if replay then return replay end

local not_loaded = {2}
for i = 1, n do
  if not is_live(k(i, 1), gen) then not_loaded[#not_loaded + 1] = i - 1 end
end
if #not_loaded > 1 then return not_loaded end

local now = now_ms()
local recs = {}
for i = 1, n do
  local r = redis.call('HMGET', k(i, 4), 'customerId', 'codeId', 'amount')
  local score = redis.call('ZSCORE', k(i, 3), lock_id)
  if not r[2] or not score or tonumber(score) <= now then return {3} end
  recs[i] = r
end

local out = {1}
for i = 1, n do
  local r = recs[i]
  redis.call('DEL', k(i, 4))
  redis.call('ZREM', k(i, 3), lock_id)
  lower(k(i, 2), r[2] .. ':l', 1, true)
  out[#out + 1] = tag(redis.call('HGET', k(i, 1), 'epoch'))
  out[#out + 1] = tag(r[2])
  out[#out + 1] = tonumber(r[3]) or 0
  out[#out + 1] = tag(r[1])
end
return op_record(op_key, out)
`,
);

/**
 * Commits every coupon of the lock; pass all its coupon ids (a forgotten one would expire and be given back).
 * `opId` (fresh per call unless given) makes a resent request answer as the first one did.
 */
export async function commitLock(
  redis: Redis,
  input: { lockId: string; couponIds: string[]; opId?: string; generation?: number },
): Promise<CommitResult> {
  const { lockId, couponIds, opId = randomUUID() } = input;
  idArg("lockId", lockId);
  idArg("opId", opId);
  if (couponIds.length === 0) throw new Error("gate: commitLock needs the lock's coupon ids");
  assertDistinctCoupons(couponIds);
  const keys = couponIds.flatMap((couponId) => [
    gateKeys.state(couponId),
    gateKeys.codes(couponId),
    gateKeys.locks(couponId),
    gateKeys.lock(couponId, lockId),
  ]);
  keys.push(gateKeys.op(couponIds[0]!, opId));
  const name = COMMIT_LOCK.name;
  const [kind, ...rest] = replyArray(
    name,
    await runGateScript(redis, COMMIT_LOCK, keys, [lockId, await generationArg(redis, input.generation)]),
  );
  switch (replyInt(name, kind)) {
    case 1: {
      if (rest.length !== couponIds.length * 4) throw new GateReplyError(name, `length ${rest.length}`);
      const epochs: string[] = [];
      const items: CommittedItem[] = couponIds.map((couponId, i) => {
        epochs.push(replyString(name, rest[i * 4]));
        return {
          couponId,
          codeId: replyString(name, rest[i * 4 + 1]),
          amount: replyInt(name, rest[i * 4 + 2]),
          customerId: replyString(name, rest[i * 4 + 3]),
        };
      });
      return { ok: true, epochs, items };
    }
    case 2:
      return { ok: false, notLoaded: rest.map((index) => couponIds[replyInt(name, index)] ?? "") };
    case 3:
      return { ok: false, reason: "EXPIRED" };
    default:
      throw new GateReplyError(name, `kind ${String(kind)}`);
  }
}
