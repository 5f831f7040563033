"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Skeleton } from "@/components/ui/skeleton";
import { CouponForm } from "./coupon-form";
import { PageHeader } from "./page-header";
import { ErrorState } from "./states";

/** The edit page: loads the coupon and its live usage, then the form. */
export function CouponEditor({ id, defaultExpirationDays }: { id: string; defaultExpirationDays: number }) {
  const trpc = useTRPC();
  const coupon = useQuery(trpc.admin.coupons.get.queryOptions({ id }));
  const usage = useQuery(trpc.admin.coupons.usage.queryOptions({ id }));
  const crumbs = [
    { label: "Coupons", href: "/admin/coupons" },
    { label: coupon.data?.name ?? "Coupon", href: `/admin/coupons/${id}` },
    { label: "Edit" },
  ];
  if (coupon.isError) return <ErrorState error={coupon.error} onRetry={() => void coupon.refetch()} />;
  if (coupon.isPending || usage.isPending) return <Skeleton className="h-96 w-full" />;
  if (coupon.data.status === "ARCHIVED")
    return (
      <>
        <PageHeader crumbs={crumbs} title={`Edit ${coupon.data.name}`} />
        <p role="alert">An archived coupon is final: it cannot be changed.</p>
      </>
    );
  return (
    <>
      <PageHeader crumbs={crumbs} title={`Edit ${coupon.data.name}`} description={`Version ${coupon.data.version}`} />
      <CouponForm
        coupon={coupon.data}
        used={usage.data ? usage.data.used + (coupon.data.counters?.voided ?? 0) : 0}
        defaultExpirationDays={defaultExpirationDays}
      />
    </>
  );
}
