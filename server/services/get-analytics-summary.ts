import { getDb } from "@/server/db/client";
import {
  readRefreshMark,
  splitByChannel,
  sumRedemptions,
  topCoupons,
  uniqueCodeUsage,
} from "@/server/db/queries/analytics";
import type { AnalyticsInput } from "@/server/domain/code-job-inputs";

/**
 * admin.analytics.summary: the range's redemptions, voids and discount (per currency), top coupons,
 * the split by channel, and the redemption rate (redeemed uses of unique codes / unique codes
 * issued, all time). All from the pre-aggregated tables: no scan of redemptions or codes.
 */
export async function getAnalyticsSummary(input: AnalyticsInput) {
  const filter = { from: input.from, to: input.to, couponId: input.couponId ?? null, channel: input.channel ?? null };
  const db = getDb();
  const [totals, top, channels, usage, refreshedAt] = await Promise.all([
    sumRedemptions(db, filter),
    topCoupons(db, filter, 10),
    splitByChannel(db, filter),
    uniqueCodeUsage(db, filter.couponId),
    readRefreshMark(db),
  ]);
  return {
    from: input.from,
    to: input.to,
    redemptions: totals.reduce((sum, t) => sum + t.redemptions, 0),
    voided: totals.reduce((sum, t) => sum + t.voided, 0),
    discountByCurrency: totals.map((t) => ({ currency: t.currency, amount: t.discount })),
    redemptionRate: {
      redeemed: usage.redeemed,
      issued: usage.issued,
      rate: usage.issued > 0 ? usage.redeemed / usage.issued : null,
    },
    topCoupons: [...top],
    byChannel: channels.map((c) => ({
      channel: c.channel || "unknown",
      redemptions: c.redemptions,
      discount: c.discount,
    })),
    refreshedAt,
  };
}
