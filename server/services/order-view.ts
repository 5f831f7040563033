import type { OrderRow } from "@/server/db/schema";
import type { Quote } from "@/server/domain/schemas";
import type { ShippingMethod } from "@/server/domain/shipping";
import type { OrderLine } from "./price-cart";
import type { RedemptionSummary } from "./redeem-checkout";

export type OrderView = {
  id: string;
  state: OrderRow["state"];
  channel: string;
  currency: string;
  items: OrderLine[];
  shippingMethod: ShippingMethod;
  subtotal: number;
  shipping: number;
  discountTotal: number;
  shippingDiscount: number;
  total: number;
  codes: string[];
  quote: Quote;
  /** While pending with codes: the hold on them and when it ends (ISO). */
  lockId: string | null;
  lockExpiresAt: string | null;
  redemptions: RedemptionSummary[];
  failureReason: string | null;
  createdAt: string;
  paidAt: string | null;
};

/** What a shopper sees of an order (no customer id, no idempotency key). */
export function toOrderView(row: OrderRow): OrderView {
  return {
    id: row.id,
    state: row.state,
    channel: row.channel,
    currency: row.currency,
    items: row.items as OrderLine[],
    shippingMethod: row.shippingMethod as ShippingMethod,
    subtotal: row.subtotal,
    shipping: row.shipping,
    discountTotal: row.discountTotal,
    shippingDiscount: row.shippingDiscount,
    total: row.total,
    codes: row.codes,
    quote: row.quote as Quote,
    lockId: row.lockId,
    lockExpiresAt: row.lockExpiresAt?.toISOString() ?? null,
    redemptions: row.redemptions as RedemptionSummary[],
    failureReason: row.failureReason,
    createdAt: row.createdAt.toISOString(),
    paidAt: row.paidAt?.toISOString() ?? null,
  };
}
