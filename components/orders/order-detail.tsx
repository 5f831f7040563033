"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, CircleX, Clock, Loader2, RotateCcw } from "lucide-react";
import Link from "next/link";
import { useEffect, useState } from "react";
import { describeCheckoutError } from "@/components/checkout/describe-error";
import { QuoteSummary } from "@/components/checkout/quote-summary";
import { useTRPC } from "@/components/providers/trpc-provider";
import { cartActions } from "@/components/shop/cart-store";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { SHIPPING_OPTIONS } from "@/server/domain/shipping";
import { OrderStateBadge } from "./order-state-badge";

function useSecondsLeft(until: string | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!until) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return null;
  return Math.max(0, Math.ceil((new Date(until).getTime() - now) / 1000));
}

function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

/** One order: the bank's answer while it is pending (slow payment), else its outcome and breakdown. */
export function OrderDetail({ orderId }: { orderId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const order = useQuery(trpc.orders.get.queryOptions({ orderId }));
  const [problem, setProblem] = useState<{ message: string; expired: boolean } | null>(null);
  const [status, setStatus] = useState("");
  const secondsLeft = useSecondsLeft(order.data?.state === "pending" ? order.data.lockExpiresAt : null);

  const refresh = (data?: unknown) => {
    if (data) queryClient.setQueryData(trpc.orders.get.queryKey({ orderId }), data as typeof order.data);
    void queryClient.invalidateQueries({ queryKey: trpc.orders.list.queryKey() });
  };
  const pay = useMutation(
    trpc.orders.pay.mutationOptions({
      onSuccess: (data) => {
        refresh(data);
        setProblem(null);
        if (data.state === "paid") cartActions.clear();
        setStatus(data.state === "paid" ? "Payment approved. Your order is paid." : "The payment was declined.");
      },
      onError: (error) => {
        const described = describeCheckoutError(error);
        setProblem({ message: described.message, expired: described.reason === "EXPIRED" });
        setStatus(described.message);
        void order.refetch();
      },
    }),
  );
  const holdAgain = useMutation(
    trpc.orders.holdAgain.mutationOptions({
      onSuccess: (data) => {
        refresh(data);
        setProblem(null);
        setStatus("Your codes are held again. You can retry the payment.");
      },
      onError: (error) => {
        setProblem({ message: describeCheckoutError(error).message, expired: false });
        setStatus(describeCheckoutError(error).message);
        void order.refetch();
      },
    }),
  );
  const expiredNow = secondsLeft === 0;

  if (order.isPending) return <Skeleton className="h-96" />;
  if (order.isError)
    return (
      <Card role="alert" className="mx-auto max-w-lg">
        <p className="font-medium">{order.error.message}</p>
        <Button asChild variant="outline" className="mt-4">
          <Link href="/orders">Your orders</Link>
        </Button>
      </Card>
    );

  const o = order.data;
  const shippingLabel = SHIPPING_OPTIONS[o.shippingMethod]?.label ?? o.shippingMethod;
  const busy = pay.isPending || holdAgain.isPending;
  const holdEnded = o.state === "pending" && (expiredNow || problem?.expired === true);

  return (
    <div className="mx-auto grid max-w-4xl items-start gap-6 md:grid-cols-[1fr_340px]">
      <div className="space-y-6">
        {o.state === "paid" && (
          <Card className="border-success/40" data-testid="order-confirmation">
            <div className="flex items-start gap-3">
              <CircleCheck className="mt-0.5 size-7 shrink-0 text-emerald-700" aria-hidden />
              <div>
                <h1 className="text-2xl font-bold tracking-tight">Thank you, your order is paid</h1>
                <p className="text-muted-foreground mt-1 text-sm">
                  Order <span className="font-mono">{o.id.slice(0, 8)}</span>
                  {o.codes.length > 0 && (
                    <>
                      {" "}
                      · codes redeemed: <span className="font-mono">{o.codes.join(", ")}</span>
                    </>
                  )}
                </p>
              </div>
            </div>
          </Card>
        )}
        {o.state === "failed" && (
          <Card className="border-destructive/40" data-testid="order-failed">
            <div className="flex items-start gap-3">
              <CircleX className="mt-0.5 size-7 shrink-0 text-red-700" aria-hidden />
              <div>
                <h1 className="text-2xl font-bold tracking-tight">This order was not paid</h1>
                <p className="mt-1 text-sm">{o.failureReason ?? "The payment failed."}</p>
                <p className="text-muted-foreground mt-1 text-sm">
                  Nothing was charged{o.codes.length > 0 ? " and the codes were released" : ""}.
                </p>
                <Button asChild className="mt-4">
                  <Link href="/cart">Back to your cart</Link>
                </Button>
              </div>
            </div>
          </Card>
        )}
        {o.state === "pending" && (
          <Card data-testid="payment-pending">
            <CardHeader>
              <CardTitle className="flex items-center gap-2 text-xl">
                <Clock className="size-5" aria-hidden /> Waiting for the bank
              </CardTitle>
              <CardDescription>
                A slow payment: answer for the bank below.
                {o.codes.length > 0 && " Your codes are held for this order until then."}
              </CardDescription>
            </CardHeader>
            <CardContent className="space-y-4">
              {secondsLeft !== null && !holdEnded && (
                <p className="text-sm">
                  Codes held for{" "}
                  <span
                    role="timer"
                    aria-live="off"
                    className="font-mono text-lg font-semibold"
                    data-testid="hold-timer"
                  >
                    {formatDuration(secondsLeft)}
                  </span>
                </p>
              )}
              {holdEnded && (
                <div role="alert" className="border-warning/40 bg-warning/10 rounded-lg border p-3 text-sm">
                  The hold on your codes has ended before the bank answered, so they may have gone to another shopper.
                  Hold them again to retry the payment.
                </div>
              )}
              {problem && !problem.expired && (
                <p role="alert" className="text-sm text-red-700">
                  {problem.message}
                </p>
              )}
              <div className="flex flex-wrap gap-3">
                {holdEnded ? (
                  <Button onClick={() => holdAgain.mutate({ orderId: o.id })} disabled={busy}>
                    {holdAgain.isPending ? <Loader2 className="animate-spin" aria-hidden /> : <RotateCcw aria-hidden />}
                    Hold codes again
                  </Button>
                ) : (
                  <>
                    <Button onClick={() => pay.mutate({ orderId: o.id, outcome: "approve" })} disabled={busy}>
                      {pay.isPending && pay.variables?.outcome === "approve" && (
                        <Loader2 className="animate-spin" aria-hidden />
                      )}
                      Bank approves
                    </Button>
                    <Button
                      variant="outline"
                      onClick={() => pay.mutate({ orderId: o.id, outcome: "decline" })}
                      disabled={busy}
                    >
                      Bank declines
                    </Button>
                  </>
                )}
              </div>
            </CardContent>
          </Card>
        )}
        <p className="text-sm">
          <Link href="/orders" className="text-primary underline underline-offset-2">
            All your orders
          </Link>
          {" · "}
          <Link href="/" className="text-primary underline underline-offset-2">
            Continue shopping
          </Link>
        </p>
      </div>

      <Card>
        <CardHeader>
          <CardTitle className="flex items-center justify-between gap-2">
            Order summary <OrderStateBadge state={o.state} />
          </CardTitle>
          <CardDescription>{new Date(o.createdAt).toLocaleString("en-US")}</CardDescription>
        </CardHeader>
        <CardContent>
          <QuoteSummary
            lines={o.items}
            quote={o.quote}
            currency={o.currency}
            shipping={o.shipping}
            shippingLabel={shippingLabel}
          />
          {o.channel && (
            <p className="text-muted-foreground mt-3 text-xs">
              Channel <Badge variant="outline">{o.channel}</Badge>
            </p>
          )}
        </CardContent>
      </Card>
      <div role="status" aria-live="polite" className="sr-only">
        {status}
      </div>
    </div>
  );
}
