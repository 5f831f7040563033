"use client";

import { useQuery } from "@tanstack/react-query";
import { Pencil } from "lucide-react";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { couponPhase, STATUS_LABELS } from "@/server/domain/coupon-status";
import { describeCouponRules, describeValue, formatDate } from "@/server/domain/describe-coupon";
import { AuditChanges } from "./audit-changes";
import { CouponCodes } from "./coupon-codes";
import { CouponStatusActions } from "./coupon-status-actions";
import { PageHeader } from "./page-header";
import { RedemptionsTable } from "./redemptions-table";
import { useCanEdit } from "./role-context";
import { EmptyState, ErrorState, TableSkeleton } from "./states";
import { PhaseBadge } from "./status-badge";
import { UsageCounters } from "./usage-counters";

/** The coupon page: status and actions, live counters, rules in words, codes, recent redemptions, timeline. */
export function CouponDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  const coupon = useQuery(trpc.admin.coupons.get.queryOptions({ id }));
  const redemptions = useQuery(trpc.admin.redemptions.list.queryOptions({ couponId: id, limit: 10 }));
  const timeline = useQuery(trpc.admin.audit.list.queryOptions({ targetType: "coupon", targetId: id, limit: 50 }));

  if (coupon.isError)
    return (
      <>
        <PageHeader crumbs={[{ label: "Coupons", href: "/admin/coupons" }, { label: "Not found" }]} title="Coupon" />
        <ErrorState error={coupon.error} onRetry={() => void coupon.refetch()} />
      </>
    );
  if (coupon.isPending)
    return (
      <div className="space-y-4" aria-busy="true">
        <Skeleton className="h-10 w-1/2" />
        <Skeleton className="h-24 w-full" />
        <Skeleton className="h-64 w-full" />
      </div>
    );
  const c = coupon.data;
  const archived = c.status === "ARCHIVED";
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Coupons", href: "/admin/coupons" }, { label: c.name }]}
        title={
          <span className="flex flex-wrap items-center gap-3">
            {c.name} <PhaseBadge phase={couponPhase(c, null, new Date())} />
          </span>
        }
        description={`${describeValue(c)} · ${STATUS_LABELS[c.status]} · version ${c.version}`}
        actions={
          canEdit && (
            <>
              {!archived && (
                <Button variant="outline" asChild>
                  <Link href={`/admin/coupons/${c.id}/edit`}>
                    <Pencil /> Edit
                  </Link>
                </Button>
              )}
              {!archived && (
                <Button variant="outline" asChild>
                  <Link href={`/admin/generate?couponId=${c.id}`}>Generate codes</Link>
                </Button>
              )}
              {!archived && (
                <Button variant="outline" asChild>
                  <Link href={`/admin/import?couponId=${c.id}`}>Import codes</Link>
                </Button>
              )}
              {!archived && (
                <Button variant="outline" asChild>
                  <Link href={`/admin/books?couponId=${c.id}`}>Books</Link>
                </Button>
              )}
              <CouponStatusActions coupon={c} />
            </>
          )
        }
      />
      <div className="space-y-6">
        <UsageCounters couponId={c.id} currency={c.currency} />
        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle>Rules</CardTitle>
              {c.description && <CardDescription>{c.description}</CardDescription>}
            </CardHeader>
            <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="coupon-rules">
              {describeCouponRules(c).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            {c.internalNotes && (
              <p className="bg-muted mt-4 rounded-md px-3 py-2 text-sm">
                <span className="font-medium">Notes: </span>
                {c.internalNotes}
              </p>
            )}
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>Timeline</CardTitle>
              <CardDescription>Every change, from the audit log.</CardDescription>
            </CardHeader>
            {timeline.isPending ? (
              <TableSkeleton rows={3} columns={1} />
            ) : timeline.isError ? (
              <ErrorState error={timeline.error} />
            ) : timeline.data.items.length === 0 ? (
              <p className="text-muted-foreground text-sm">No recorded changes (the demo seed writes none).</p>
            ) : (
              <ol className="max-h-96 space-y-3 overflow-y-auto text-sm" data-testid="coupon-timeline">
                {timeline.data.items.map((entry) => (
                  <li key={entry.id} className="border-l-2 pl-3">
                    <p>
                      <span className="font-medium">{entry.action}</span>{" "}
                      <span className="text-muted-foreground">
                        by {entry.actorEmail ?? "the system"}, {formatDate(entry.createdAt)}
                      </span>
                    </p>
                    {entry.action !== "coupon.create" && <AuditChanges before={entry.before} after={entry.after} />}
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </div>
        <CouponCodes couponId={c.id} archived={archived} />
        <Card>
          <CardHeader>
            <CardTitle>Recent redemptions</CardTitle>
            <CardAction>
              <Button variant="link" asChild>
                <Link href={`/admin/redemptions?coupon=${c.id}`}>All redemptions</Link>
              </Button>
            </CardAction>
          </CardHeader>
          {redemptions.isPending ? (
            <TableSkeleton rows={2} />
          ) : redemptions.isError ? (
            <ErrorState error={redemptions.error} />
          ) : redemptions.data.items.length === 0 ? (
            <EmptyState title="Not redeemed yet." />
          ) : (
            <RedemptionsTable items={redemptions.data.items} showCoupon={false} />
          )}
        </Card>
        <p className="text-muted-foreground text-xs">
          Created {formatDate(c.createdAt)} · last changed {formatDate(c.updatedAt)}
        </p>
      </div>
    </>
  );
}
