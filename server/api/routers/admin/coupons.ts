import { createCouponInput, getCouponInput, setCouponStatusInput } from "@/server/domain/admin-inputs";
import { createCoupon } from "@/server/services/create-coupon";
import { getCouponWithCounters } from "@/server/services/get-coupon";
import { setCouponStatus } from "@/server/services/set-coupon-status";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";

export const adminCouponsRouter = createTRPCRouter({
  create: adminProcedure
    .input(createCouponInput)
    .mutation(({ ctx, input }) => createCoupon(input, { userId: ctx.user.id })),
  setStatus: adminProcedure
    .input(setCouponStatusInput)
    .mutation(({ ctx, input }) => setCouponStatus(input, { userId: ctx.user.id })),
  get: staffProcedure.input(getCouponInput).query(({ input }) => getCouponWithCounters(input.id)),
});
