import { getDb } from "@/server/db/client";
import { refreshCouponCodeStats, refreshRedemptionDaily } from "@/server/db/queries/analytics";

/** Brings the dashboard's pre-aggregated tables up to date (the background job runs it every minute). */
export async function refreshAnalytics(): Promise<{ days: number; coupons: number }> {
  const days = await refreshRedemptionDaily(getDb());
  const coupons = await refreshCouponCodeStats(getDb());
  return { days, coupons };
}
