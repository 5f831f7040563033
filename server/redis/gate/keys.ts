import { couponTag, KEY_PREFIX } from "../keys";

/**
 * Key builders of the Redis gate. Every key of coupon C carries the hash tag
 * {cp:C}, so a Redis Cluster would keep one coupon's keys on one shard.
 */
const PREFIX = KEY_PREFIX;

/** Hash tags end at the first "}"; braces in an id would move the key to another slot. */
export function assertCouponId(couponId: string): void {
  if (couponId.length === 0 || /[{}]/.test(couponId))
    throw new Error(`gate: invalid coupon id ${JSON.stringify(couponId)}`);
}

const base = (couponId: string) => {
  assertCouponId(couponId);
  return `${PREFIX}:${couponTag(couponId)}`;
};

export const gateKeys = {
  /** HASH loaded, gen (gate generation it was loaded under), epoch, status, version, uses, spent, rebuilding, rebuildStartedAt. */
  state: (couponId: string) => `${base(couponId)}:state`,
  /** HASH customerId -> uses (counting + reserved). */
  users: (couponId: string) => `${base(couponId)}:users`,
  /** HASH codeId -> uses (counting + reserved); `<codeId>:l` -> reserved (live locks). */
  codes: (couponId: string) => `${base(couponId)}:codes`,
  /** ZSET lockId -> expiresAtMs: the live locks of the coupon. */
  locks: (couponId: string) => `${base(couponId)}:locks`,
  /** HASH customerId, codeId, amount, expiresAt: one lock's reservation on this coupon. */
  lock: (couponId: string, lockId: string) => `${base(couponId)}:lock:${lockId}`,
  /** ZSET lockId -> expiresAtMs: one customer's locks on this coupon (the live-lock limit; scripts name it from lockPrefix). */
  held: (couponId: string, customerId: string) => `${base(couponId)}:held:${customerId}`,
  /** STRING: the answer of one run of a non-idempotent script, kept briefly so a resent request is not applied twice. */
  op: (couponId: string, opId: string) => `${base(couponId)}:op:${opId}`,
  /** What lock record keys start with; scripts append lock ids they find in the ZSET. */
  lockPrefix: (couponId: string) => `${base(couponId)}:lock:`,
};

/** SCAN pattern of the gate state hashes. */
export const STATE_KEY_PATTERN = `${PREFIX}:{cp:*}:state`;

/** The coupon id of a state key, or null for any other key. */
export function couponIdOfStateKey(key: string): string | null {
  const head = `${PREFIX}:{cp:`;
  const tail = "}:state";
  if (!key.startsWith(head) || !key.endsWith(tail) || key.length <= head.length + tail.length) return null;
  return key.slice(head.length, -tail.length);
}
