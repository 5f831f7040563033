"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, KeyRound, Pencil, Plus, Send, Trash2, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { DataTable, type AdminColumn } from "@/components/admin/data-table";
import { PageHeader } from "@/components/admin/page-header";
import { useCanEdit } from "@/components/admin/role-context";
import { EmptyState, ErrorState, TableSkeleton } from "@/components/admin/states";
import { useTRPC } from "@/components/providers/trpc-provider";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Switch } from "@/components/ui/switch";
import { DeliveryLog } from "./delivery-log";
import { EndpointFormDialog, type EditableEndpoint } from "./endpoint-form-dialog";
import { SecretDialog } from "./secret-dialog";
import type { WebhookEndpoint } from "./types";

function EndpointActions({ endpoint, onEdit }: { endpoint: WebhookEndpoint; onEdit: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.pathKey() });
  const onError = (error: { message: string }) => toast.error(error.message);
  const reveal = useMutation(
    trpc.admin.webhooks.revealSecret.mutationOptions({ onSuccess: (r) => setSecret(r.secret), onError }),
  );
  const sendTest = useMutation(
    trpc.admin.webhooks.sendTest.mutationOptions({
      onSuccess: async () => {
        toast.success("Test event queued: see the delivery log.");
        await refresh();
      },
      onError,
    }),
  );
  const remove = useMutation(
    trpc.admin.webhooks.delete.mutationOptions({
      onSuccess: async () => {
        toast.success("Endpoint deleted.");
        await refresh();
      },
      onError,
    }),
  );
  return (
    <div className="flex flex-wrap justify-end gap-1">
      <Button size="icon-sm" variant="ghost" aria-label={`Edit ${endpoint.url}`} onClick={onEdit}>
        <Pencil />
      </Button>
      <Button
        size="icon-sm"
        variant="ghost"
        aria-label={`Send a test event to ${endpoint.url}`}
        title="Send test event"
        disabled={!endpoint.enabled || sendTest.isPending}
        onClick={() => sendTest.mutate({ id: endpoint.id })}
      >
        <Send />
      </Button>
      <Button
        size="icon-sm"
        variant="ghost"
        aria-label={`Reveal the signing secret of ${endpoint.url}`}
        title="Reveal secret"
        disabled={reveal.isPending}
        onClick={() => reveal.mutate({ id: endpoint.id })}
      >
        <KeyRound />
      </Button>
      <AlertDialog>
        <AlertDialogTrigger asChild>
          <Button size="icon-sm" variant="ghost" aria-label={`Delete ${endpoint.url}`} title="Delete">
            <Trash2 />
          </Button>
        </AlertDialogTrigger>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Delete this endpoint?</AlertDialogTitle>
            <AlertDialogDescription>
              {endpoint.url} stops receiving events, and its delivery log goes with it. To pause it instead, switch it
              off.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogAction variant="destructive" onClick={() => remove.mutate({ id: endpoint.id })}>
              Delete endpoint
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
      <SecretDialog secret={secret} url={endpoint.url} onClose={() => setSecret(null)} />
    </div>
  );
}

