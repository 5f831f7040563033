"use client";

import { useQuery } from "@tanstack/react-query";
import { Receipt } from "lucide-react";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { formatMoney } from "@/components/ui/format-money";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { OrderStateBadge } from "./order-state-badge";

/** The shopper's orders, newest first; a pending one links to its payment. */
export function OrderHistory() {
  const trpc = useTRPC();
  const orders = useQuery(trpc.orders.list.queryOptions());
  if (orders.isPending) return <Skeleton className="h-48" />;
  if (orders.isError)
    return (
      <p role="alert" className="text-destructive">
        {orders.error.message}
      </p>
    );
  if (orders.data.length === 0)
    return (
      <Card className="text-center">
        <Receipt className="text-muted-foreground mx-auto size-10" aria-hidden />
        <p className="mt-3 font-medium">No orders yet</p>
        <p className="text-muted-foreground text-sm">Your paid, pending and failed orders will show here.</p>
        <Button asChild className="mt-4">
          <Link href="/">Go to the store</Link>
        </Button>
      </Card>
    );
  return (
    <Card className="p-0">
      <Table>
        <TableHeader>
          <TableRow>
            <TableHead className="pl-4">Order</TableHead>
            <TableHead>Placed</TableHead>
            <TableHead>Items</TableHead>
            <TableHead>Codes</TableHead>
            <TableHead>State</TableHead>
            <TableHead className="pr-4 text-right">Total</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {orders.data.map((o) => (
            <TableRow key={o.id} data-testid="order-row" data-state={o.state}>
              <TableCell className="pl-4">
                <Link href={`/orders/${o.id}`} className="text-primary font-mono underline underline-offset-2">
                  {o.id.slice(0, 8)}
                </Link>
              </TableCell>
              <TableCell>{new Date(o.createdAt).toLocaleString("en-US")}</TableCell>
              <TableCell>{o.items.reduce((n, l) => n + l.quantity, 0)}</TableCell>
              <TableCell className="font-mono text-xs">{o.codes.join(", ") || "–"}</TableCell>
              <TableCell>
                <OrderStateBadge state={o.state} />
              </TableCell>
              <TableCell className="pr-4 text-right tabular-nums">
                {o.discountTotal + o.shippingDiscount > 0 && (
                  <s className="text-muted-foreground mr-2 text-xs">
                    {formatMoney(o.subtotal + o.shipping, o.currency)}
                  </s>
                )}
                {formatMoney(o.total, o.currency)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Card>
  );
}
