import { Badge } from "@/components/ui/badge";

// The darker text keeps a 4.5:1 contrast on the badges' light backgrounds (WCAG AA).
const STATE = {
  pending: { label: "Awaiting payment", variant: "warning", className: "text-amber-800" },
  paid: { label: "Paid", variant: "success", className: "text-emerald-800" },
  failed: { label: "Payment failed", variant: "destructive", className: "text-red-700" },
} as const;

export function OrderStateBadge({ state }: { state: keyof typeof STATE }) {
  return (
    <Badge variant={STATE[state].variant} className={STATE[state].className}>
      {STATE[state].label}
    </Badge>
  );
}
