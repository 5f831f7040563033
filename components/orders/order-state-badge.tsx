import { Badge } from "@/components/ui/badge";

const STATE = {
  pending: { label: "Awaiting payment", variant: "warning" },
  paid: { label: "Paid", variant: "success" },
  failed: { label: "Payment failed", variant: "destructive" },
} as const;

export function OrderStateBadge({ state }: { state: keyof typeof STATE }) {
  return <Badge variant={STATE[state].variant}>{STATE[state].label}</Badge>;
}
