import { createTRPCRouter } from "../../trpc";
import { adminCodesRouter } from "./codes";
import { adminCouponsRouter } from "./coupons";

export const adminRouter = createTRPCRouter({
  coupons: adminCouponsRouter,
  codes: adminCodesRouter,
});
