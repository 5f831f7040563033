import { formatMoney } from "@/components/ui/format-money";

/** "15 % off", "$7.00 off" or "Free shipping", for wallet cards. */
export function describeCouponValue(coupon: { kind: string; value: number | null; currency: string | null }): string {
  if (coupon.kind === "FREE_SHIPPING") return "Free shipping";
  if (coupon.kind === "PERCENT") return `${(coupon.value ?? 0) / 100} % off`;
  return `${formatMoney(coupon.value ?? 0, coupon.currency ?? "USD")} off`;
}
