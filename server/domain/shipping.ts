// The demo storefront's shipping choices. Amounts are minor units (USD cents).

export const SHIPPING_METHODS = ["standard", "express"] as const;
export type ShippingMethod = (typeof SHIPPING_METHODS)[number];

export const SHIPPING_OPTIONS: Readonly<Record<ShippingMethod, { label: string; amount: number; eta: string }>> = {
  standard: { label: "Standard", amount: 495, eta: "3 to 5 business days" },
  express: { label: "Express", amount: 1495, eta: "next business day" },
};

export function shippingAmount(method: ShippingMethod): number {
  return SHIPPING_OPTIONS[method].amount;
}
