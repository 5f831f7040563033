import { z } from "zod";
import { Cart, Customer, EnteredCodes } from "@/server/domain/schemas";
import { validateCheckout } from "@/server/services/validate-checkout";
import { createTRPCRouter, publicProcedure, type TRPCContext } from "../trpc";

export const validateInput = z.object({
  codes: EnteredCodes,
  cart: Cart,
  /** Server-to-server callers name their customer (API keys); session callers are the customer. */
  customer: Customer.optional(),
});

// On the demo checkout the customer is the signed-in shopper; an input customer is not trusted from a browser.
function customerOf(ctx: TRPCContext) {
  const user = ctx.session?.user;
  return user?.id ? { id: user.id, email: user.email ?? undefined } : null;
}

export const checkoutRouter = createTRPCRouter({
  validate: publicProcedure
    .input(validateInput)
    .mutation(({ ctx, input }) => validateCheckout({ codes: input.codes, cart: input.cart }, { customer: customerOf(ctx), ip: ctx.ip })),
});
