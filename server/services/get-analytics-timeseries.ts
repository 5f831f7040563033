import { getDb } from "@/server/db/client";
import { dailySeries, readRefreshMark } from "@/server/db/queries/analytics";
import type { AnalyticsInput } from "@/server/domain/code-job-inputs";

/** admin.analytics.timeseries: per UTC day, redemptions, voids and the discount in one currency. */
export async function getAnalyticsTimeseries(input: AnalyticsInput) {
  const filter = { from: input.from, to: input.to, couponId: input.couponId ?? null, channel: input.channel ?? null };
  const [points, refreshedAt] = await Promise.all([
    dailySeries(getDb(), filter, input.currency),
    readRefreshMark(getDb()),
  ]);
  return { from: input.from, to: input.to, currency: input.currency, points: [...points], refreshedAt };
}
