import { analyticsInput } from "@/server/domain/code-job-inputs";
import { getAnalyticsSummary } from "@/server/services/get-analytics-summary";
import { getAnalyticsTimeseries } from "@/server/services/get-analytics-timeseries";
import { refreshAnalytics } from "@/server/services/refresh-analytics";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";

export const adminAnalyticsRouter = createTRPCRouter({
  summary: staffProcedure.input(analyticsInput).query(({ input }) => getAnalyticsSummary(input)),
  timeseries: staffProcedure.input(analyticsInput).query(({ input }) => getAnalyticsTimeseries(input)),
  /** Catch up now instead of at the next background run (every 30 s). */
  refresh: adminProcedure.mutation(() => refreshAnalytics()),
});
