/** Expired locks a script reclaims per coupon before it decides (keeps every script O(items + reclaimed)). */
export const RECLAIM_PER_CALL = 100;
/**
 * Lock records outlive their lock by this much, then Redis drops them. Reclaim normally removes them
 * long before; the TTL only cleans up records orphaned by a rebuild (a record counts only while its
 * lock id is in the coupon's locks ZSET, so an orphan never moves a counter).
 */
export const LOCK_RECORD_GRACE_MS = 60 * 60 * 1000;
/**
 * How long a non-idempotent script remembers an operation id and its answer. A resend comes within
 * a request timeout or two (client.ts); this is far longer.
 */
export const OP_RECORD_TTL_MS = 10 * 60 * 1000;

/**
 * Helpers prepended to every gate script. Lua numbers are doubles: amounts stay below 2^53 (checked in
 * TypeScript) and are handed to redis.call as numbers or the caller's digit strings, never through
 * tostring/.. (which would print 1e+15).
 */
export const LUA_PRELUDE = `
local RECLAIM_PER_CALL = ${RECLAIM_PER_CALL}
local LOCK_RECORD_GRACE_MS = ${LOCK_RECORD_GRACE_MS}
local OP_RECORD_TTL_MS = ${OP_RECORD_TTL_MS}

-- "now" comes from the Redis clock, the one clock every caller shares (effects replication allows TIME).
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Counters are trustworthy only when loaded from Postgres under the caller's generation (the shared
-- gate mode's: circuit-breaker.ts) and no rebuild is running. State of another generation is never
-- trusted: it predates a change of mode, so Postgres may have moved on without it.
local function is_live(state, gen)
  local s = redis.call('HMGET', state, 'loaded', 'rebuilding', 'gen')
  return s[1] == '1' and not s[2] and s[3] == gen
end

-- Operation ids make a script safe to resend (the transport's retry, the batcher's per-caller resend):
-- the first run records its answer under the op key with the request's fingerprint, and the same
-- request sent again gets that answer and changes nothing. Another request under a used op id runs as
-- new (reserve-uses then refuses a reused lock id). The op key carries the first coupon's hash tag.
local function op_fingerprint()
  return redis.sha1hex(cjson.encode(KEYS) .. cjson.encode(ARGV))
end

local function op_replay(op_key)
  local seen = redis.call('GET', op_key)
  if not seen then return nil end
  local op = cjson.decode(seen)
  if op.fp == op_fingerprint() then return op.reply end
  return nil
end

local function op_record(op_key, reply)
  redis.call('SET', op_key, cjson.encode({ fp = op_fingerprint(), reply = reply }), 'PX', OP_RECORD_TTL_MS)
  return reply
end

-- Free-form strings leave with a '=' prefix so the REST client never JSON-parses them ("123", "true").
local function tag(s)
  return '=' .. (s or '')
end

-- Lowers a hash counter, never below zero; drop removes the field at zero (keeps users/codes hashes small).
local function lower(key, field, by, drop)
  if by <= 0 then return end
  local v = redis.call('HINCRBY', key, field, -by)
  if v <= 0 then
    if drop then
      redis.call('HDEL', key, field)
    elseif v < 0 then
      redis.call('HSET', key, field, 0)
    end
  end
end

-- Gives one live reservation back: coupon uses and spent, the customer's and the code's counters.
local function give_back(state, users, codes, customer, code, amount)
  lower(state, 'uses', 1, false)
  lower(state, 'spent', amount, false)
  if customer ~= '' then lower(users, customer, 1, true) end
  lower(codes, code, 1, true)
  lower(codes, code .. ':l', 1, true)
end

-- A customer's held set on a coupon (ZSET lockId -> expiresAt, for the live-lock limit), named from the
-- coupon's lock record prefix ("...:lock:"): same hash tag, so the same slot.
local function held_key(rec_prefix, customer)
  return string.sub(rec_prefix, 1, #rec_prefix - 5) .. 'held:' .. customer
end

-- Remembers a live lock in its customer's held set.
local function hold(rec_prefix, customer, lock_id, expires)
  if customer == '' then return end
  local held = held_key(rec_prefix, customer)
  redis.call('ZADD', held, expires, lock_id)
  redis.call('PEXPIREAT', held, expires + LOCK_RECORD_GRACE_MS)
end

-- The customer's live locks on the coupon: a held entry counts while its lock is in the coupon's locks
-- ZSET and unexpired; entries of expired, released, committed or reclaimed locks are dropped on the way.
local function live_held(rec_prefix, customer, locks, now)
  local held = held_key(rec_prefix, customer)
  redis.call('ZREMRANGEBYSCORE', held, '-inf', now)
  local n = 0
  for _, id in ipairs(redis.call('ZRANGE', held, 0, -1)) do
    local score = redis.call('ZSCORE', locks, id)
    if score and tonumber(score) > now then n = n + 1 else redis.call('ZREM', held, id) end
  end
  return n
end

-- Reclaims up to max expired locks of one coupon (expiresAt <= now); returns their ids.
-- Record keys are built from the ZSET members: same hash tag, so the same slot.
local function reclaim(state, users, codes, locks, rec_prefix, now, max)
  local ids = redis.call('ZRANGEBYSCORE', locks, '-inf', now, 'LIMIT', 0, max)
  for _, id in ipairs(ids) do
    local rec = rec_prefix .. id
    local r = redis.call('HMGET', rec, 'customerId', 'codeId', 'amount')
    -- A record that vanished leaves its counters high: fewer sales, never an oversell.
    if r[2] then
      give_back(state, users, codes, r[1] or '', r[2], tonumber(r[3]) or 0)
      redis.call('DEL', rec)
    end
    redis.call('ZREM', locks, id)
  end
  return ids
end
`;
