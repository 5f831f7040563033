import {
  createCouponInput,
  getCouponInput,
  listCouponsInput,
  setCouponStatusInput,
  updateCouponInput,
} from "@/server/domain/admin-inputs";
import { createCoupon } from "@/server/services/create-coupon";
import { getCouponWithCounters } from "@/server/services/get-coupon";
import { getCouponUsage } from "@/server/services/get-coupon-usage";
import { listCoupons } from "@/server/services/list-coupons";
import { setCouponStatus } from "@/server/services/set-coupon-status";
import { updateCoupon } from "@/server/services/update-coupon";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

export const adminCouponsRouter = createTRPCRouter({
  list: staffProcedure.input(listCouponsInput).query(({ input }) => listCoupons(input)),
  get: staffProcedure.input(getCouponInput).query(({ input }) => getCouponWithCounters(input.id)),
  /** Live counters: redeemed, locked now, remaining, budget used (from the gate while it holds the coupon). */
  usage: staffProcedure.input(getCouponInput).query(({ input }) => getCouponUsage(input.id)),
  create: adminProcedure.input(createCouponInput).mutation(({ ctx, input }) => createCoupon(input, actorOf(ctx))),
  update: adminProcedure.input(updateCouponInput).mutation(({ ctx, input }) => updateCoupon(input, actorOf(ctx))),
  setStatus: adminProcedure
    .input(setCouponStatusInput)
    .mutation(({ ctx, input }) => setCouponStatus(input, actorOf(ctx))),
});
