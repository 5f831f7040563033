import {
  createCouponBody,
  getCouponInput,
  listCouponsInput,
  setCouponStatusInput,
  updateCouponBody,
} from "@/server/domain/admin-inputs";
import { createCoupon } from "@/server/services/create-coupon";
import { getCouponWithCounters } from "@/server/services/get-coupon";
import { getCouponUsage } from "@/server/services/get-coupon-usage";
import { listCoupons } from "@/server/services/list-coupons";
import { setCouponStatus } from "@/server/services/set-coupon-status";
import { updateCoupon } from "@/server/services/update-coupon";
import { adminOrKeyProcedure, createTRPCRouter, staffOrKeyProcedure } from "../../trpc";
import { CouponOut, CouponUsageOut, documented, ListItemOut, pageOf } from "../../rest-schemas";
import { restRoute } from "./rest-route";

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
  create: adminOrKeyProcedure
    .meta(restRoute("POST", "/coupons", "coupons", "Create a coupon (once per idempotencyKey)"))
    .input(createCouponBody)
    .output(documented<Awaited<ReturnType<typeof createCoupon>>>(CouponOut))
    .mutation(({ ctx, input }) => createCoupon(input, ctx.actor)),
  /** The coupon's full new rules; expectedVersion refuses a change made over someone else's (409). */
  update: adminOrKeyProcedure
    .meta(restRoute("PUT", "/coupons/{id}", "coupons", "Replace a coupon's rules (expectedVersion: 409 when stale)"))
    .input(updateCouponBody)
    .output(documented<Awaited<ReturnType<typeof updateCoupon>>>(CouponOut))
    .mutation(({ ctx, input }) => updateCoupon(input, ctx.actor)),
  setStatus: adminOrKeyProcedure
    .meta(restRoute("POST", "/coupons/{id}/status", "coupons", "Activate, disable or archive a coupon"))
    .input(setCouponStatusInput)
    .output(documented<Awaited<ReturnType<typeof setCouponStatus>>>(CouponOut))
    .mutation(({ ctx, input }) => setCouponStatus(input, ctx.actor)),
});
