import { getDb } from "@/server/db/client";
import { findProducts } from "@/server/db/queries/find-products";
import type { Cart } from "@/server/domain/schemas";
import { shippingAmount, type ShippingMethod } from "@/server/domain/shipping";
import { InvalidInputError } from "./errors";

export type OrderLine = { productId: string; name: string; categoryId: string; unitPrice: number; quantity: number };

/**
 * The cart as the server prices it from the catalog: the browser names products and quantities,
 * never prices or the channel (the storefront is "web"). The same product twice becomes one line.
 */
export async function priceCart(input: {
  items: Array<{ productId: string; quantity: number }>;
  shippingMethod: ShippingMethod;
}): Promise<{ cart: Cart; lines: OrderLine[] }> {
  const quantities = new Map<string, number>();
  for (const item of input.items) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  const found = new Map((await findProducts(getDb(), [...quantities.keys()])).map((p) => [p.id, p]));
  const missing = [...quantities.keys()].filter((id) => !found.has(id));
  if (missing.length > 0) throw new InvalidInputError(`Unknown product: ${missing.join(", ")}.`);
  const currencies = new Set([...found.values()].map((p) => p.currency));
  if (currencies.size > 1) throw new InvalidInputError("A cart holds products of one currency only.");
  const lines = [...quantities].map(([productId, quantity]): OrderLine => {
    const product = found.get(productId)!;
    return { productId, name: product.name, categoryId: product.categoryId, unitPrice: product.unitPrice, quantity };
  });
  const cart: Cart = {
    currency: [...currencies][0]!,
    items: lines.map((l) => ({
      productId: l.productId,
      categoryIds: [l.categoryId],
      unitPrice: l.unitPrice,
      quantity: l.quantity,
    })),
    shipping: shippingAmount(input.shippingMethod),
    channel: "web",
  };
  return { cart, lines };
}
