import { createCouponInput, getCouponInput } from "@/server/domain/admin-inputs";
import { createCoupon } from "@/server/services/create-coupon";
import { getCouponOrThrow } from "@/server/services/get-coupon";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";

export const adminCouponsRouter = createTRPCRouter({
  create: adminProcedure.input(createCouponInput).mutation(({ ctx, input }) => createCoupon(input, { userId: ctx.user.id })),
  get: staffProcedure.input(getCouponInput).query(({ input }) => getCouponOrThrow(input.id)),
});
