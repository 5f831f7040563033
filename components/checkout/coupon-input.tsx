"use client";

import { CircleAlert, CircleCheck, Loader2, Tag, X } from "lucide-react";
import { useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/components/ui/cn";
import { formatMoney } from "@/components/ui/format-money";
import { normaliseCode } from "@/server/domain/code-format";
import type { CheckoutQuote } from "./types";

export type CouponInputProps = {
  /** The codes entered, in order (controlled: keep them wherever the cart lives). */
  codes: string[];
  onCodesChange: (codes: string[]) => void;
  /** The latest quote for these codes on the current cart (see useCouponQuote). */
  quote: CheckoutQuote | undefined;
  /** A quote for the current codes and cart is on its way. */
  checking: boolean;
  /** Why the last quote request failed (e.g. rate limited), in words. */
  error?: string | null;
  /** Where LOGIN_REQUIRED's "Sign in" link goes (it should come back to the cart). */
  signInHref?: string;
  /** Most codes one order takes (the server says TOO_MANY_CODES beyond it). */
  maxCodes?: number;
  className?: string;
};

type ChipState =
  | { kind: "applied"; amount: number; freeShipping: boolean }
  | { kind: "rejected"; reason: string; message: string }
  | { kind: "checking" };

function chipStateOf(code: string, quote: CheckoutQuote | undefined, checking: boolean): ChipState {
  const applied = quote?.applied.find((a) => a.code === code);
  const rejected = quote?.rejected.find((r) => normaliseCode(r.code) === code);
  if (checking && !applied && !rejected) return { kind: "checking" };
  if (applied) return { kind: "applied", amount: applied.amount, freeShipping: applied.kind === "FREE_SHIPPING" };
  if (rejected) return { kind: "rejected", reason: rejected.reason, message: rejected.message };
  return { kind: "checking" };
}

/**
 * Promotion codes for a checkout: several codes, applied with Enter or the button, one chip per
 * code with its state and, when refused, the reason in plain words; each chip can be removed.
 * Results and errors are announced to screen readers. Data comes in through props, so any
 * checkout on this API can use it with its own tRPC client (see useCouponQuote).
 */
export function CouponInput({
  codes,
  onCodesChange,
  quote,
  checking,
  error,
  signInHref,
  maxCodes = 5,
  className,
}: CouponInputProps) {
  const inputId = useId();
  const hintId = useId();
  const errorId = useId();
  const [draft, setDraft] = useState("");
  const [localError, setLocalError] = useState<string | null>(null);
  const [lastAction, setLastAction] = useState<{ kind: "added" | "removed"; code: string } | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const currency = quote?.currency ?? "USD";
  const applying = lastAction?.kind === "added" && checking;

  // What screen readers hear after an action: the fate of the code just entered, once its quote is in.
  let announcement = "";
  if (lastAction?.kind === "removed") announcement = `${lastAction.code} removed.`;
  else if (lastAction?.kind === "added") {
    const state = applying ? ({ kind: "checking" } as const) : chipStateOf(lastAction.code, quote, checking);
    announcement =
      state.kind === "applied"
        ? `${lastAction.code} applied: ${state.freeShipping ? "free shipping" : `${formatMoney(state.amount, currency)} off`}.`
        : state.kind === "rejected"
          ? `${lastAction.code} was not applied. ${state.message}`
          : `Applying ${lastAction.code}…`;
  }

  function apply(event: React.FormEvent) {
    event.preventDefault();
    const code = normaliseCode(draft);
    if (code.length === 0) return;
    if (codes.includes(code)) {
      setLocalError(`${code} is already applied.`);
      return;
    }
    if (codes.length >= maxCodes) {
      setLocalError(`At most ${maxCodes} codes per order. Remove one to add another.`);
      return;
    }
    setLocalError(null);
    setDraft("");
    setLastAction({ kind: "added", code });
    onCodesChange([...codes, code]);
  }

  function remove(code: string) {
    onCodesChange(codes.filter((c) => c !== code));
    setLastAction({ kind: "removed", code });
    inputRef.current?.focus();
  }

  const shownError = localError ?? error ?? null;

  return (
    <div className={cn("space-y-3", className)} data-testid="coupon-input">
      <form onSubmit={apply} className="space-y-1.5" noValidate>
        <Label htmlFor={inputId}>Promotion code</Label>
        <div className="flex gap-2">
          <Input
            id={inputId}
            ref={inputRef}
            value={draft}
            onChange={(e) => {
              setDraft(e.target.value);
              if (localError) setLocalError(null);
            }}
            placeholder="e.g. SUMMER20"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            maxLength={64}
            aria-invalid={localError ? true : undefined}
            aria-describedby={shownError ? `${hintId} ${errorId}` : hintId}
            className="font-mono uppercase placeholder:font-sans placeholder:normal-case"
          />
          <Button type="submit" variant="outline" disabled={draft.trim().length === 0 || applying}>
            {applying ? (
              <>
                <Loader2 className="animate-spin" aria-hidden /> Applying…
              </>
            ) : (
              "Apply"
            )}
          </Button>
        </div>
        <p id={hintId} className="text-muted-foreground text-xs">
          Up to {maxCodes} codes; press Enter or Apply.
        </p>
        {shownError && (
          <p id={errorId} role="alert" className="flex items-center gap-1.5 text-sm text-red-700">
            <CircleAlert className="size-4 shrink-0" aria-hidden />
            {shownError}
          </p>
        )}
      </form>

      {codes.length > 0 && (
        <ul aria-label="Codes entered" className="space-y-2">
          {codes.map((code) => {
            const state = chipStateOf(code, quote, checking);
            return (
              <li
                key={code}
                data-testid="coupon-chip"
                data-code={code}
                data-state={state.kind}
                className={cn(
                  "rounded-lg border px-3 py-2 text-sm",
                  state.kind === "applied" && "border-success/30 bg-success/5",
                  state.kind === "rejected" && "border-destructive/30 bg-destructive/5",
                  state.kind === "checking" && "bg-muted/40",
                )}
              >
                <div className="flex items-center gap-2">
                  {state.kind === "applied" && <CircleCheck className="size-4 shrink-0 text-emerald-700" aria-hidden />}
                  {state.kind === "rejected" && <CircleAlert className="size-4 shrink-0 text-red-700" aria-hidden />}
                  {state.kind === "checking" && (
                    <Loader2 className="text-muted-foreground size-4 shrink-0 animate-spin" aria-hidden />
                  )}
                  <Tag className="text-muted-foreground size-3.5 shrink-0" aria-hidden />
                  <span className="font-mono font-semibold">{code}</span>
                  <span className="ml-auto text-right">
                    {state.kind === "applied" &&
                      (state.freeShipping ? (
                        <span className="font-medium text-emerald-700">Free shipping</span>
                      ) : (
                        <span className="font-medium text-emerald-700">−{formatMoney(state.amount, currency)}</span>
                      ))}
                    {state.kind === "rejected" && <span className="font-medium text-red-700">Not applied</span>}
                    {state.kind === "checking" && <span className="text-muted-foreground">Checking…</span>}
                  </span>
                  <Button
                    type="button"
                    variant="ghost"
                    size="icon-sm"
                    className="-mr-1 size-7"
                    aria-label={`Remove code ${code}`}
                    onClick={() => remove(code)}
                  >
                    <X aria-hidden />
                  </Button>
                </div>
                {state.kind === "rejected" && (
                  <p className="mt-1 pl-6 text-xs text-red-700" data-testid="coupon-chip-message">
                    {state.message}
                    {state.reason === "LOGIN_REQUIRED" && signInHref && (
                      <>
                        {" "}
                        <a href={signInHref} className="font-semibold underline underline-offset-2">
                          Sign in
                        </a>{" "}
                        and you will come back to your cart.
                      </>
                    )}
                  </p>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <div role="status" aria-live="polite" className="sr-only" data-testid="coupon-announcer">
        {announcement}
      </div>
    </div>
  );
}
