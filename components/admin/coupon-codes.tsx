"use client";

import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Ban, CirclePlay, Plus } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardAction, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { CopyButton } from "./copy-button";
import { DataTable, type AdminColumn } from "./data-table";
import { useCanEdit } from "./role-context";
import { EmptyState, ErrorState, TableSkeleton } from "./states";
import { CodeStateBadge } from "./status-badge";

type CodeItem = {
  id: string;
  code: string;
  kind: "SHARED" | "UNIQUE";
  status: "ACTIVE" | "DISABLED";
  state: "AVAILABLE" | "ASSIGNED" | "LOCKED" | "REDEEMED" | "DISABLED";
  redeemed: number;
  locked: number;
  maxRedemptions: number | null;
};

/** A coupon's codes with state and uses; admins add a code and disable or enable one. */
export function CouponCodes({ couponId, archived }: { couponId: string; archived: boolean }) {
  const trpc = useTRPC();
  const canEdit = useCanEdit() && !archived;
  const queryClient = useQueryClient();
  const codes = useInfiniteQuery(
    trpc.admin.codes.list.infiniteQueryOptions(
      { couponId, limit: 20 },
      { getNextPageParam: (page) => page.nextCursor ?? undefined },
    ),
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
  const setStatus = useMutation(
    trpc.admin.codes.setStatus.mutationOptions({
      onSuccess: async (result) => {
        await refresh();
        toast.success(result.status === "DISABLED" ? "Code disabled: checkouts refuse it now." : "Code enabled again.");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const [newCode, setNewCode] = useState("");
  const create = useMutation(
    trpc.admin.codes.create.mutationOptions({
      onSuccess: async (created) => {
        setNewCode("");
        await refresh();
        toast.success(`Code ${created.code} added.`);
      },
      onError: (error) => toast.error(error.message),
    }),
  );

  const columns: AdminColumn<CodeItem>[] = [
    {
      id: "code",
      header: "Code",
      cell: ({ row }) => (
        <span className="flex items-center gap-1 font-mono">
          {row.original.code}
          <CopyButton value={row.original.code} label="Copy code" />
        </span>
      ),
    },
    { id: "kind", header: "Kind", cell: ({ row }) => row.original.kind.toLowerCase() },
    { id: "state", header: "State", cell: ({ row }) => <CodeStateBadge state={row.original.state} /> },
    {
      id: "uses",
      header: "Uses",
      cell: ({ row }) => {
        const { redeemed, locked, maxRedemptions } = row.original;
        const used = `${redeemed}${locked > 0 ? ` (+${locked} locked)` : ""}`;
        return maxRedemptions === null ? `${used} · coupon limits` : `${used} of ${maxRedemptions}`;
      },
    },
    ...(canEdit
      ? [
          {
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) =>
              row.original.status === "ACTIVE" ? (
                <Button
                  size="sm"
                  variant="outline"
                  disabled={setStatus.isPending}
                  onClick={() => setStatus.mutate({ id: row.original.id, status: "DISABLED" })}
                  aria-label={`Disable ${row.original.code}`}
                >
                  <Ban /> Disable
                </Button>
              ) : (
                <Button
                  size="sm"
                  variant="outline"
                  disabled={setStatus.isPending}
                  onClick={() => setStatus.mutate({ id: row.original.id, status: "ACTIVE" })}
                  aria-label={`Enable ${row.original.code}`}
                >
                  <CirclePlay /> Enable
                </Button>
              ),
          } satisfies AdminColumn<CodeItem>,
        ]
      : []),
  ];

  const items = codes.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Codes</CardTitle>
        <CardDescription>What shoppers type. Disabling a code keeps its history.</CardDescription>
        {canEdit && (
          <CardAction>
            <form
              className="flex gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                const code = newCode.trim();
                create.mutate(code ? { couponId, kind: "SHARED", code } : { couponId, kind: "UNIQUE" });
              }}
            >
              <Input
                aria-label="New code"
                placeholder="SUMMER20 (empty: generate)"
                value={newCode}
                onChange={(e) => setNewCode(e.target.value)}
                className="w-52"
              />
              <Button type="submit" variant="outline" disabled={create.isPending}>
                <Plus /> Add code
              </Button>
            </form>
          </CardAction>
        )}
      </CardHeader>
      {codes.isPending ? (
        <TableSkeleton rows={2} columns={4} />
      ) : codes.isError ? (
        <ErrorState error={codes.error} onRetry={() => void codes.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title="No codes yet.">
          {canEdit ? "Add a shared code above, or leave it empty to generate a unique one." : "Nothing to redeem yet."}
        </EmptyState>
      ) : (
        <>
          <DataTable label="Codes" columns={columns} data={items} getRowId={(row) => row.id} />
          {codes.hasNextPage && (
            <Button
              variant="ghost"
              className="mt-2"
              onClick={() => void codes.fetchNextPage()}
              disabled={codes.isFetchingNextPage}
            >
              Load more codes
            </Button>
          )}
        </>
      )}
    </Card>
  );
}
