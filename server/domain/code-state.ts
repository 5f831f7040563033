import type { CodeState } from "./schemas";

/**
 * A code's state as SPEC.md names it, from its status and uses: single-use codes go
 * AVAILABLE -> ASSIGNED -> LOCKED -> REDEEMED; a multi-use code is AVAILABLE (or ASSIGNED)
 * until its uses run out; any code can be DISABLED.
 */
export function deriveCodeState(code: {
  status: "ACTIVE" | "DISABLED";
  maxRedemptions: number | null;
  assignedUserId: string | null;
  redeemed: number;
  locked: number;
}): CodeState {
  if (code.status === "DISABLED") return "DISABLED";
  if (code.maxRedemptions !== null && code.redeemed >= code.maxRedemptions) return "REDEEMED";
  if (code.maxRedemptions !== null && code.redeemed + code.locked >= code.maxRedemptions) return "LOCKED";
  return code.assignedUserId ? "ASSIGNED" : "AVAILABLE";
}
