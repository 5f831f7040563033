import { createTRPCRouter } from "../../trpc";
import { adminAuditRouter } from "./audit";
import { adminCodesRouter } from "./codes";
import { adminCouponsRouter } from "./coupons";
import { adminRedemptionsRouter } from "./redemptions";

export const adminRouter = createTRPCRouter({
  coupons: adminCouponsRouter,
  codes: adminCodesRouter,
  redemptions: adminRedemptionsRouter,
  audit: adminAuditRouter,
});
