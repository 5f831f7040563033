"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { KeyRound, Plus, RotateCw, ShieldOff, TriangleAlert } from "lucide-react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
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
import { Checkbox } from "@/components/ui/checkbox";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { API_KEY_SCOPES, createApiKeyInput, MAX_ROTATION_GRACE_HOURS } from "@/server/domain/api-key-inputs";
import { CHANNELS } from "@/server/domain/schemas";
import { CopyButton } from "./copy-button";
import { DataTable, type AdminColumn } from "./data-table";
import { useCanEdit } from "./role-context";
import { EmptyState, ErrorState, TableSkeleton } from "./states";

const SCOPE_LABELS = {
  checkout: "Checkout: validate, lock, unlock, redeem",
  "admin:read": "Admin read: coupons, codes, redemptions",
  "admin:write": "Admin write: change them (includes read)",
} as const;
const STATE_BADGE = { active: "success", expiring: "warning", expired: "secondary", revoked: "destructive" } as const;

type ApiKeyItem = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  channel: string;
  state: keyof typeof STATE_BADGE;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
};

const when = (date: Date | null) =>
  date ? date.toLocaleString("en-US", { dateStyle: "medium", timeStyle: "short" }) : "—";

/** The secret, shown once: the only moment anyone can copy it. */
function SecretOnce({ secret }: { secret: string }) {
  return (
    <div className="space-y-2" data-testid="api-key-secret">
      <div className="bg-muted flex items-center gap-2 rounded-md border p-2">
        <code className="min-w-0 flex-1 font-mono text-sm break-all">{secret}</code>
        <CopyButton value={secret} label="Copy key" />
      </div>
      <p className="text-warning flex items-start gap-2 text-sm">
        <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
        Copy it now: it is stored hashed and will not be shown again.
      </p>
    </div>
  );
}

type CreateValues = z.input<typeof createApiKeyInput>;

