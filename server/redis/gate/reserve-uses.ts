/**
 * reserveUses: the hot path. One round trip decides a lock or a redemption for every code of a cart.
 *
 * Protects invariant 1: counting redemptions + live locks never exceed a coupon's maxRedemptions or
 * budget, a customer's per-user limit, or a code's maxRedemptions. All checks of all items run
 * before the first write, so a cart is reserved whole or not at all.
 *
 * KEYS (5 per item i, in item order): state, users, codes, locks, lock record (lock:<lockId>) of item i's coupon;
 *      then the op key (op:<lockId> of the first item's coupon)
 * ARGV: mode ("lock" | "redeem"), lockId, customerId ("" = none), ttlMs,
 *       then 8 per item: codeId, amount, expectedVersion, maxRedemptions, maxPerUser, budget, codeMax
 *       ("" = no limit), lock record prefix (to reclaim expired locks),
 *       then maxLiveLocks: live locks one customer may hold per coupon ("" = no limit); last: the caller's gate generation
 * Returns: {1, expiresAt, epoch...}            reserved; the lock's expiry (Redis clock, ms) and the epoch
 *                                              of each item's coupon state ("="-tagged)
 *          {2, index...}                        items whose coupon is not loaded or being rebuilt; nothing written
 *          {3, index, reason, index, reason...} items that failed a check; nothing reserved
 *                                               (LIVE_LOCK_LIMIT: the customer already holds maxLiveLocks)
 *          error GATE_LOCK_EXISTS               the lock id already holds a reservation on one of the coupons
 * Before checking, up to RECLAIM_PER_CALL expired locks per coupon are given back (housekeeping; it
 * happens even when the reservation then fails).
 * Safe to resend: the lock id is fresh per call and doubles as the op id; a resent request of a
 * reservation that went through gets its answer again (not GATE_LOCK_EXISTS, not a second count).
 *
 * Cluster caveat: a multi-coupon cart touches several hash slots (CROSSSLOT on Redis Cluster). We run
 * on single-shard Redis / Upstash; on Cluster, carts would need per-coupon scripts plus compensation.
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { replyArray, replyInt, replyString, GateReplyError } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { RESERVE_FAILURE_REASONS, type ReserveFailureReason, type ReserveItem, type ReserveResult } from "./types";
import { assertDistinctCoupons, codeIdArg, generationArg, idArg, intArg, limitArg } from "./validate";

const RESERVE_USES = defineGateScript(
  "reserve-uses",
  `
local mode, lock_id, customer, ttl, gen = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[#ARGV]
if mode ~= 'lock' and mode ~= 'redeem' then return redis.error_reply('ERR gate: bad mode') end
local n = (#KEYS - 1) / 5
local function k(i, j) return KEYS[(i - 1) * 5 + j] end
local op_key = KEYS[#KEYS]
local replay = op_replay(op_key)
if replay then return replay end
local function a(i, j) return ARGV[4 + (i - 1) * 8 + j] end
local function limit(s) if s == nil or s == '' then return nil end return tonumber(s) end
local max_live = limit(ARGV[4 + n * 8 + 1])

-- Not loaded (or rebuilding): answer before writing anything, the caller falls back to Postgres.
local not_loaded = {2}
for i = 1, n do
  if not is_live(k(i, 1), gen) then not_loaded[#not_loaded + 1] = i - 1 end
end
if #not_loaded > 1 then return not_loaded end

-- A reused lock id would overwrite a record and leak its reservation.
if mode == 'lock' then
  for i = 1, n do
    if redis.call('EXISTS', k(i, 5)) == 1 or redis.call('ZSCORE', k(i, 4), lock_id) then
      return redis.error_reply('GATE_LOCK_EXISTS lock id already holds a reservation')
    end
  end
end

local now = now_ms()
local expires = now + ttl
for i = 1, n do
  reclaim(k(i, 1), k(i, 2), k(i, 3), k(i, 4), a(i, 8), now, RECLAIM_PER_CALL)
end

-- Check every item before the first write: all or nothing.
local failures = {3}
local epochs = {1, expires}
for i = 1, n do
  local code, amount = a(i, 1), tonumber(a(i, 2))
  local s = redis.call('HMGET', k(i, 1), 'status', 'version', 'uses', 'spent', 'epoch')
  local max_uses, max_user, budget, code_max = limit(a(i, 4)), limit(a(i, 5)), limit(a(i, 6)), limit(a(i, 7))
  local reason = nil
  if s[1] ~= 'ACTIVE' then
    reason = 'DISABLED'
  elseif tonumber(s[2]) ~= tonumber(a(i, 3)) then
    reason = 'STALE_RULES'
  elseif mode == 'lock' and max_live and customer ~= '' and live_held(a(i, 8), customer, k(i, 4), now) >= max_live then
    -- Lock hoarding: one shopper cannot hold every use of a coupon by locking it again and again.
    reason = 'LIVE_LOCK_LIMIT'
  elseif (max_uses and (tonumber(s[3]) or 0) + 1 > max_uses) or (budget and (tonumber(s[4]) or 0) + amount > budget) then
    reason = 'EXHAUSTED'
  elseif max_user and (tonumber(redis.call('HGET', k(i, 2), customer)) or 0) + 1 > max_user then
    reason = 'USER_LIMIT_REACHED'
  elseif code_max and (tonumber(redis.call('HGET', k(i, 3), code)) or 0) + 1 > code_max then
    if code_max ~= 1 then
      reason = 'EXHAUSTED'
    elseif (tonumber(redis.call('HGET', k(i, 3), code .. ':l')) or 0) > 0 then
      reason = 'LOCKED'
    else
      reason = 'ALREADY_REDEEMED'
    end
  end
  if reason then
    failures[#failures + 1] = i - 1
    failures[#failures + 1] = reason
  end
  epochs[#epochs + 1] = tag(s[5])
end
if #failures > 1 then return failures end

for i = 1, n do
  local code, amount = a(i, 1), a(i, 2)
  redis.call('HINCRBY', k(i, 1), 'uses', 1)
  redis.call('HINCRBY', k(i, 1), 'spent', amount)
  if customer ~= '' then redis.call('HINCRBY', k(i, 2), customer, 1) end
  redis.call('HINCRBY', k(i, 3), code, 1)
  if mode == 'lock' then
    redis.call('HINCRBY', k(i, 3), code .. ':l', 1)
    redis.call('ZADD', k(i, 4), expires, lock_id)
    redis.call('HSET', k(i, 5), 'customerId', customer, 'codeId', code, 'amount', amount, 'expiresAt', expires)
    redis.call('PEXPIREAT', k(i, 5), expires + LOCK_RECORD_GRACE_MS)
    hold(a(i, 8), customer, lock_id, expires)
  end
end
return op_record(op_key, epochs)
`,
);

export type ReserveUsesInput = {
  /** "lock": reservations that expire after ttlMs unless committed; "redeem": permanent uses at once. */
  mode: "lock" | "redeem";
  /** Fresh per call (also in "redeem" mode, where it is only checked for reuse in "lock" mode). */
  lockId: string;
  /** The shared gate mode's generation (default: this process's current one, circuit-breaker.ts). */
  generation?: number;
  /** "" only when no item has a per-user limit (guest checkout). */
  customerId: string;
  ttlMs: number;
  items: ReserveItem[];
  /** "lock": live locks one customer may hold per coupon (refused with LIVE_LOCK_LIMIT); absent = no limit. */
  maxLiveLocksPerCustomer?: number;
};

