"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Clock, RotateCcw } from "lucide-react";
import { toast } from "sonner";
import { DataTable, type AdminColumn } from "@/components/admin/data-table";
import { useCanEdit } from "@/components/admin/role-context";
import { EmptyState, ErrorState, TableSkeleton } from "@/components/admin/states";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { WebhookDelivery as Delivery } from "./types";

function StatusBadge({ status }: { status: Delivery["status"] }) {
  if (status === "SUCCEEDED")
    return (
      <Badge variant="outline">
        <CircleCheck className="text-success" aria-hidden /> Succeeded
      </Badge>
    );
  if (status === "FAILED") return <Badge variant="destructive">Failed</Badge>;
  return (
    <Badge variant="outline">
      <Clock className="text-muted-foreground" aria-hidden /> Pending
    </Badge>
  );
}

function ReplayButton({ delivery, disabled }: { delivery: Delivery; disabled: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const replay = useMutation(
    trpc.admin.webhooks.replay.mutationOptions({
      onSuccess: async () => {
        toast.success("Sent again (same webhook-id); the attempt appears in the log.");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.pathKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Button
      size="sm"
      variant="outline"
      disabled={disabled || replay.isPending}
      title={disabled ? "Enable the endpoint to replay" : undefined}
      aria-label={`Replay the ${delivery.eventType} delivery of ${new Date(delivery.createdAt).toLocaleString()}`}
      onClick={() => replay.mutate({ deliveryId: delivery.id })}
    >
      <RotateCcw /> {replay.isPending ? "Replaying…" : "Replay"}
    </Button>
  );
}

/** An endpoint's deliveries, newest first, each with every attempt; admins can replay one. */
export function DeliveryLog({ endpointId, endpointEnabled }: { endpointId: string; endpointEnabled: boolean }) {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  const deliveries = useQuery({
    ...trpc.admin.webhooks.deliveries.queryOptions({ endpointId, limit: 50 }),
    // Pending deliveries move on their own: keep the log fresh while it is open.
    refetchInterval: 5_000,
  });
  if (deliveries.isPending) return <TableSkeleton rows={3} columns={5} />;
  if (deliveries.isError) return <ErrorState error={deliveries.error} onRetry={() => deliveries.refetch()} />;
  if (deliveries.data.length === 0)
    return (
      <EmptyState title="No deliveries yet">
        Events this endpoint subscribes to appear here within seconds. Try &quot;Send test event&quot;.
      </EmptyState>
    );
  const columns: AdminColumn<Delivery>[] = [
    {
      id: "event",
      header: "Event",
      cell: ({ row }) => (
        <div className="space-y-0.5">
          <div className="font-mono text-xs">{row.original.eventType}</div>
          <div className="text-muted-foreground text-xs">{new Date(row.original.createdAt).toLocaleString()}</div>
          <div className="text-muted-foreground max-w-[18ch] truncate font-mono text-xs" title={row.original.eventId}>
            id {row.original.eventId}
          </div>
        </div>
      ),
    },
    {
      id: "status",
      header: "Status",
      cell: ({ row }) => <StatusBadge status={row.original.status} />,
    },
    {
      id: "attempts",
      header: "Attempts",
      cell: ({ row }) => (
        <ol className="space-y-0.5 text-xs" aria-label="Attempts">
          {row.original.log.map((a) => (
            <li key={a.id}>
              #{a.attempt} {a.replay ? "(replay) " : ""}
              <span className={a.error ? "text-destructive font-medium" : "font-medium"}>
                {a.statusCode ?? "no answer"}
              </span>{" "}
              · {a.durationMs} ms · {new Date(a.createdAt).toLocaleTimeString()}
              {a.error && <span className="text-muted-foreground block max-w-xs truncate">{a.error}</span>}
            </li>
          ))}
          {row.original.log.length === 0 && <li className="text-muted-foreground">Queued</li>}
        </ol>
      ),
    },
    ...(canEdit
      ? [
          {
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => <ReplayButton delivery={row.original} disabled={!endpointEnabled} />,
          } satisfies AdminColumn<Delivery>,
        ]
      : []),
  ];
  return <DataTable label="Deliveries" columns={columns} data={deliveries.data} getRowId={(d) => d.id} />;
}
