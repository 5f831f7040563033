"use client";

import { useMutation } from "@tanstack/react-query";
import { CreditCard, LogIn, Minus, Plus, ShoppingBag, Trash2, UserRound } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useId, useMemo, useState } from "react";
import { toast } from "sonner";
import { CouponInput } from "@/components/checkout/coupon-input";
import { describeCheckoutError } from "@/components/checkout/describe-error";
import { QuoteSummary } from "@/components/checkout/quote-summary";
import type { CheckoutCart, RejectedCode } from "@/components/checkout/types";
import { useCouponQuote } from "@/components/checkout/use-coupon-quote";
import { useTRPC, useTRPCClient } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { formatMoney } from "@/components/ui/format-money";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { RadioGroup, RadioGroupItem } from "@/components/ui/radio-group";
import { Skeleton } from "@/components/ui/skeleton";
import { SHIPPING_METHODS, SHIPPING_OPTIONS, type ShippingMethod } from "@/server/domain/shipping";
import { cartActions, MAX_QUANTITY, useCart } from "./cart-store";
import { ProductTile } from "./product-tile";
import { placeOrderKey } from "./use-place-order-key";

export type ShopProduct = {
  id: string;
  name: string;
  unitPrice: number;
  currency: string;
  categoryId: string;
};

type Payment = "approve" | "decline" | "slow";
const PAYMENTS: Array<{ value: Payment; label: string; hint: string }> = [
  { value: "approve", label: "Approve", hint: "The bank accepts at once." },
  { value: "decline", label: "Decline", hint: "The bank refuses: the codes are released." },
  { value: "slow", label: "Slow", hint: "The bank takes its time: you answer for it, while the codes are held." },
];

export const CART_PATH = "/cart";
const SIGN_IN_HREF = `/sign-in?callbackUrl=${encodeURIComponent(CART_PATH)}`;

