import { createTRPCRouter } from "../../trpc";
import { adminAnalyticsRouter } from "./analytics";
import { adminApiKeysRouter } from "./api-keys";
import { adminBooksRouter } from "./books";
import { adminAuditRouter } from "./audit";
import { adminCodesRouter } from "./codes";
import { adminCouponsRouter } from "./coupons";
import { adminJobsRouter } from "./jobs";
import { adminRedemptionsRouter } from "./redemptions";

export const adminRouter = createTRPCRouter({
  coupons: adminCouponsRouter,
  codes: adminCodesRouter,
  redemptions: adminRedemptionsRouter,
  jobs: adminJobsRouter,
  books: adminBooksRouter,
  analytics: adminAnalyticsRouter,
  audit: adminAuditRouter,
  apiKeys: adminApiKeysRouter,
});
