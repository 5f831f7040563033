"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from "@/server/domain/webhook-events";
import { createWebhookEndpointInput } from "@/server/domain/webhook-inputs";

type Values = z.input<typeof createWebhookEndpointInput>;
type Parsed = z.output<typeof createWebhookEndpointInput>;

export const EVENT_LABELS: Record<WebhookEventType, string> = {
  "coupon.created": "Coupon created",
  "coupon.updated": "Coupon updated (rules, activated, archived)",
  "coupon.disabled": "Coupon disabled",
  "code.redeemed": "Code redeemed",
  "redemption.voided": "Redemption voided",
  "lock.expired": "Lock expired (not redeemed in time)",
  "job.finished": "Bulk job finished (generate, import)",
};

export type EditableEndpoint = { id: string; url: string; description: string; eventTypes: string[] };

/**
 * Create an endpoint (its secret is then shown once, by the caller) or edit one's URL, description
 * and events. The form validates with the server's own schema.
 */
export function EndpointFormDialog({
  open,
  onOpenChange,
  editing,
  onCreated,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  editing?: EditableEndpoint;
  onCreated?: (secret: string, url: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<Values, unknown, Parsed>({
    resolver: zodResolver(createWebhookEndpointInput),
    values: editing
      ? { url: editing.url, description: editing.description, eventTypes: editing.eventTypes as WebhookEventType[] }
      : { url: "", description: "", eventTypes: [] },
  });
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.admin.webhooks.pathKey() });
    onOpenChange(false);
  };
  const create = useMutation(
    trpc.admin.webhooks.create.mutationOptions({
      onSuccess: async (result) => {
        await done();
        form.reset();
        onCreated?.(result.secret, result.endpoint.url);
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const update = useMutation(
    trpc.admin.webhooks.update.mutationOptions({
      onSuccess: async () => {
        await done();
        toast.success("Endpoint saved.");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const pending = create.isPending || update.isPending;
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{editing ? "Edit endpoint" : "New webhook endpoint"}</DialogTitle>
          <DialogDescription>
            Events are POSTed as JSON, signed with the Standard Webhooks scheme (HMAC-SHA256).
          </DialogDescription>
        </DialogHeader>
        <Form {...form}>
          <form
            id="endpoint-form"
            className="grid gap-4"
            onSubmit={form.handleSubmit((values) =>
              editing
                ? update.mutate({
                    id: editing.id,
                    url: values.url,
                    description: values.description,
                    eventTypes: values.eventTypes,
                  })
                : create.mutate(values),
            )}
          >
            <FormField
              control={form.control}
              name="url"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>URL</FormLabel>
                  <FormControl>
                    <Input placeholder="https://shop.example.com/webhooks/coupons" autoComplete="off" {...field} />
                  </FormControl>
                  <FormDescription>http:// or https:// only.</FormDescription>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="description"
              render={({ field }) => (
                <FormItem>
                  <FormLabel>Description</FormLabel>
                  <FormControl>
                    <Input placeholder="ERP sync" {...field} />
                  </FormControl>
                  <FormMessage />
                </FormItem>
              )}
            />
            <FormField
              control={form.control}
              name="eventTypes"
              render={({ field }) => (
                <FormItem>
                  <fieldset className="grid gap-2">
                    <legend className="mb-1 text-sm font-medium">Events</legend>
                    {WEBHOOK_EVENT_TYPES.map((type) => {
                      const checked = field.value?.includes(type) ?? false;
                      return (
                        <label key={type} className="flex items-center gap-2 text-sm">
                          <Checkbox
                            checked={checked}
                            aria-label={type}
                            onCheckedChange={(on) =>
                              field.onChange(
                                on === true
                                  ? [...(field.value ?? []), type]
                                  : (field.value ?? []).filter((t) => t !== type),
                              )
                            }
                          />
                          <span className="font-mono text-xs">{type}</span>
                          <span className="text-muted-foreground">{EVENT_LABELS[type]}</span>
                        </label>
                      );
                    })}
                  </fieldset>
                  <FormMessage />
                </FormItem>
              )}
            />
          </form>
        </Form>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" form="endpoint-form" disabled={pending}>
            {pending ? "Saving…" : editing ? "Save" : "Create endpoint"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