function CreateKeyDialog() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const form = useForm<CreateValues, unknown, z.output<typeof createApiKeyInput>>({
    resolver: zodResolver(createApiKeyInput),
    defaultValues: { name: "", scopes: ["checkout"], channel: "web" },
  });
  const create = useMutation(
    trpc.admin.apiKeys.create.mutationOptions({
      onSuccess: async (result) => {
        setSecret(result.secret);
        toast.success(`Key "${result.key.name}" created.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.apiKeys.list.queryKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          setSecret(null);
          form.reset();
        }
      }}
    >
      <DialogTrigger asChild>
        <Button>
          <Plus /> New key
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{secret ? "Your new API key" : "New API key"}</DialogTitle>
          <DialogDescription>
            For a server that calls the API: send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </DialogDescription>
        </DialogHeader>
        {secret ? (
          <SecretOnce secret={secret} />
        ) : (
          <Form {...form}>
            <form
              id="api-key-form"
              className="grid gap-4"
              onSubmit={form.handleSubmit((values) => create.mutate(values))}
            >
              <FormField
                control={form.control}
                name="name"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Name</FormLabel>
                    <FormControl>
                      <Input placeholder="POS terminals, store 12" {...field} />
                    </FormControl>
                    <FormDescription>Who or what uses it.</FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name="channel"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Channel</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange}>
                      <FormControl>
                        <SelectTrigger className="w-full">
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        {CHANNELS.map((channel) => (
                          <SelectItem key={channel} value={channel}>
                            {channel}
                          </SelectItem>
                        ))}
                      </SelectContent>
                    </Select>
                    <FormDescription>
                      Its checkouts are on this channel (coupons limited to channels see it).
                    </FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name="scopes"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Scopes</FormLabel>
                    <div className="grid gap-2">
                      {API_KEY_SCOPES.map((scope) => (
                        <label key={scope} className="flex items-center gap-2 text-sm">
                          <Checkbox
                            checked={field.value.includes(scope)}
                            onCheckedChange={(checked) =>
                              field.onChange(
                                checked ? [...field.value, scope] : field.value.filter((s: string) => s !== scope),
                              )
                            }
                          />
                          <span className="font-mono">{scope}</span>
                          <span className="text-muted-foreground">{SCOPE_LABELS[scope].split(": ")[1]}</span>
                        </label>
                      ))}
                    </div>
                    <FormMessage />
                  </FormItem>
                )}
              />
            </form>
          </Form>
        )}
        <DialogFooter>
          {secret ? (
            <Button onClick={() => setOpen(false)}>Done</Button>
          ) : (
            <>
              <Button variant="outline" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" form="api-key-form" disabled={create.isPending}>
                {create.isPending ? "Creating…" : "Create key"}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RotateKeyDialog({ apiKey }: { apiKey: ApiKeyItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [grace, setGrace] = useState("24");
  const [secret, setSecret] = useState<string | null>(null);
  const hours = Number(grace);
  const valid = /^\d+$/.test(grace.trim()) && hours <= MAX_ROTATION_GRACE_HOURS;
  const rotate = useMutation(
    trpc.admin.apiKeys.rotate.mutationOptions({
      onSuccess: async (result) => {
        setSecret(result.secret);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.apiKeys.list.queryKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) setSecret(null);
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Rotate ${apiKey.name}`}>
          <RotateCw /> Rotate
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{secret ? "The replacement key" : `Rotate ${apiKey.name}?`}</DialogTitle>
          <DialogDescription>
            A new key with the same scopes and channel. The old one ({apiKey.prefix}…) keeps working for the grace
            period, so both work while clients switch.
          </DialogDescription>
        </DialogHeader>
        {secret ? (
          <SecretOnce secret={secret} />
        ) : (
          <form
            id="rotate-form"
            className="grid gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (valid) rotate.mutate({ id: apiKey.id, graceHours: hours });
            }}
          >
            <Label htmlFor="rotate-grace">Old key works for (hours)</Label>
            <Input
              id="rotate-grace"
              inputMode="numeric"
              value={grace}
              onChange={(e) => setGrace(e.target.value)}
              aria-invalid={!valid}
              aria-describedby="rotate-grace-help"
            />
            <p id="rotate-grace-help" className={valid ? "text-muted-foreground text-sm" : "text-destructive text-sm"}>
              0 ends it now; at most {MAX_ROTATION_GRACE_HOURS} hours.
            </p>
          </form>
        )}
        <DialogFooter>
          {secret ? (
            <Button onClick={() => setOpen(false)}>Done</Button>
          ) : (
            <>
              <Button variant="outline" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" form="rotate-form" disabled={!valid || rotate.isPending}>
                {rotate.isPending ? "Rotating…" : "Rotate key"}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}

function RevokeKeyButton({ apiKey }: { apiKey: ApiKeyItem }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.admin.apiKeys.revoke.mutationOptions({
      onSuccess: async () => {
        toast.success(`Key "${apiKey.name}" revoked.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.apiKeys.list.queryKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <AlertDialog>
      <AlertDialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Revoke ${apiKey.name}`}>
          <ShieldOff /> Revoke
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogHeader>
          <AlertDialogTitle>Revoke {apiKey.name}?</AlertDialogTitle>
          <AlertDialogDescription>
            Calls with {apiKey.prefix}… are refused at once (401). This cannot be undone.
          </AlertDialogDescription>
        </AlertDialogHeader>
        <AlertDialogFooter>
          <AlertDialogCancel>Cancel</AlertDialogCancel>
          <AlertDialogAction onClick={() => revoke.mutate({ id: apiKey.id })}>Revoke key</AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}

function columns(canEdit: boolean): AdminColumn<ApiKeyItem>[] {
  const base: AdminColumn<ApiKeyItem>[] = [
    {
      id: "name",
      header: "Key",
      cell: ({ row }) => (
        <div>
          <div className="font-medium">{row.original.name}</div>
          <code className="text-muted-foreground text-xs">{row.original.prefix}…</code>
        </div>
      ),
    },
    {
      id: "scopes",
      header: "Scopes",
      cell: ({ row }) => (
        <div className="flex flex-wrap gap-1">
          {row.original.scopes.map((scope) => (
            <Badge key={scope} variant="secondary" className="font-mono">
              {scope}
            </Badge>
          ))}
        </div>
      ),
    },
    { id: "channel", header: "Channel", cell: ({ row }) => row.original.channel },
    {
      id: "state",
      header: "State",
      cell: ({ row }) => (
        <div>
          <Badge variant={STATE_BADGE[row.original.state]}>{row.original.state}</Badge>
          {row.original.state === "expiring" && (
            <div className="text-muted-foreground text-xs">until {when(row.original.expiresAt)}</div>
          )}
        </div>
      ),
    },
    { id: "lastUsed", header: "Last used", cell: ({ row }) => when(row.original.lastUsedAt) },
    { id: "created", header: "Created", cell: ({ row }) => when(row.original.createdAt) },
  ];
  if (!canEdit) return base;
  return [
    ...base,
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      cell: ({ row }) =>
        row.original.state === "active" || row.original.state === "expiring" ? (
          <div className="flex justify-end gap-2">
            <RotateKeyDialog apiKey={row.original} />
            <RevokeKeyButton apiKey={row.original} />
          </div>
        ) : null,
    },
  ];
}

/** API keys: the list with state and last use; admins create, rotate and revoke (viewers see only). */
export function ApiKeysManager() {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  const keys = useQuery(trpc.admin.apiKeys.list.queryOptions());
  return (
    <div className="space-y-4">
      {canEdit && (
        <div className="flex justify-end">
          <CreateKeyDialog />
        </div>
      )}
      {keys.isPending ? (
        <TableSkeleton columns={6} />
      ) : keys.isError ? (
        <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
      ) : keys.data.length === 0 ? (
        <EmptyState title="No API keys yet">
          <KeyRound className="mx-auto mb-2 size-5" aria-hidden />
          Keys let another checkout (an app, a POS, a partner) validate, lock and redeem codes over the REST API (
          <a className="underline" href="/api/docs">
            /api/docs
          </a>
          ).
        </EmptyState>
      ) : (
        <DataTable label="API keys" columns={columns(canEdit)} data={keys.data} getRowId={(row) => row.id} />
      )}
    </div>
  );
}