/** The cart page: lines, shipping, promotion codes with a live quote, the simulated payment and "Place order". */
export function CartView({
  products,
  signedIn,
  guest,
}: {
  products: ShopProduct[];
  signedIn: boolean;
  /** The browser has a guest checkout id already (POST /api/guest). */
  guest: boolean;
}) {
  const cart = useCart();
  const router = useRouter();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const [payment, setPayment] = useState<Payment>("approve");
  const [placeError, setPlaceError] = useState<{ message: string; rejected: RejectedCode[] } | null>(null);
  const [status, setStatus] = useState("");
  const [isGuest, setIsGuest] = useState(guest);
  const [startingGuest, setStartingGuest] = useState(false);
  const canPlace = signedIn || isGuest;
  const shippingGroupId = useId();
  const paymentGroupId = useId();

  const byId = useMemo(() => new Map(products.map((p) => [p.id, p])), [products]);
  const lines = cart.lines
    .map((line) => ({ line, product: byId.get(line.productId) }))
    .filter((x): x is { line: (typeof cart.lines)[number]; product: ShopProduct } => x.product !== undefined)
    .map(({ line, product }) => ({ ...product, productId: product.id, quantity: line.quantity }));
  const currency = lines[0]?.currency ?? "USD";
  const shipping = SHIPPING_OPTIONS[cart.shippingMethod];

  // The quote's query key hashes the cart by value, so a new object with the same content asks nothing new.
  const checkoutCart: CheckoutCart | null =
    lines.length === 0
      ? null
      : {
          currency,
          items: lines.map((l) => ({
            productId: l.productId,
            categoryIds: [l.categoryId],
            unitPrice: l.unitPrice,
            quantity: l.quantity,
          })),
          shipping: shipping.amount,
        };
  const { quote, checking, error, refresh } = useCouponQuote({ client, cart: checkoutCart, codes: cart.codes });
  const appliedCodes = quote?.applied.map((a) => a.code) ?? [];

  const place = useMutation(trpc.orders.place.mutationOptions());
  const pay = useMutation(trpc.orders.pay.mutationOptions());
  const busy = place.isPending || pay.isPending;

  async function continueAsGuest() {
    setStartingGuest(true);
    setPlaceError(null);
    try {
      const response = await fetch("/api/guest", { method: "POST" });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        throw new Error(body?.error?.message ?? "Could not start a guest checkout; try again.");
      }
      setIsGuest(true);
      setStatus("Checking out as a guest.");
      router.refresh();
    } catch (caught) {
      const message = caught instanceof Error ? caught.message : "Could not start a guest checkout; try again.";
      setPlaceError({ message, rejected: [] });
      setStatus(message);
    } finally {
      setStartingGuest(false);
    }
  }

  async function placeOrder() {
    if (busy || !checkoutCart) return;
    setPlaceError(null);
    const input = {
      items: lines.map((l) => ({ productId: l.productId, quantity: l.quantity })),
      shippingMethod: cart.shippingMethod,
      codes: appliedCodes,
    };
    const idempotencyKey = placeOrderKey.for(input);
    try {
      setStatus("Placing your order…");
      const order = await place.mutateAsync({ ...input, idempotencyKey });
      if (payment === "slow") {
        placeOrderKey.settle();
        router.push(`/orders/${order.id}`);
        return;
      }
      setStatus(payment === "approve" ? "Paying…" : "Waiting for the bank…");
      const paid = await pay.mutateAsync({ orderId: order.id, outcome: payment });
      placeOrderKey.settle();
      if (paid.state === "paid") {
        cartActions.clear();
        router.push(`/orders/${order.id}`);
        return;
      }
      const message =
        order.codes.length > 0
          ? "The payment was declined. Nothing was charged, and your codes were released: they can be used again."
          : "The payment was declined. Nothing was charged.";
      setStatus(message);
      setPlaceError({ message, rejected: [] });
      toast.error("Payment declined", { description: "Nothing was charged." });
      void refresh();
    } catch (caught) {
      const described = describeCheckoutError(caught);
      if (described.rejected.length > 0 || described.reason) placeOrderKey.settle();
      setStatus(`Your order was not placed. ${described.message}`);
      setPlaceError({ message: described.message, rejected: described.rejected });
      void refresh();
    }
  }

  if (!cart.ready) {
    return (
      <div className="grid gap-6 lg:grid-cols-[1fr_380px]" aria-busy>
        <Skeleton className="h-64" />
        <Skeleton className="h-96" />
      </div>
    );
  }

  if (lines.length === 0) {
    return (
      <Card className="mx-auto max-w-lg text-center">
        <ShoppingBag className="text-muted-foreground mx-auto size-10" aria-hidden />
        <h1 className="mt-3 text-xl font-semibold">Your cart is empty</h1>
        <p className="text-muted-foreground mt-1 text-sm">Add a few things from the store, then try a code.</p>
        <Button asChild className="mt-5">
          <Link href="/">Go to the store</Link>
        </Button>
      </Card>
    );
  }

  return (
    <div className="grid items-start gap-6 lg:grid-cols-[1fr_380px]">
      <div className="space-y-6">
        <h1 className="text-2xl font-bold tracking-tight">Your cart</h1>
        <Card className="p-0">
          <ul aria-label="Cart lines" className="divide-y">
            {lines.map((line) => (
              <li key={line.productId} className="flex flex-wrap items-center gap-4 p-4" data-testid="cart-line">
                <ProductTile name={line.name} categoryId={line.categoryId} className="h-14 w-14 text-base" />
                <div className="min-w-40 flex-1">
                  <p className="font-medium">{line.name}</p>
                  <p className="text-muted-foreground text-sm">{formatMoney(line.unitPrice, line.currency)} each</p>
                </div>
                <QuantityStepper
                  name={line.name}
                  quantity={line.quantity}
                  onChange={(q) => cartActions.setQuantity(line.productId, q)}
                />
                <p className="w-24 text-right font-medium tabular-nums">
                  {formatMoney(line.unitPrice * line.quantity, line.currency)}
                </p>
                <Button
                  variant="ghost"
                  size="icon-sm"
                  aria-label={`Remove ${line.name}`}
                  onClick={() => cartActions.remove(line.productId)}
                >
                  <Trash2 aria-hidden />
                </Button>
              </li>
            ))}
          </ul>
        </Card>

        <Card>
          <fieldset>
            <legend id={shippingGroupId} className="mb-3 font-semibold">
              Shipping
            </legend>
            <RadioGroup
              aria-labelledby={shippingGroupId}
              value={cart.shippingMethod}
              onValueChange={(v) => cartActions.setShippingMethod(v as ShippingMethod)}
              className="sm:grid-cols-2"
            >
              {SHIPPING_METHODS.map((method) => {
                const option = SHIPPING_OPTIONS[method];
                return (
                  <Label
                    key={method}
                    htmlFor={`shipping-${method}`}
                    className="has-[[data-state=checked]]:border-primary has-[[data-state=checked]]:bg-primary/5 flex cursor-pointer items-start gap-3 rounded-lg border p-3 font-normal"
                  >
                    <RadioGroupItem id={`shipping-${method}`} value={method} className="mt-0.5" />
                    <span className="flex-1">
                      <span className="block font-medium">
                        {option.label} · {formatMoney(option.amount, currency)}
                      </span>
                      <span className="block text-xs text-slate-600">{option.eta}</span>
                    </span>
                  </Label>
                );
              })}
            </RadioGroup>
          </fieldset>
        </Card>

        <Card>
          <fieldset>
            <legend id={paymentGroupId} className="mb-1 font-semibold">
              Payment (simulated)
            </legend>
            <p className="text-muted-foreground mb-3 text-sm">Choose what the bank will answer.</p>
            <RadioGroup
              aria-labelledby={paymentGroupId}
              value={payment}
              onValueChange={(v) => setPayment(v as Payment)}
              className="sm:grid-cols-3"
            >
              {PAYMENTS.map((p) => (
                <Label
                  key={p.value}
                  htmlFor={`payment-${p.value}`}
                  className="has-[[data-state=checked]]:border-primary has-[[data-state=checked]]:bg-primary/5 flex cursor-pointer items-start gap-3 rounded-lg border p-3 font-normal"
                >
                  <RadioGroupItem id={`payment-${p.value}`} value={p.value} className="mt-0.5" />
                  <span className="flex-1">
                    <span className="block font-medium">{p.label}</span>
                    <span className="block text-xs leading-snug text-slate-600">{p.hint}</span>
                  </span>
                </Label>
              ))}
            </RadioGroup>
          </fieldset>
        </Card>
      </div>

      <Card className="lg:sticky lg:top-6">
        <CardHeader>
          <CardTitle>Order summary</CardTitle>
          {!signedIn && (
            <CardDescription>
              {isGuest ? "Checking out as a guest." : "Shopping as a guest."} Some codes are for members only;{" "}
              <Link href={SIGN_IN_HREF} className="text-primary font-medium underline underline-offset-2">
                sign in
              </Link>{" "}
              to use them{isGuest ? "." : ", or continue as a guest to place the order."}
            </CardDescription>
          )}
        </CardHeader>
        <CardContent className="space-y-5">
          <CouponInput
            codes={cart.codes}
            onCodesChange={(codes) => {
              setPlaceError(null);
              cartActions.setCodes(codes);
            }}
            quote={quote}
            checking={checking}
            error={error}
            signInHref={SIGN_IN_HREF}
          />
          <QuoteSummary
            lines={lines}
            quote={quote}
            currency={currency}
            shipping={shipping.amount}
            shippingLabel={shipping.label}
            stale={checking}
          />
          {placeError && (
            <div role="alert" className="border-destructive/30 bg-destructive/5 rounded-lg border p-3 text-sm">
              <p className="font-medium text-red-700">
                {placeError.rejected.length > 0 ? "Your order was not placed:" : placeError.message}
              </p>
              {placeError.rejected.length > 0 && (
                <ul className="mt-1 list-disc pl-5">
                  {placeError.rejected.map((r) => (
                    <li key={r.code}>
                      <span className="font-mono">{r.code}</span>: {r.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          {canPlace ? (
            <Button
              size="lg"
              className="w-full"
              onClick={placeOrder}
              disabled={busy || checking}
              aria-describedby="place-order-note"
            >
              <CreditCard aria-hidden />
              {busy ? "Placing order…" : `Place order · ${formatMoney(quote?.total ?? 0, currency)}`}
            </Button>
          ) : (
            <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-1">
              <Button size="lg" asChild>
                <Link href={SIGN_IN_HREF}>
                  <LogIn aria-hidden /> Sign in to place your order
                </Link>
              </Button>
              <Button size="lg" variant="outline" onClick={continueAsGuest} disabled={startingGuest}>
                <UserRound aria-hidden /> {startingGuest ? "Starting…" : "Continue as guest"}
              </Button>
            </div>
          )}
          <p id="place-order-note" className="text-muted-foreground text-xs">
            Codes that are not applied are left out of the order. Placing the order holds the applied codes while the
            bank answers.
          </p>
          <div role="status" aria-live="polite" className="sr-only">
            {status}
          </div>
        </CardContent>
      </Card>
    </div>
  );
}

function QuantityStepper({
  name,
  quantity,
  onChange,
}: {
  name: string;
  quantity: number;
  onChange: (quantity: number) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-center gap-1" role="group" aria-label={`Quantity of ${name}`}>
      <Button variant="outline" size="icon-sm" aria-label={`One less ${name}`} onClick={() => onChange(quantity - 1)}>
        <Minus aria-hidden />
      </Button>
      <label htmlFor={id} className="sr-only">
        Quantity of {name}
      </label>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        max={MAX_QUANTITY}
        value={quantity}
        onChange={(e) => {
          const next = Number.parseInt(e.target.value, 10);
          if (Number.isInteger(next) && next >= 1) onChange(Math.min(MAX_QUANTITY, next));
        }}
        className="h-8 w-14 [appearance:textfield] text-center tabular-nums [&::-webkit-inner-spin-button]:appearance-none"
      />
      <Button
        variant="outline"
        size="icon-sm"
        aria-label={`One more ${name}`}
        disabled={quantity >= MAX_QUANTITY}
        onClick={() => onChange(quantity + 1)}
      >
        <Plus aria-hidden />
      </Button>
    </div>
  );
}
