import { Badge } from "@/components/ui/badge";
import type { CouponPhase } from "@/server/domain/coupon-status";

const PHASE_VARIANT = {
  draft: "outline",
  scheduled: "info",
  running: "success",
  ended: "secondary",
  "used up": "warning",
  disabled: "destructive",
  archived: "secondary",
} as const;

export function PhaseBadge({ phase }: { phase: CouponPhase }) {
  return (
    <Badge variant={PHASE_VARIANT[phase]} className="capitalize" data-testid="coupon-phase">
      {phase}
    </Badge>
  );
}

const CODE_STATE_VARIANT = {
  AVAILABLE: "success",
  ASSIGNED: "info",
  LOCKED: "warning",
  REDEEMED: "secondary",
  DISABLED: "destructive",
} as const;

export function CodeStateBadge({ state }: { state: keyof typeof CODE_STATE_VARIANT }) {
  return (
    <Badge variant={CODE_STATE_VARIANT[state]} data-testid="code-state">
      {state.toLowerCase()}
    </Badge>
  );
}
