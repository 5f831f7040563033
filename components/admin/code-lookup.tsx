"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { parseAsString, useQueryState } from "nuqs";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { formatAmount, formatDate } from "@/server/domain/describe-coupon";
import { CopyButton } from "./copy-button";
import { EmptyState, ErrorState, TableSkeleton } from "./states";
import { CodeStateBadge } from "./status-badge";

/** Exact-code look-up: the code's coupon, state, uses and history. */
export function CodeLookup() {
  const trpc = useTRPC();
  const [code, setCode] = useQueryState("code", parseAsString.withDefault(""));
  const result = useQuery({ ...trpc.admin.codes.lookup.queryOptions({ code }), enabled: code.trim() !== "" });
  return (
    <div className="space-y-6">
      <form
        className="flex max-w-md gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          const value = new FormData(e.currentTarget).get("code");
          void setCode(typeof value === "string" ? value.trim() : "");
        }}
      >
        <Input name="code" aria-label="Code" defaultValue={code} key={code} placeholder="SUMMER20" autoFocus />
        <Button type="submit">Look up</Button>
      </form>
      {code.trim() === "" ? (
        <EmptyState title="Type a code, as a shopper would.">Case, spaces and dashes do not matter.</EmptyState>
      ) : result.isPending ? (
        <TableSkeleton rows={3} columns={2} />
      ) : result.isError ? (
        <ErrorState error={result.error} />
      ) : !result.data.found ? (
        <EmptyState filtered title="No such code.">
          {result.data.message}
        </EmptyState>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <Card>
            <CardHeader>
              <CardTitle className="flex items-center gap-2 font-mono text-lg">
                {result.data.code.code} <CopyButton value={result.data.code.code} label="Copy code" />
              </CardTitle>
            </CardHeader>
            <dl className="grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
              <dt className="text-muted-foreground">State</dt>
              <dd>
                <CodeStateBadge state={result.data.code.state} />
              </dd>
              <dt className="text-muted-foreground">Coupon</dt>
              <dd>
                {result.data.coupon ? (
                  <Link href={`/admin/coupons/${result.data.coupon.id}`} className="font-medium hover:underline">
                    {result.data.coupon.name}
                  </Link>
                ) : (
                  "—"
                )}{" "}
                <span className="text-muted-foreground">({result.data.coupon?.status.toLowerCase()})</span>
              </dd>
              <dt className="text-muted-foreground">Kind</dt>
              <dd>{result.data.code.kind.toLowerCase()}</dd>
              <dt className="text-muted-foreground">Uses</dt>
              <dd>
                {result.data.code.redeemed}
                {result.data.code.maxRedemptions !== null
                  ? ` of ${result.data.code.maxRedemptions}`
                  : " (coupon limits)"}
                {result.data.code.locked > 0 && `, ${result.data.code.locked} locked now`}
              </dd>
              <dt className="text-muted-foreground">Created</dt>
              <dd>{formatDate(result.data.code.createdAt)}</dd>
            </dl>
          </Card>
          <Card>
            <CardHeader>
              <CardTitle>History</CardTitle>
            </CardHeader>
            {result.data.redemptions.length === 0 && result.data.history.length === 0 && (
              <p className="text-muted-foreground text-sm">Never redeemed, and no recorded changes.</p>
            )}
            <ol className="space-y-2 text-sm">
              {[
                ...result.data.redemptions.map((r) => ({
                  at: r.createdAt,
                  text: `Redeemed on order ${r.orderId} for ${formatAmount(r.amount, r.currency)}${r.voidedAt ? ` — voided: ${r.voidReason}` : ""}`,
                })),
                ...result.data.history.map((h) => ({
                  at: h.createdAt,
                  text: `${h.action} by ${h.actorEmail ?? "the system"}`,
                })),
              ]
                .sort((a, b) => b.at.getTime() - a.at.getTime())
                .map((item, i) => (
                  <li key={i} className="border-l-2 pl-3">
                    <span className="text-muted-foreground">{formatDate(item.at)}</span> — {item.text}
                  </li>
                ))}
            </ol>
          </Card>
        </div>
      )}
    </div>
  );
}
