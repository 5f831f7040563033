import { getDb } from "@/server/db/client";
import { refreshCouponCodeStats, refreshRedemptionDaily } from "@/server/db/queries/analytics";

/**
 * Brings the dashboard's pre-aggregated tables up to date (the background job runs it every 30 s);
 * `full` counts every redemption again (after a back-fill of old rows).
 */
export async function refreshAnalytics(opts: { full?: boolean } = {}): Promise<{ days: number; coupons: number }> {
  const days = await refreshRedemptionDaily(getDb(), opts);
  const coupons = await refreshCouponCodeStats(getDb());
  return { days, coupons };
}
