import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Cart, Customer, EnteredCodes } from "@/server/domain/schemas";
import { lockCheckout } from "@/server/services/lock-checkout";
import { redeemCheckout } from "@/server/services/redeem-checkout";
import { unlockCheckout } from "@/server/services/unlock-checkout";
import { resolveShopper } from "@/server/services/resolve-shopper";
import { validateCheckout } from "@/server/services/validate-checkout";
import { createTRPCRouter, publicProcedure, shopperProcedure, type TRPCContext } from "../trpc";

export const idempotencyKey = z
  .string({ error: "An idempotencyKey is required (any unique string per attempt, e.g. a UUID)." })
  .min(8, { error: "An idempotencyKey has 8 to 200 characters." })
  .max(200, { error: "An idempotencyKey has 8 to 200 characters." })
  .regex(/^[\x21-\x7e]+$/, { error: "An idempotencyKey is printable ASCII without spaces." });
const orderId = z.string({ error: "An orderId is required." }).trim().min(1).max(200);
const lockId = z.uuid({ error: "A lockId is a UUID returned by checkout.lock." });
const codesToTake = EnteredCodes.min(1, { error: "At least one code." });

export const validateInput = z.object({
  codes: EnteredCodes,
  cart: Cart,
  /** Server-to-server callers name their customer (API keys); session callers are the customer. */
  customer: Customer.optional(),
});
export const lockInput = z.object({ codes: codesToTake, cart: Cart, customer: Customer.optional(), idempotencyKey });
export const unlockInput = z.object({ lockId });
export const redeemInput = z.union([
  z.object({ lockId, orderId, idempotencyKey }).strict(),
  z.object({ codes: codesToTake, cart: Cart, customer: Customer.optional(), orderId, idempotencyKey }),
]);

// On the demo checkout the customer is the signed-in shopper (previousOrders from their paid orders) and the
// channel is "web": neither is taken from the browser. API keys will name their customer and channel.
const STOREFRONT_CHANNEL = "web" as const;

function customerOf(ctx: TRPCContext) {
  return resolveShopper(ctx.session?.user);
}

export function shopperOf(ctx: TRPCContext) {
  const customer = customerOf(ctx);
  if (!customer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return { customer, ip: ctx.ip };
}

const onStorefront = (cart: Cart) => ({ ...cart, channel: STOREFRONT_CHANNEL });

export const checkoutRouter = createTRPCRouter({
  validate: publicProcedure
    .input(validateInput)
    .mutation(async ({ ctx, input }) =>
      validateCheckout(
        { codes: input.codes, cart: onStorefront(input.cart) },
        { customer: customerOf(ctx), ip: ctx.ip },
      ),
    ),
  lock: shopperProcedure
    .input(lockInput)
    .mutation(async ({ ctx, input }) => lockCheckout({ ...input, cart: onStorefront(input.cart) }, shopperOf(ctx))),
  unlock: shopperProcedure.input(unlockInput).mutation(async ({ ctx, input }) => unlockCheckout(input, shopperOf(ctx))),
  redeem: shopperProcedure
    .input(redeemInput)
    .mutation(async ({ ctx, input }) =>
      redeemCheckout("cart" in input ? { ...input, cart: onStorefront(input.cart) } : input, shopperOf(ctx)),
    ),
});
