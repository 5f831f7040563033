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
import { adminOrKeyProcedure, adminProcedure, createTRPCRouter, staffOrKeyProcedure } from "../../trpc";
import { CouponOut, CouponUsageOut, documented, ListItemOut, pageOf } from "../../rest-schemas";
import { restRoute } from "./rest-route";
import { actorOf } from "./actor";

export const adminCouponsRouter = createTRPCRouter({
  list: staffOrKeyProcedure
    .meta(restRoute("GET", "/coupons", "coupons", "List coupons (filtered, keyset pages)"))
    .input(listCouponsInput)
    .output(documented<Awaited<ReturnType<typeof listCoupons>>>(pageOf(ListItemOut)))
    .query(({ input }) => listCoupons(input)),
  get: staffOrKeyProcedure
    .meta(restRoute("GET", "/coupons/{id}", "coupons", "A coupon with its rules"))
    .input(getCouponInput)
    .output(documented<Awaited<ReturnType<typeof getCouponWithCounters>>>(CouponOut))
    .query(({ input }) => getCouponWithCounters(input.id)),
  /** Live counters: redeemed, locked now, remaining, budget used (from the gate while it holds the coupon). */
  usage: staffOrKeyProcedure
    .meta(restRoute("GET", "/coupons/{id}/usage", "coupons", "Live usage counters"))
    .input(getCouponInput)
    .output(documented<Awaited<ReturnType<typeof getCouponUsage>>>(CouponUsageOut))
    .query(({ input }) => getCouponUsage(input.id)),
  create: adminProcedure.input(createCouponInput).mutation(({ ctx, input }) => createCoupon(input, actorOf(ctx))),
  update: adminProcedure.input(updateCouponInput).mutation(({ ctx, input }) => updateCoupon(input, actorOf(ctx))),
  setStatus: adminOrKeyProcedure
    .meta(restRoute("POST", "/coupons/{id}/status", "coupons", "Activate, disable or archive a coupon"))
    .input(setCouponStatusInput)
    .output(documented<Awaited<ReturnType<typeof setCouponStatus>>>(CouponOut))
    .mutation(({ ctx, input }) => setCouponStatus(input, ctx.actor)),
});
