"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { TRPCClientError } from "@trpc/client";
import { CircleCheck, CircleDashed, Lock } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch, type FieldPath } from "react-hook-form";
import { toast } from "sonner";
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
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { Form, FormControl, FormDescription, FormField, FormItem, FormLabel, FormMessage } from "@/components/ui/form";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Switch } from "@/components/ui/switch";
import { Textarea } from "@/components/ui/textarea";
import type { CreateCouponInput } from "@/server/domain/admin-inputs";
import {
  couponFormSchema,
  couponToFormValues,
  EMPTY_COUPON_FORM,
  type CouponFormValues,
} from "@/server/domain/coupon-form";
import { describeCouponRules } from "@/server/domain/describe-coupon";
import { CHANNELS } from "@/server/domain/schemas";
import { DiscountPreview } from "./discount-preview";

type EditedCoupon = Parameters<typeof couponToFormValues>[0] & { id: string; version: number };

const LIMIT_FIELDS = ["maxRedemptions", "maxRedemptionsPerUser", "budget"] as const;

/**
 * Create or edit a coupon. Fields are checked by the server's own schema as you go; the
 * preview runs the checkout's engine on a sample cart. Editing a coupon that has been used
 * asks before its limits change, and keeps its kind and currency.
 */
export function CouponForm({
  coupon,
  used = 0,
  defaultExpirationDays,
}: {
  coupon?: EditedCoupon;
  used?: number;
  defaultExpirationDays: number;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const editing = Boolean(coupon);
  const locked = editing && used > 0;
  const form = useForm<CouponFormValues, unknown, CreateCouponInput>({
    resolver: zodResolver(couponFormSchema),
    defaultValues: coupon ? couponToFormValues(coupon) : EMPTY_COUPON_FORM,
    mode: "onTouched",
  });
  const [confirming, setConfirming] = useState<CreateCouponInput | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  // One key per form and distinct payload: a double submit or a retry of the same values makes one coupon.
  const [formKey] = useState(() => crypto.randomUUID());

  const values = useWatch({ control: form.control }) as CouponFormValues;
  const parsed = couponFormSchema.safeParse(values);
  const kind = values.kind;

  const onServerError = (error: unknown) => {
    const fieldErrors =
      error instanceof TRPCClientError
        ? (error.data as { zodError?: { fieldErrors?: Record<string, string[]> } } | undefined)?.zodError?.fieldErrors
        : undefined;
    let placed = false;
    for (const [field, messages] of Object.entries(fieldErrors ?? {})) {
      if (field in EMPTY_COUPON_FORM && messages[0]) {
        form.setError(field as FieldPath<CouponFormValues>, { message: messages[0] });
        placed = true;
      }
    }
    const message = error instanceof Error ? error.message : "Could not save the coupon.";
    setFormError(placed ? "Some fields need a fix (see below)." : message);
    toast.error(placed ? "Some fields need a fix." : message);
  };

  const create = useMutation(
    trpc.admin.coupons.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.coupons.list.queryKey() });
        toast.success(`Coupon “${created.name}” created.`);
        router.push(`/admin/coupons/${created.id}`);
      },
      onError: onServerError,
    }),
  );
  const update = useMutation(
    trpc.admin.coupons.update.mutationOptions({
      onSuccess: async (saved) => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
        toast.success(`Saved. “${saved.name}” is now version ${saved.version}; checkout uses it at once.`);
        router.push(`/admin/coupons/${saved.id}`);
        router.refresh();
      },
      onError: onServerError,
    }),
  );
  const pending = create.isPending || update.isPending;

  const send = (input: CreateCouponInput) => {
    setFormError(null);
    const idempotencyKey = `${formKey}-${fingerprint(JSON.stringify(input))}`;
    const { lifecycleStatus, ...rest } = input;
    if (coupon) {
      // The date inputs hold minutes: an untouched date keeps its stored value (seconds included).
      const { dirtyFields } = form.formState;
      const validFrom = dirtyFields.validFrom ? rest.validFrom : coupon.validFrom;
      const validUntil = dirtyFields.validUntil || dirtyFields.neverExpires ? rest.validUntil : coupon.validUntil;
      update.mutate({ ...rest, validFrom, validUntil, id: coupon.id, expectedVersion: coupon.version, idempotencyKey });
    } else create.mutate({ ...rest, status: lifecycleStatus, idempotencyKey });
  };

  const onSubmit = (input: CreateCouponInput) => {
    const limitsChanged = coupon && LIMIT_FIELDS.some((field) => (input[field] ?? null) !== (coupon[field] ?? null));
    if (locked && limitsChanged) setConfirming(input);
    else send(input);
  };

  return (
    <Form {...form}>
      <form onSubmit={form.handleSubmit(onSubmit)} noValidate className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-6">
          {formError && (
            <p role="alert" className="border-destructive/30 bg-destructive/5 rounded-md border px-4 py-3 text-sm">
              {formError}
            </p>
          )}
          <Card>
            <CardHeader>
              <CardTitle>Details</CardTitle>
            </CardHeader>
            <div className="grid gap-4">
              <TextField name="name" label="Name" placeholder="Summer sale 20 %" />
              <FormField
                control={form.control}
                name="description"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Description</FormLabel>
                    <FormControl>
                      <Textarea rows={2} {...field} />
                    </FormControl>
                    <FormDescription>Shown to admins; say what the promotion is for.</FormDescription>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <FormField
                control={form.control}
                name="internalNotes"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Internal notes</FormLabel>
                    <FormControl>
                      <Textarea rows={2} {...field} />
                    </FormControl>
                    <FormMessage />
                  </FormItem>
                )}
              />
              {!editing && (
                <FormField
                  control={form.control}
                  name="status"
                  render={({ field }) => (
                    <FormItem className="flex items-center gap-3">
                      <FormControl>
                        <Switch
                          checked={field.value === "DRAFT"}
                          onCheckedChange={(on) => field.onChange(on ? "DRAFT" : "ACTIVE")}
                        />
                      </FormControl>
                      <FormLabel className="font-normal">Save as a draft (not redeemable until activated)</FormLabel>
                    </FormItem>
                  )}
                />
              )}
            </div>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Value</CardTitle>
              {locked && (
                <CardDescription className="flex items-center gap-1.5">
                  <Lock className="size-3.5" /> This coupon has been used: its kind and currency stay as they are.
                </CardDescription>
              )}
            </CardHeader>
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField
                control={form.control}
                name="kind"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Kind</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange} disabled={locked}>
                      <FormControl>
                        <SelectTrigger className="w-full">
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        <SelectItem value="PERCENT">Percentage off</SelectItem>
                        <SelectItem value="FIXED">Fixed amount off</SelectItem>
                        <SelectItem value="FREE_SHIPPING">Free shipping</SelectItem>
                      </SelectContent>
                    </Select>
                    <FormMessage />
                  </FormItem>
                )}
              />
              {kind !== "FREE_SHIPPING" && (
                <TextField
                  name="value"
                  label={kind === "PERCENT" ? "Percentage (%)" : "Amount"}
                  placeholder={kind === "PERCENT" ? "12.5" : "10.00"}
                  inputMode="decimal"
                  description={kind === "PERCENT" ? "0.01 to 100, two decimals at most." : undefined}
                />
              )}
              <TextField
                name="currency"
                label="Currency"
                placeholder="USD"
                disabled={locked}
                description="Needed for a fixed amount, a cap, a minimum or a budget."
              />
              {kind === "PERCENT" && (
                <TextField name="maxDiscount" label="Maximum discount" placeholder="no cap" inputMode="decimal" />
              )}
              <TextField
                name="minOrderAmount"
                label="Minimum eligible subtotal"
                placeholder="none"
                inputMode="decimal"
              />
            </div>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>When</CardTitle>
              <CardDescription>Times are in your browser&apos;s time zone.</CardDescription>
            </CardHeader>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField name="validFrom" label="Starts" type="datetime-local" description="Empty: at once." />
              <TextField
                name="validUntil"
                label="Ends"
                type="datetime-local"
                disabled={values.neverExpires}
                description={editing ? "Empty: keeps the current end." : `Empty: after ${defaultExpirationDays} days.`}
              />
              <FormField
                control={form.control}
                name="neverExpires"
                render={({ field }) => (
                  <FormItem className="flex items-center gap-2 sm:col-span-2">
                    <FormControl>
                      <Checkbox checked={field.value} onCheckedChange={(v) => field.onChange(v === true)} />
                    </FormControl>
                    <FormLabel className="font-normal">Never expires</FormLabel>
                  </FormItem>
                )}
              />
            </div>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Limits</CardTitle>
              <CardDescription>Leave a limit empty for none.</CardDescription>
            </CardHeader>
            <div className="grid gap-4 sm:grid-cols-3">
              <TextField name="maxRedemptions" label="Total uses" placeholder="no limit" inputMode="numeric" />
              <TextField
                name="maxRedemptionsPerUser"
                label="Uses per customer"
                placeholder="no limit"
                inputMode="numeric"
              />
              <TextField name="budget" label="Discount budget" placeholder="no budget" inputMode="decimal" />
            </div>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Who and what</CardTitle>
              <CardDescription>Empty targeting means the whole cart, everyone, every channel.</CardDescription>
            </CardHeader>
            <div className="grid gap-4 sm:grid-cols-2">
              <TextField name="productIds" label="Product ids" placeholder="espresso-beans, sencha" />
              <TextField name="categoryIds" label="Category ids" placeholder="coffee, tea" />
              <TextField name="allowedEmailDomains" label="Email domains" placeholder="acme.test" />
              <FormField
                control={form.control}
                name="channels"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel asChild>
                      <span>Channels</span>
                    </FormLabel>
                    <div className="flex flex-wrap gap-4 pt-1">
                      {CHANNELS.map((channel) => (
                        <label key={channel} className="flex items-center gap-2 text-sm">
                          <Checkbox
                            checked={field.value.includes(channel)}
                            onCheckedChange={(on) =>
                              field.onChange(
                                on ? [...field.value, channel] : field.value.filter((c: string) => c !== channel),
                              )
                            }
                          />
                          {channel}
                        </label>
                      ))}
                    </div>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <SwitchField name="firstOrderOnly" label="First order only" />
            </div>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Stacking and voids</CardTitle>
            </CardHeader>
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField
                control={form.control}
                name="stacking"
                render={({ field }) => (
                  <FormItem>
                    <FormLabel>Stacking</FormLabel>
                    <Select value={field.value} onValueChange={field.onChange}>
                      <FormControl>
                        <SelectTrigger className="w-full">
                          <SelectValue />
                        </SelectTrigger>
                      </FormControl>
                      <SelectContent>
                        <SelectItem value="STACKABLE">Stacks with other codes</SelectItem>
                        <SelectItem value="EXCLUSIVE">Exclusive (only alone)</SelectItem>
                      </SelectContent>
                    </Select>
                    <FormMessage />
                  </FormItem>
                )}
              />
              <TextField name="priority" label="Priority" inputMode="numeric" description="Higher applies first." />
              <SwitchField name="voidRestoresUses" label="A voided redemption gives its use back" />
            </div>
          </Card>
        </div>

        <div className="space-y-6 lg:sticky lg:top-4 lg:self-start">
          <DiscountPreview input={parsed.success ? parsed.data : null} />
          <Card>
            <CardHeader>
              <CardTitle>Summary</CardTitle>
            </CardHeader>
            <Checklist values={values} valid={parsed.success} />
            {parsed.success && (
              <ul className="text-muted-foreground mt-4 list-disc space-y-1 pl-4 text-sm" data-testid="rules-summary">
                {describeCouponRules({
                  ...parsed.data,
                  value: parsed.data.value ?? null,
                  currency: parsed.data.currency ?? null,
                  maxDiscount: parsed.data.maxDiscount ?? null,
                  minOrderAmount: parsed.data.minOrderAmount ?? null,
                  validFrom: parsed.data.validFrom ?? null,
                  validUntil: parsed.data.validUntil ?? null,
                  maxRedemptions: parsed.data.maxRedemptions ?? null,
                  maxRedemptionsPerUser: parsed.data.maxRedemptionsPerUser ?? null,
                  budget: parsed.data.budget ?? null,
                }).map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </Card>
          <div className="flex gap-2">
            <Button type="submit" disabled={pending} className="flex-1">
              {pending ? "Saving…" : editing ? "Save changes" : "Create coupon"}
            </Button>
            <Button type="button" variant="outline" onClick={() => router.back()}>
              Cancel
            </Button>
          </div>
        </div>
      </form>

      <AlertDialog open={confirming !== null} onOpenChange={(open) => !open && setConfirming(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>Change the limits of a coupon in use?</AlertDialogTitle>
            <AlertDialogDescription>
              This coupon has been used {used.toLocaleString("en-US")} times. New limits apply to the next checkout at
              once; uses already made stay.
            </AlertDialogDescription>
          </AlertDialogHeader>
          <AlertDialogFooter>
            <AlertDialogCancel>Keep editing</AlertDialogCancel>
            <AlertDialogAction
              onClick={() => {
                if (confirming) send(confirming);
                setConfirming(null);
              }}
            >
              Change the limits
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </Form>
  );
}

function TextField({
  name,
  label,
  description,
  ...props
}: { name: FieldPath<CouponFormValues>; label: string; description?: string } & Omit<
  React.ComponentProps<typeof Input>,
  "name"
>) {
  return (
    <FormField
      name={name}
      render={({ field }) => (
        <FormItem>
          <FormLabel>{label}</FormLabel>
          <FormControl>
            <Input {...props} {...field} value={field.value as string} />
          </FormControl>
          {description && <FormDescription>{description}</FormDescription>}
          <FormMessage />
        </FormItem>
      )}
    />
  );
}

function SwitchField({ name, label }: { name: "firstOrderOnly" | "voidRestoresUses"; label: string }) {
  return (
    <FormField
      name={name}
      render={({ field }) => (
        <FormItem className="flex items-center gap-3">
          <FormControl>
            <Switch checked={field.value as boolean} onCheckedChange={field.onChange} />
          </FormControl>
          <FormLabel className="font-normal">{label}</FormLabel>
        </FormItem>
      )}
    />
  );
}

/** What must be set for the coupon to work, before Save. */
function Checklist({ values, valid }: { values: CouponFormValues; valid: boolean }) {
  const items = [
    { done: values.name.trim() !== "", label: "A name" },
    { done: values.kind === "FREE_SHIPPING" || values.value.trim() !== "", label: "A value" },
    {
      done:
        !(values.kind === "FIXED" || values.budget || values.maxDiscount || values.minOrderAmount) ||
        values.currency !== "",
      label: "A currency for its amounts",
    },
    { done: valid, label: "Every field valid" },
    { done: values.status !== "DRAFT", label: "Live when saved (or activate the draft later)" },
  ];
  return (
    <ul className="space-y-1.5 text-sm" aria-label="Checklist">
      {items.map((item) => (
        <li key={item.label} className="flex items-center gap-2">
          {item.done ? (
            <CircleCheck className="text-success size-4" aria-label="done" />
          ) : (
            <CircleDashed className="text-muted-foreground size-4" aria-label="to do" />
          )}
          <span className={item.done ? undefined : "text-muted-foreground"}>{item.label}</span>
        </li>
      ))}
      <li className="text-muted-foreground pt-1 text-xs">Add its codes on the coupon&apos;s page after saving.</li>
    </ul>
  );
}

/** 64 bits of FNV-1a over the text (two seeds): tells payloads apart for the idempotency key. */
function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i += 1) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(i), 0x811c9dc5);
  }
  return `${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}`;
}
