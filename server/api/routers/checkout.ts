import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { Cart, Customer, EnteredCodes } from "@/server/domain/schemas";
import { lockCheckout } from "@/server/services/lock-checkout";
import { redeemCheckout } from "@/server/services/redeem-checkout";
import { unlockCheckout } from "@/server/services/unlock-checkout";
import { validateCheckout } from "@/server/services/validate-checkout";
import { createTRPCRouter, publicProcedure, shopperProcedure, type TRPCContext } from "../trpc";

const idempotencyKey = z
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

// On the demo checkout the customer is the signed-in shopper; an input customer is not trusted from a browser.
function customerOf(ctx: TRPCContext) {
  const user = ctx.session?.user;
  return user?.id ? { id: user.id, email: user.email ?? undefined } : null;
}

function shopper(ctx: TRPCContext) {
  const customer = customerOf(ctx);
  if (!customer) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  return { customer, ip: ctx.ip };
}

export const checkoutRouter = createTRPCRouter({
  validate: publicProcedure
    .input(validateInput)
    .mutation(({ ctx, input }) =>
      validateCheckout({ codes: input.codes, cart: input.cart }, { customer: customerOf(ctx), ip: ctx.ip }),
    ),
  lock: shopperProcedure.input(lockInput).mutation(({ ctx, input }) => lockCheckout(input, shopper(ctx))),
  unlock: shopperProcedure.input(unlockInput).mutation(({ ctx, input }) => unlockCheckout(input, shopper(ctx))),
  redeem: shopperProcedure.input(redeemInput).mutation(({ ctx, input }) => redeemCheckout(input, shopper(ctx))),
});
