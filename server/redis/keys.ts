/**
 * Every Redis key the app uses. All keys of one coupon share the hash tag
 * {cp:<couponId>} so a Redis Cluster keeps a coupon's keys on one shard.
 */
export const KEY_PREFIX = "cf";
const PREFIX = KEY_PREFIX;

export const couponTag = (couponId: string) => `{cp:${couponId}}`;

export const keys = {
  /** Cached coupon rules (JSON with version), short TTL, deleted on every change. */
  couponRules: (couponId: string) => `${PREFIX}:${couponTag(couponId)}:rules`,
  /** Cached code look-up by HMAC (hex): the code's id, coupon and own settings, or a "missing" marker. */
  codeLookup: (lookupHashHex: string) => `${PREFIX}:code:${lookupHashHex}`,
  /** The gate generation of the last drained rebuild; gone after a flush or restart (gate-boot.ts). */
  gateBoot: () => `${PREFIX}:gate:boot`,
  /** A coupon whose gate state was dropped on purpose: its rebuild waits until this time (ms). */
  couponDrainUntil: (couponId: string) => `${PREFIX}:${couponTag(couponId)}:drain-until`,
  /** @upstash/ratelimit prefix per policy. */
  rateLimit: (policy: string) => `${PREFIX}:rl:${policy}`,
};
