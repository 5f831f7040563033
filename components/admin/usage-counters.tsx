"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { formatAmount } from "@/server/domain/describe-coupon";

/** Live counters, refreshed every 5 s: the gate's figures where it holds the coupon, else Postgres's. */
export function UsageCounters({ couponId, currency }: { couponId: string; currency: string | null }) {
  const trpc = useTRPC();
  const usage = useQuery({ ...trpc.admin.coupons.usage.queryOptions({ id: couponId }), refetchInterval: 5_000 });
  if (usage.isPending) return <Skeleton className="h-24 w-full" />;
  if (usage.isError)
    return (
      <p role="alert" className="text-destructive text-sm">
        Counters unavailable: {usage.error.message}
      </p>
    );
  const u = usage.data;
  const stats = [
    { key: "redeemed", label: "Redeemed", value: u.redeemed.toLocaleString("en-US") },
    {
      key: "locked",
      label: "Locked now",
      value: u.lockedNow.toLocaleString("en-US"),
      hint: "held by checkouts paying",
    },
    {
      key: "remaining",
      label: "Remaining",
      value: u.remaining === null ? "No limit" : u.remaining.toLocaleString("en-US"),
      hint: u.maxRedemptions === null ? undefined : `${u.used} of ${u.maxRedemptions} used`,
      meter: u.maxRedemptions ? (u.used / u.maxRedemptions) * 100 : null,
    },
    {
      key: "budget",
      label: "Budget used",
      value: u.budget === null ? "No budget" : `${u.budgetUsedPercent} %`,
      hint:
        u.budget === null
          ? `${formatAmount(u.spent, currency)} given`
          : `${formatAmount(u.spent, currency)} of ${formatAmount(u.budget, currency)}`,
      meter: u.budgetUsedPercent,
    },
  ];
  return (
    <div className="space-y-2">
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {stats.map((s) => (
          <Card key={s.key} className="p-4">
            <p className="text-muted-foreground text-sm">{s.label}</p>
            <p className="mt-1 text-2xl font-semibold" data-testid={`usage-${s.key}`}>
              {s.value}
            </p>
            {s.meter != null && (
              <div
                className="bg-muted mt-2 h-1.5 overflow-hidden rounded-full"
                role="meter"
                aria-label={`${s.label} meter`}
                aria-valuemin={0}
                aria-valuemax={100}
                aria-valuenow={Math.round(s.meter)}
              >
                <div
                  className={s.meter >= 95 ? "bg-destructive h-full" : "bg-primary h-full"}
                  style={{ width: `${Math.min(100, s.meter)}%` }}
                />
              </div>
            )}
            {s.hint && <p className="text-muted-foreground mt-1 text-xs">{s.hint}</p>}
          </Card>
        ))}
      </div>
      <p className="text-muted-foreground text-xs">
        Live from {u.source === "gate" ? "the Redis gate" : "Postgres"}, read {u.readAt.toLocaleTimeString()}.
      </p>
    </div>
  );
}
