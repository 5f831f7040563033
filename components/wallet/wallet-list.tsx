"use client";

import { useQuery } from "@tanstack/react-query";
import { Check, Copy, Ticket } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import { cartActions, useCart } from "@/components/shop/cart-store";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { describeCouponValue } from "./describe-coupon-value";

const STATE = {
  ASSIGNED: { label: "Ready to use", variant: "success" },
  AVAILABLE: { label: "Ready to use", variant: "success" },
  LOCKED: { label: "Held by a checkout", variant: "warning" },
  REDEEMED: { label: "Used", variant: "secondary" },
  DISABLED: { label: "No longer active", variant: "destructive" },
} as const;

/** The shopper's assigned codes (wallet.list), each with a copy button and "Apply to cart". */
export function WalletList() {
  const trpc = useTRPC();
  const router = useRouter();
  const cart = useCart();
  const wallet = useQuery(trpc.wallet.list.queryOptions());
  const [copied, setCopied] = useState<string | null>(null);

  if (wallet.isPending) return <Skeleton className="h-40" />;
  if (wallet.isError)
    return (
      <p role="alert" className="text-destructive">
        {wallet.error.message}
      </p>
    );
  if (wallet.data.length === 0)
    return (
      <Card className="text-center">
        <Ticket className="text-muted-foreground mx-auto size-10" aria-hidden />
        <p className="mt-3 font-medium">Your wallet is empty</p>
        <p className="text-muted-foreground text-sm">Codes given to you, or claimed from a book, will show here.</p>
      </Card>
    );

  return (
    <ul className="grid gap-4 sm:grid-cols-2" aria-label="Your codes">
      {wallet.data.map((entry) => {
        const usable = entry.state === "ASSIGNED" || entry.state === "AVAILABLE";
        const inCart = cart.codes.includes(entry.code);
        const validUntil = entry.coupon.validUntil ? new Date(entry.coupon.validUntil) : null;
        return (
          <li key={entry.id} data-testid="wallet-code" data-state={entry.state}>
            <Card className="flex h-full flex-col gap-3">
              <div className="flex items-start justify-between gap-3">
                <div>
                  <p className="font-semibold">{entry.coupon.name}</p>
                  <p className="text-muted-foreground text-sm">{entry.coupon.description}</p>
                </div>
                <Badge variant={STATE[entry.state].variant}>{STATE[entry.state].label}</Badge>
              </div>
              <div className="flex items-center gap-2">
                <code className="bg-muted rounded-md px-2 py-1 font-mono text-sm font-semibold tracking-wide">
                  {entry.code}
                </code>
                <Button
                  variant="ghost"
                  size="icon-sm"
                  aria-label={`Copy code ${entry.code}`}
                  onClick={async () => {
                    await navigator.clipboard?.writeText(entry.code).catch(() => undefined);
                    setCopied(entry.code);
                    toast.success(`${entry.code} copied`);
                  }}
                >
                  {copied === entry.code ? <Check aria-hidden /> : <Copy aria-hidden />}
                </Button>
                <span className="ml-auto text-sm font-medium text-emerald-700">
                  {describeCouponValue(entry.coupon)}
                </span>
              </div>
              <p className="text-muted-foreground text-xs">
                {entry.usesLeft === null
                  ? "No per-code limit"
                  : `${entry.usesLeft} use${entry.usesLeft === 1 ? "" : "s"} left`}
                {validUntil && ` · valid until ${validUntil.toLocaleDateString("en-US", { dateStyle: "medium" })}`}
              </p>
              <div className="mt-auto">
                <Button
                  variant={usable ? "default" : "outline"}
                  disabled={!usable}
                  onClick={() => {
                    if (!inCart) cartActions.setCodes([...cart.codes, entry.code]);
                    toast.success(
                      inCart ? `${entry.code} is already in your cart` : `${entry.code} added to your cart`,
                    );
                    router.push("/cart");
                  }}
                >
                  {inCart ? "In your cart" : "Apply to cart"}
                </Button>
              </div>
            </Card>
          </li>
        );
      })}
    </ul>
  );
}
