/**
 * readUsage: the live counters of several coupons in one round trip (validation hints, admin views,
 * reconciliation).
 *
 * Reclaims expired locks of loaded coupons first, so what it shows is what a reservation would see.
 * It never reserves anything.
 *
 * KEYS (4 per coupon): state, users, codes, locks
 * ARGV (per coupon): lock record prefix, customerId ("" = none), number of codes m, then m codeIds;
 *      last: the caller's gate generation (state of another generation reads as not live)
 * Returns: one array per coupon: {live 0|1, epoch, status, version (the three "="-tagged, "" = missing),
 *          uses, spent, customerUses, then per code: total uses (counting + reserved), reserved}
 * Cluster caveat: several coupons = several hash slots; fine on single-shard Redis / Upstash.
 */
import type { Redis } from "@upstash/redis";
import { gateKeys } from "./keys";
import { GateReplyError, replyArray, replyInt, replyString } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import { GATE_COUPON_STATUSES, type CouponUsage, type GateCouponStatus } from "./types";
import { assertDistinctCoupons, codeIdArg, generationArg, idArg } from "./validate";

const READ_USAGE = defineGateScript(
  "read-usage",
  `
local n = #KEYS / 4
local out = {}
local p = 1
local now = nil
local gen = ARGV[#ARGV]
for i = 1, n do
  local state, users, codes, locks = KEYS[(i - 1) * 4 + 1], KEYS[(i - 1) * 4 + 2], KEYS[(i - 1) * 4 + 3], KEYS[(i - 1) * 4 + 4]
  local rec_prefix, customer, m = ARGV[p], ARGV[p + 1], tonumber(ARGV[p + 2])
  p = p + 3
  local live = is_live(state, gen)
  if live then
    now = now or now_ms()
    reclaim(state, users, codes, locks, rec_prefix, now, RECLAIM_PER_CALL)
  end
  local s = redis.call('HMGET', state, 'epoch', 'status', 'version', 'uses', 'spent')
  local customer_uses = 0
  if customer ~= '' then customer_uses = tonumber(redis.call('HGET', users, customer)) or 0 end
  local row = { live and 1 or 0, tag(s[1]), tag(s[2]), tag(s[3]), tonumber(s[4]) or 0, tonumber(s[5]) or 0, customer_uses }
  for _ = 1, m do
    local code = ARGV[p]
    p = p + 1
    row[#row + 1] = tonumber(redis.call('HGET', codes, code)) or 0
    row[#row + 1] = tonumber(redis.call('HGET', codes, code .. ':l')) or 0
  end
  out[i] = row
end
return out
`,
);

export type ReadUsageInput = Array<{ couponId: string; codeIds: string[]; customerId: string | null }>;

export async function readUsage(
  redis: Redis,
  coupons: ReadUsageInput,
  opts: { generation?: number } = {},
): Promise<CouponUsage[]> {
  assertDistinctCoupons(coupons.map((c) => c.couponId));
  if (coupons.length === 0) return [];
  const keys: string[] = [];
  const args: string[] = [];
  for (const { couponId, codeIds, customerId } of coupons) {
    keys.push(gateKeys.state(couponId), gateKeys.users(couponId), gateKeys.codes(couponId), gateKeys.locks(couponId));
    args.push(
      gateKeys.lockPrefix(couponId),
      customerId === null ? "" : idArg("customerId", customerId),
      String(codeIds.length),
      ...codeIds.map(codeIdArg),
    );
  }
  args.push(await generationArg(redis, opts.generation));
  const name = READ_USAGE.name;
  const rows = replyArray(name, await runGateScript(redis, READ_USAGE, keys, args));
  if (rows.length !== coupons.length) throw new GateReplyError(name, `rows ${rows.length}`);
  return coupons.map(({ couponId, codeIds, customerId }, i): CouponUsage => {
    const row = replyArray(name, rows[i]);
    if (row.length !== 7 + codeIds.length * 2) throw new GateReplyError(name, `row length ${row.length}`);
    const epoch = replyString(name, row[1]);
    const status = replyString(name, row[2]);
    const version = replyString(name, row[3]);
    const codes: CouponUsage["codes"] = {};
    codeIds.forEach((codeId, j) => {
      const total = replyInt(name, row[7 + j * 2]);
      const locked = replyInt(name, row[8 + j * 2]);
      codes[codeId] = { used: Math.max(0, total - locked), locked };
    });
    return {
      couponId,
      loaded: replyInt(name, row[0]) === 1,
      epoch: epoch === "" ? null : epoch,
      status: GATE_COUPON_STATUSES.includes(status as GateCouponStatus) ? (status as GateCouponStatus) : null,
      version: /^\d+$/.test(version) ? Number(version) : null,
      uses: replyInt(name, row[4]),
      spent: replyInt(name, row[5]),
      customerUses: customerId === null ? null : replyInt(name, row[6]),
      codes,
    };
  });
}