/** Reserves one use of every item's coupon, code and customer limit, atomically across items. */
export async function reserveUses(redis: Redis, input: ReserveUsesInput): Promise<ReserveResult> {
  const { mode, lockId, customerId, ttlMs, items, maxLiveLocksPerCustomer } = input;
  if (mode !== "lock" && mode !== "redeem") throw new Error(`gate: bad mode ${String(mode)}`);
  idArg("lockId", lockId);
  idArg("customerId", customerId, { allowEmpty: true });
  intArg("ttlMs", ttlMs, 1);
  assertDistinctCoupons(items.map((item) => item.couponId));
  if (items.length === 0) return { ok: true, epochs: [], expiresAtMs: Date.now() + ttlMs };

  const keys: string[] = [];
  const args: string[] = [mode, lockId, customerId, String(ttlMs)];
  for (const item of items) {
    if (customerId === "" && item.limits.maxPerUser !== null)
      throw new Error("gate: a per-user limit needs a customerId");
    keys.push(
      gateKeys.state(item.couponId),
      gateKeys.users(item.couponId),
      gateKeys.codes(item.couponId),
      gateKeys.locks(item.couponId),
      gateKeys.lock(item.couponId, lockId),
    );
    args.push(
      codeIdArg(item.codeId),
      intArg("amount", item.amount),
      intArg("expectedVersion", item.expectedVersion),
      limitArg("maxRedemptions", item.limits.maxRedemptions),
      limitArg("maxPerUser", item.limits.maxPerUser),
      limitArg("budget", item.limits.budget),
      limitArg("codeMax", item.limits.codeMax),
      gateKeys.lockPrefix(item.couponId),
    );
  }
  keys.push(gateKeys.op(items[0]!.couponId, lockId));

  args.push(maxLiveLocksPerCustomer === undefined ? "" : intArg("maxLiveLocksPerCustomer", maxLiveLocksPerCustomer, 1));
  args.push(await generationArg(redis, input.generation));
  const reply = replyArray(RESERVE_USES.name, await runGateScript(redis, RESERVE_USES, keys, args));
  const [kind, ...rest] = reply;
  switch (replyInt(RESERVE_USES.name, kind)) {
    case 1: {
      const [expiresAt, ...epochs] = rest;
      return {
        ok: true,
        expiresAtMs: replyInt(RESERVE_USES.name, expiresAt),
        epochs: epochs.map((epoch) => replyString(RESERVE_USES.name, epoch)),
      };
    }
    case 2:
      return { ok: false, notLoaded: rest.map((index) => couponAt(items, replyInt(RESERVE_USES.name, index))) };
    case 3: {
      const failures: Array<{ index: number; reason: ReserveFailureReason }> = [];
      for (let i = 0; i < rest.length; i += 2) {
        const reason = rest[i + 1];
        if (!RESERVE_FAILURE_REASONS.includes(reason as ReserveFailureReason))
          throw new GateReplyError(RESERVE_USES.name, `reason ${String(reason)}`);
        failures.push({ index: replyInt(RESERVE_USES.name, rest[i]), reason: reason as ReserveFailureReason });
      }
      return { ok: false, failures };
    }
    default:
      throw new GateReplyError(RESERVE_USES.name, `kind ${String(kind)}`);
  }
}

function couponAt(items: Array<{ couponId: string }>, index: number): string {
  const item = items[index];
  if (!item) throw new GateReplyError(RESERVE_USES.name, `index ${index}`);
  return item.couponId;
}
