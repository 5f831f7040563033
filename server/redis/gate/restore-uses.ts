/**
 * restoreUses: gives permanent uses back (a void that restores uses, or compensation after a failed
 * Postgres write).
 *
 * Protects invariant 1 across rebuilds: an item is restored only when its coupon state is loaded and
 * still has the epoch the use was counted in. A rebuilt state already reflects Postgres; taking a use
 * off it again would under-count and could oversell. Counters never go below 0, and a code's total
 * never below its live reservations.
 *
 * KEYS (3 per item): state, users, codes of the item's coupon; then the op key (op:<opId> of the first item's coupon)
 * ARGV (4 per item): codeId, customerId ("" = none), amount, epoch; last: the caller's gate generation
 * Returns: number of items restored
 * Safe to resend: the answer is recorded under the op id; a resent request (same op id) gets it again
 * and gives nothing back a second time.
 * Cluster caveat: several coupons = several hash slots; fine on single-shard Redis / Upstash.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "@upstash/redis";
import { assertCouponId, gateKeys } from "./keys";
import { replyInt } from "./reply";
import { defineGateScript, runGateScript } from "./script";
import type { RestoreItem } from "./types";
import { codeIdArg, generationArg, idArg, intArg } from "./validate";

const RESTORE_USES = defineGateScript(
  "restore-uses",
  `
local n = (#KEYS - 1) / 3
local gen = ARGV[#ARGV]
local op_key = KEYS[#KEYS]
local replay = op_replay(op_key)
if replay then return replay end
local restored = 0
for i = 1, n do
  local state, users, codes = KEYS[(i - 1) * 3 + 1], KEYS[(i - 1) * 3 + 2], KEYS[(i - 1) * 3 + 3]
  local code, customer, amount, epoch = ARGV[(i - 1) * 4 + 1], ARGV[(i - 1) * 4 + 2], tonumber(ARGV[(i - 1) * 4 + 3]), ARGV[(i - 1) * 4 + 4]
  if is_live(state, gen) and redis.call('HGET', state, 'epoch') == epoch then
    lower(state, 'uses', 1, false)
    lower(state, 'spent', amount, false)
    if customer ~= '' then lower(users, customer, 1, true) end
    local total = tonumber(redis.call('HGET', codes, code)) or 0
    local locked = tonumber(redis.call('HGET', codes, code .. ':l')) or 0
    if total > locked then lower(codes, code, 1, true) end
    restored = restored + 1
  end
end
return op_record(op_key, restored)
`,
);

/**
 * Gives each item's use back if its coupon state still has the item's epoch. Not idempotent: call once
 * per use. One call is applied once even if its request is resent (`opId`, fresh per call unless given).
 */
export async function restoreUses(
  redis: Redis,
  items: RestoreItem[],
  opts: { opId?: string; generation?: number } = {},
): Promise<{ restored: number }> {
  if (items.length === 0) return { restored: 0 };
  const opId = idArg("opId", opts.opId ?? randomUUID());
  const keys: string[] = [];
  const args: string[] = [];
  for (const item of items) {
    assertCouponId(item.couponId);
    keys.push(gateKeys.state(item.couponId), gateKeys.users(item.couponId), gateKeys.codes(item.couponId));
    args.push(
      codeIdArg(item.codeId),
      idArg("customerId", item.customerId, { allowEmpty: true }),
      intArg("amount", item.amount),
      idArg("epoch", item.epoch),
    );
  }
  keys.push(gateKeys.op(items[0]!.couponId, opId));
  args.push(await generationArg(redis, opts.generation));
  return { restored: replyInt(RESTORE_USES.name, await runGateScript(redis, RESTORE_USES, keys, args)) };
}
