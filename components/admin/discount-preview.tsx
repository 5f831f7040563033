"use client";

import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Card, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import type { CreateCouponInput } from "@/server/domain/admin-inputs";
import { formatAmount } from "@/server/domain/describe-coupon";
import { DEFAULT_MAX_CODES_PER_CART, quote, type Coupon } from "@/server/domain/quote";
import { REASON_MESSAGES } from "@/server/domain/reasons";
import type { Cart } from "@/server/domain/schemas";

// Sample carts from the demo catalog, priced in USD.
const SAMPLE_CARTS: Record<string, { label: string; cart: Cart; names: Record<string, string> }> = {
  coffee: {
    label: "Coffee order",
    cart: {
      currency: "USD",
      items: [
        { productId: "espresso-beans", categoryIds: ["coffee"], unitPrice: 2450, quantity: 2 },
        { productId: "sencha", categoryIds: ["tea"], unitPrice: 990, quantity: 1 },
      ],
      shipping: 495,
      channel: "web",
    },
    names: { "espresso-beans": "Espresso beans × 2", sencha: "Sencha" },
  },
  small: {
    label: "Small order",
    cart: {
      currency: "USD",
      items: [{ productId: "chai", categoryIds: ["tea"], unitPrice: 1199, quantity: 1 }],
      shipping: 495,
      channel: "web",
    },
    names: { chai: "Masala chai" },
  },
};

/** The discount the coupon being edited would give a sample cart, computed by the checkout's own engine. */
export function DiscountPreview({ input }: { input: CreateCouponInput | null }) {
  const [which, setWhich] = useState<keyof typeof SAMPLE_CARTS>("coffee");
  const sample = SAMPLE_CARTS[which]!;
  const result = input ? preview(input, sample.cart) : null;
  const money = (minor: number) => formatAmount(minor, sample.cart.currency);
  return (
    <Card data-testid="discount-preview">
      <CardHeader>
        <CardTitle>Preview</CardTitle>
        <CardDescription>What a new customer&apos;s cart would get now, on the web.</CardDescription>
      </CardHeader>
      <Tabs value={which} onValueChange={(v) => setWhich(v)}>
        <TabsList>
          {Object.entries(SAMPLE_CARTS).map(([key, s]) => (
            <TabsTrigger key={key} value={key}>
              {s.label}
            </TabsTrigger>
          ))}
        </TabsList>
        {/* One panel per tab (the triggers' aria-controls point at them); only the chosen one is mounted. */}
        {Object.keys(SAMPLE_CARTS).map((key) => (
          <TabsContent key={key} value={key}>
            {!result ? (
              <p className="text-muted-foreground mt-4 text-sm">Fill in the required fields to see the discount.</p>
            ) : (
              <dl className="mt-4 space-y-1.5 text-sm">
                {sample.cart.items.map((item) => {
                  const off = result.applied[0]?.lines.find((l) => l.productId === item.productId)?.amount ?? 0;
                  return (
                    <div key={item.productId} className="flex justify-between gap-2">
                      <dt className="text-muted-foreground">{sample.names[item.productId]}</dt>
                      <dd>
                        {off > 0 && <span className="text-success mr-2">−{money(off)}</span>}
                        {money(item.unitPrice * item.quantity)}
                      </dd>
                    </div>
                  );
                })}
                <div className="flex justify-between gap-2">
                  <dt className="text-muted-foreground">Shipping</dt>
                  <dd>
                    {result.shippingDiscount > 0 ? (
                      <>
                        <span className="text-muted-foreground mr-2 line-through">{money(result.shipping)}</span>Free
                      </>
                    ) : (
                      money(result.shipping)
                    )}
                  </dd>
                </div>
                <div className="flex justify-between gap-2 border-t pt-2 font-medium">
                  <dt>Discount</dt>
                  <dd data-testid="preview-discount">{money(result.discountTotal + result.shippingDiscount)}</dd>
                </div>
                <div className="flex justify-between gap-2 font-semibold">
                  <dt>Total</dt>
                  <dd data-testid="preview-total">{money(result.total)}</dd>
                </div>
                {result.rejected.map((r) => (
                  <p key={r.reason} className="pt-2" role="status">
                    <Badge variant="warning">{r.reason}</Badge>{" "}
                    <span className="text-muted-foreground">{REASON_MESSAGES[r.reason]}</span>
                  </p>
                ))}
              </dl>
            )}
          </TabsContent>
        ))}
      </Tabs>
    </Card>
  );
}

function preview(input: CreateCouponInput, cart: Cart) {
  const coupon = { ...input, id: "preview", status: "ACTIVE" } as Coupon;
  try {
    return quote(
      cart,
      [
        {
          code: "PREVIEW",
          codeId: "preview",
          coupon,
          codeInfo: { state: "AVAILABLE", assignedUserId: null, maxRedemptions: null },
        },
      ],
      { id: "preview-customer", email: "shopper@example.com", previousOrders: 0 },
      {},
      new Date(),
      { maxCodesPerCart: DEFAULT_MAX_CODES_PER_CART },
    );
  } catch {
    return null;
  }
}
