"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { formatAmount, formatDate } from "@/server/domain/describe-coupon";
import { DataTable, type AdminColumn } from "./data-table";
import { useCanEdit } from "./role-context";
import { VoidRedemptionDialog } from "./void-redemption-dialog";

export type RedemptionItem = {
  id: string;
  couponId: string;
  couponName: string;
  code: string;
  customerId: string;
  orderId: string;
  amount: number;
  currency: string;
  channel: string | null;
  createdAt: Date;
  voidedAt: Date | null;
  voidReason: string | null;
  usesRestored: boolean;
};

export function RedemptionsTable({ items, showCoupon = true }: { items: RedemptionItem[]; showCoupon?: boolean }) {
  const canEdit = useCanEdit();
  const columns: AdminColumn<RedemptionItem>[] = [
    { id: "when", header: "When", cell: ({ row }) => formatDate(row.original.createdAt) },
    ...(showCoupon
      ? [
          {
            id: "coupon",
            header: "Coupon",
            cell: ({ row }) => (
              <Link href={`/admin/coupons/${row.original.couponId}`} className="hover:underline">
                {row.original.couponName}
              </Link>
            ),
          } satisfies AdminColumn<RedemptionItem>,
        ]
      : []),
    { id: "code", header: "Code", cell: ({ row }) => <span className="font-mono">{row.original.code}</span> },
    { id: "order", header: "Order", cell: ({ row }) => row.original.orderId },
    {
      id: "customer",
      header: "Customer",
      cell: ({ row }) => (
        <span className="font-mono text-xs" title={row.original.customerId}>
          {row.original.customerId.length > 14 ? `${row.original.customerId.slice(0, 8)}…` : row.original.customerId}
        </span>
      ),
    },
    { id: "amount", header: "Discount", cell: ({ row }) => formatAmount(row.original.amount, row.original.currency) },
    {
      id: "state",
      header: "State",
      cell: ({ row }) =>
        row.original.voidedAt ? (
          <div className="max-w-48 whitespace-normal" title={row.original.voidReason ?? undefined}>
            <Badge variant="secondary">voided</Badge>
            <p className="text-muted-foreground mt-0.5 line-clamp-2 text-xs">{row.original.voidReason}</p>
          </div>
        ) : (
          <Badge variant="success">redeemed</Badge>
        ),
    },
    ...(canEdit
      ? [
          {
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => (row.original.voidedAt ? null : <VoidRedemptionDialog redemption={row.original} />),
          } satisfies AdminColumn<RedemptionItem>,
        ]
      : []),
  ];
  return <DataTable label="Redemptions" columns={columns} data={items} getRowId={(row) => row.id} />;
}
