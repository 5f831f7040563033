import { cn } from "@/components/ui/cn";
import { formatMoney } from "@/components/ui/format-money";
import type { CheckoutQuote } from "./types";

export type SummaryLine = { productId: string; name: string; unitPrice: number; quantity: number };

/** What the quote took off each product, summed over the codes applied. */
export function discountByProduct(quote: CheckoutQuote | undefined): Map<string, number> {
  const byProduct = new Map<string, number>();
  for (const applied of quote?.applied ?? [])
    for (const line of applied.lines) byProduct.set(line.productId, (byProduct.get(line.productId) ?? 0) + line.amount);
  return byProduct;
}

/**
 * The order summary: each line with its own discount (original price struck through), a row per
 * applied code, shipping ("Free" when a code covers it) and the total.
 */
export function QuoteSummary({
  lines,
  quote,
  currency,
  shippingLabel,
  shipping,
  stale = false,
  className,
}: {
  lines: SummaryLine[];
  quote: CheckoutQuote | undefined;
  currency: string;
  shippingLabel: string;
  /** The cart's shipping amount, used while no quote is there yet. */
  shipping: number;
  /** A newer quote is on its way (amounts shown dimmed). */
  stale?: boolean;
  className?: string;
}) {
  const perProduct = discountByProduct(quote);
  const subtotal = quote?.subtotal ?? lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const shippingAmount = quote?.shipping ?? shipping;
  const shippingDiscount = quote?.shippingDiscount ?? 0;
  const total = quote?.total ?? subtotal + shippingAmount;
  const money = (minor: number) => formatMoney(minor, currency);

  return (
    <div
      className={cn("space-y-3 text-sm transition-opacity", stale && "opacity-60", className)}
      aria-busy={stale || undefined}
    >
      <ul className="space-y-2" aria-label="Lines">
        {lines.map((line) => {
          const gross = line.unitPrice * line.quantity;
          const off = perProduct.get(line.productId) ?? 0;
          return (
            <li key={line.productId} className="flex items-start justify-between gap-3" data-testid="summary-line">
              <span>
                {line.name} <span className="text-muted-foreground">× {line.quantity}</span>
              </span>
              <span className="text-right tabular-nums">
                {off > 0 ? (
                  <>
                    <s className="text-muted-foreground mr-1.5" aria-label={`was ${money(gross)}`}>
                      {money(gross)}
                    </s>
                    <span>{money(gross - off)}</span>
                    <span className="block text-xs text-emerald-700" data-testid="line-discount">
                      −{money(off)}
                    </span>
                  </>
                ) : (
                  money(gross)
                )}
              </span>
            </li>
          );
        })}
      </ul>
      <dl className="space-y-1.5 border-t pt-3">
        <div className="flex justify-between">
          <dt>Subtotal</dt>
          <dd className="tabular-nums" data-testid="summary-subtotal">
            {money(subtotal)}
          </dd>
        </div>
        {quote?.applied
          .filter((a) => a.kind !== "FREE_SHIPPING")
          .map((a) => (
            <div key={a.code} className="flex justify-between text-emerald-700">
              <dt>
                Code <span className="font-mono">{a.code}</span>
              </dt>
              <dd className="tabular-nums">−{money(a.amount)}</dd>
            </div>
          ))}
        <div className="flex justify-between">
          <dt>
            Shipping ({shippingLabel})
            {quote?.applied
              .filter((a) => a.kind === "FREE_SHIPPING")
              .map((a) => (
                <span key={a.code} className="ml-1.5 font-mono text-xs text-emerald-700">
                  {a.code}
                </span>
              ))}
          </dt>
          <dd className="tabular-nums" data-testid="summary-shipping">
            {shippingDiscount > 0 && shippingDiscount >= shippingAmount ? (
              <>
                <s className="text-muted-foreground mr-1.5">{money(shippingAmount)}</s>
                <span className="font-medium text-emerald-700">Free</span>
              </>
            ) : shippingDiscount > 0 ? (
              <>
                <s className="text-muted-foreground mr-1.5">{money(shippingAmount)}</s>
                {money(shippingAmount - shippingDiscount)}
              </>
            ) : (
              money(shippingAmount)
            )}
          </dd>
        </div>
        {(quote?.discountTotal ?? 0) + shippingDiscount > 0 && (
          <div className="flex justify-between text-emerald-700">
            <dt>You save</dt>
            <dd className="tabular-nums" data-testid="summary-savings">
              {money((quote?.discountTotal ?? 0) + shippingDiscount)}
            </dd>
          </div>
        )}
        <div className="flex justify-between border-t pt-2 text-base font-semibold">
          <dt>Total</dt>
          <dd className="tabular-nums" data-testid="summary-total">
            {money(total)}
          </dd>
        </div>
      </dl>
    </div>
  );
}
