/**
 * The Redis gate: coupon redemptions decided atomically by one Lua script per operation. Postgres is
 * the source of truth; callers write it after a script decides and compensate (releaseLock,
 * restoreUses) when that write fails. Key layout: ./keys.ts. Requires a Redis without eviction.
 */
export { reserveUses, type ReserveUsesInput } from "./reserve-uses";
export { commitLock } from "./commit-lock";
export { releaseLock } from "./release-lock";
export { restoreUses } from "./restore-uses";
export { readUsage, type ReadUsageInput } from "./read-usage";
export { beginRebuild, REBUILD_STALE_MS } from "./begin-rebuild";
export { loadRebuildChunk } from "./load-rebuild-chunk";
export { finishRebuild } from "./finish-rebuild";
export { reclaimExpiredLocks, MAX_RECLAIM_PER_SWEEP } from "./reclaim-expired-locks";
export { setCouponLiveStatus } from "./set-coupon-live-status";
export { listGateCouponIds } from "./list-gate-coupon-ids";
export { dropCouponState } from "./drop-coupon-state";
export { dropStaleState } from "./drop-stale-state";
export { gateKeys } from "./keys";
export { GateReplyError } from "./reply";
export { LOCK_RECORD_GRACE_MS, RECLAIM_PER_CALL } from "./lua";
export type {
  CommitResult,
  CommittedItem,
  CouponUsage,
  GateCouponStatus,
  GateLimits,
  RebuildChunk,
  RebuildTotals,
  ReserveFailureReason,
  ReserveItem,
  ReserveResult,
  RestoreItem,
} from "./types";