function EnabledSwitch({ endpoint }: { endpoint: WebhookEndpoint }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toggle = useMutation(
    trpc.admin.webhooks.update.mutationOptions({
      onSuccess: async (updated) => {
        toast.success(updated.enabled ? "Endpoint enabled." : "Endpoint disabled.");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.pathKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Switch
      checked={endpoint.enabled}
      disabled={toggle.isPending}
      aria-label={`${endpoint.enabled ? "Disable" : "Enable"} ${endpoint.url}`}
      onCheckedChange={(on) => toggle.mutate({ id: endpoint.id, enabled: on })}
    />
  );
}

/** Webhooks: endpoints (create, edit, enable, delete, secret, test), the auto-disable notice and each delivery log. */
export function WebhooksManager() {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  const endpoints = useQuery(trpc.admin.webhooks.list.queryOptions());
  const [formOpen, setFormOpen] = useState(false);
  const [editing, setEditing] = useState<EditableEndpoint | undefined>();
  const [created, setCreated] = useState<{ secret: string; url: string } | null>(null);
  const [selectedId, setSelectedId] = useState<string | null>(null);

  const openCreate = () => {
    setEditing(undefined);
    setFormOpen(true);
  };
  const newButton = canEdit && (
    <Button onClick={openCreate}>
      <Plus /> New endpoint
    </Button>
  );
  const list = endpoints.data ?? [];
  const selected = list.find((e) => e.id === selectedId) ?? list[0];
  const autoDisabled = list.filter((e) => !e.enabled && e.disabledReason);

  const columns: AdminColumn<WebhookEndpoint>[] = [
    {
      id: "url",
      header: "Endpoint",
      cell: ({ row }) => (
        <button
          type="button"
          className="focus-visible:ring-ring/50 max-w-md rounded text-left focus-visible:ring-[3px] focus-visible:outline-none"
          aria-pressed={selected?.id === row.original.id}
          aria-label={`Show the deliveries of ${row.original.url}`}
          onClick={() => setSelectedId(row.original.id)}
        >
          <span className="block font-mono text-xs break-all underline-offset-2 hover:underline">
            {row.original.url}
          </span>
          {row.original.description && (
            <span className="text-muted-foreground block text-xs">{row.original.description}</span>
          )}
        </button>
      ),
    },
    {
      id: "events",
      header: "Events",
      cell: ({ row }) => (
        <div className="flex max-w-xs flex-wrap gap-1">
          {row.original.eventTypes.map((t) => (
            <Badge key={t} variant="outline" className="font-mono">
              {t}
            </Badge>
          ))}
        </div>
      ),
    },
    {
      id: "status",
      header: "Status",
      cell: ({ row }) =>
        row.original.enabled ? (
          <Badge variant="outline">
            <CircleCheck className="text-success" aria-hidden /> Enabled
          </Badge>
        ) : row.original.disabledReason ? (
          <Badge variant="destructive">Auto-disabled</Badge>
        ) : (
          <Badge variant="secondary">Disabled</Badge>
        ),
    },
    ...(canEdit
      ? ([
          { id: "enabled", header: "On", cell: ({ row }) => <EnabledSwitch endpoint={row.original} /> },
          {
            id: "actions",
            header: () => <span className="sr-only">Actions</span>,
            cell: ({ row }) => (
              <EndpointActions
                endpoint={row.original}
                onEdit={() => {
                  setEditing(row.original);
                  setFormOpen(true);
                }}
              />
            ),
          },
        ] satisfies AdminColumn<WebhookEndpoint>[])
      : []),
  ];

  return (
    <>
      <PageHeader
        crumbs={[{ label: "Webhooks" }]}
        title="Webhooks"
        description="Signed HTTP callbacks for coupon, redemption and job events, retried with back-off."
        actions={newButton}
      />
      <div className="space-y-6">
        {autoDisabled.map((e) => (
          <div
            key={e.id}
            role="alert"
            className="border-destructive/30 bg-destructive/5 flex gap-3 rounded-lg border p-4 text-sm"
            data-testid="auto-disabled-notice"
          >
            <TriangleAlert className="text-destructive mt-0.5 size-4 shrink-0" aria-hidden />
            <div>
              <p className="font-medium">{e.url} was disabled because it kept failing.</p>
              <p className="text-muted-foreground">{e.disabledReason}</p>
            </div>
          </div>
        ))}
        {endpoints.isPending ? (
          <TableSkeleton rows={3} columns={4} />
        ) : endpoints.isError ? (
          <ErrorState error={endpoints.error} onRetry={() => endpoints.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="No webhook endpoints yet" action={newButton}>
            Register a URL to receive coupon, redemption and job events as they happen.
          </EmptyState>
        ) : (
          <DataTable label="Webhook endpoints" columns={columns} data={list} getRowId={(e) => e.id} />
        )}
        {selected && (
          <Card>
            <CardHeader>
              <CardTitle className="text-base">Delivery log</CardTitle>
              <CardDescription className="font-mono text-xs break-all">{selected.url}</CardDescription>
            </CardHeader>
            <CardContent>
              <DeliveryLog endpointId={selected.id} endpointEnabled={selected.enabled} />
            </CardContent>
          </Card>
        )}
      </div>
      {canEdit && (
        <EndpointFormDialog
          open={formOpen}
          onOpenChange={setFormOpen}
          editing={editing}
          onCreated={(secret, url) => setCreated({ secret, url })}
        />
      )}
      <SecretDialog secret={created?.secret ?? null} url={created?.url ?? ""} onClose={() => setCreated(null)} />
    </>
  );
}
