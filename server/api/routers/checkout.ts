import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { GUEST_CUSTOMER_PREFIX } from "@/server/auth/guest-id";
import { Cart, Customer, EnteredCodes, Quote, StoredText } from "@/server/domain/schemas";
import type { ApiKeyPrincipal } from "@/server/services/authenticate-api-key";
import type { CheckoutCaller, CheckoutCustomerCaller } from "@/server/services/validate-checkout";
import { lockCheckout } from "@/server/services/lock-checkout";
import { redeemCheckout } from "@/server/services/redeem-checkout";
import { unlockCheckout } from "@/server/services/unlock-checkout";
import { resolveShopper } from "@/server/services/resolve-shopper";
import { validateCheckout } from "@/server/services/validate-checkout";
import { checkoutCustomerProcedure, checkoutProcedure, createTRPCRouter, type TRPCContext } from "../trpc";
import { LockResult, RedeemResult } from "../rest-schemas";
import { restRoute } from "./admin/rest-route";

export const idempotencyKey = z
  .string({ error: "An idempotencyKey is required (any unique string per attempt, e.g. a UUID)." })
  .min(8, { error: "An idempotencyKey has 8 to 200 characters." })
  .max(200, { error: "An idempotencyKey has 8 to 200 characters." })
  .regex(/^[\x21-\x7e]+$/, { error: "An idempotencyKey is printable ASCII without spaces." });
const orderId = StoredText(200, "An orderId").trim().min(1, { error: "An orderId is required." });
const lockId = z.uuid({ error: "A lockId is a UUID returned by checkout.lock." });
const codesToTake = EnteredCodes.min(1, { error: "At least one code." });

export const validateInput = z.object({
  codes: EnteredCodes,
  cart: Cart,
  /** Server-to-server callers name their customer (API keys); session callers are the customer. */
  customer: Customer.optional(),
});
export const lockInput = z.object({ codes: codesToTake, cart: Cart, customer: Customer.optional(), idempotencyKey });
/** An API key names the customer that holds the lock; a session is that customer. */
export const unlockInput = z.object({ lockId, customer: Customer.optional() });
/**
 * `{ lockId }` (redeem a lock) or `{ codes, cart }` (lock and redeem in one step), with orderId and
 * idempotencyKey. One object (the REST mirror documents it as one body), parsed into the two cases.
 */
export const redeemInput = z
  .object({
    lockId: lockId.optional(),
    codes: codesToTake.optional(),
    cart: Cart.optional(),
    customer: Customer.optional(),
    orderId,
    idempotencyKey,
  })
  .superRefine((value, context) => {
    const byLock = value.lockId !== undefined;
    const byCodes = value.codes !== undefined || value.cart !== undefined;
    if (byLock === byCodes)
      context.addIssue({ code: "custom", message: "Send either a lockId, or codes and a cart (not both)." });
    else if (byCodes && (value.codes === undefined || value.cart === undefined))
      context.addIssue({ code: "custom", message: "Redeeming without a lock needs both codes and a cart." });
  })
  .transform(
    ({
      lockId,
      codes,
      cart,
      customer,
      orderId,
      idempotencyKey,
    }):
      | { lockId: string; customer?: Customer; orderId: string; idempotencyKey: string }
      | { codes: string[]; cart: Cart; customer?: Customer; orderId: string; idempotencyKey: string } =>
      lockId !== undefined
        ? { lockId, customer, orderId, idempotencyKey }
        : { codes: codes!, cart: cart!, customer, orderId, idempotencyKey },
  );

// On the demo checkout the customer is the signed-in shopper (previousOrders from their paid orders) and the
// channel is "web": neither is taken from the browser (a customer or cart.channel in the input is ignored).
// An API key names its customer in the body (server to server) and its channel is the key's, never the body's.
const STOREFRONT_CHANNEL = "web" as const;

type CheckoutContext = TRPCContext & { apiKey: ApiKeyPrincipal | null };

/** The channel a checkout is on: the key's, or the storefront's. */
function onChannel(ctx: CheckoutContext, cart: Cart): Cart {
  return { ...cart, channel: ctx.apiKey ? ctx.apiKey.channel : STOREFRONT_CHANNEL };
}

/** validate: the key's named customer (optional), the session's user, or anonymous. */
async function validatingCaller(ctx: CheckoutContext, customer: Customer | undefined): Promise<CheckoutCaller> {
  if (ctx.apiKey) return { customer: customer ?? null, ip: ctx.ip, apiKeyId: ctx.apiKey.id };
  return { customer: await resolveShopper(ctx.session?.user), ip: ctx.ip };
}

/**
 * lock, unlock, redeem (and the storefront's orders): who pays. The key's named customer (required), else the
 * signed-in shopper, else the guest of the signed cookie. A guest checks out under its own customer id (locks,
 * hoarding limit, orders) but is no known user: rules that need one say LOGIN_REQUIRED, and its failed guesses
 * count against its address.
 */
export async function shopperOf(
  ctx: CheckoutContext | TRPCContext,
  customer?: Customer,
): Promise<CheckoutCustomerCaller> {
  if ("apiKey" in ctx && ctx.apiKey) {
    if (!customer)
      throw new TRPCError({
        code: "BAD_REQUEST",
        message: "With an API key, name the customer: { customer: { id, email?, previousOrders? } }.",
      });
    return { customer, ip: ctx.ip, apiKeyId: ctx.apiKey.id };
  }
  const shopper = await resolveShopper(ctx.session?.user);
  if (shopper) return { customer: shopper, ip: ctx.ip };
  if (ctx.guestId) return { customer: { id: `${GUEST_CUSTOMER_PREFIX}${ctx.guestId}` }, ip: ctx.ip, guest: true };
  throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in or continue as a guest first." });
}

const restMeta = (path: `/${string}`, summary: string) => restRoute("POST", path, "checkout", summary);

export const checkoutRouter = createTRPCRouter({
  validate: checkoutProcedure
    .meta(restMeta("/checkout/validate", "Quote codes on a cart (read-only)"))
    .input(validateInput)
    .output(Quote)
    .mutation(async ({ ctx, input }) =>
      validateCheckout(
        { codes: input.codes, cart: onChannel(ctx, input.cart) },
        await validatingCaller(ctx, input.customer),
      ),
    ),
  lock: checkoutCustomerProcedure
    .meta(restMeta("/checkout/lock", "Reserve one use of every code (all or nothing)"))
    .input(lockInput)
    .output(LockResult)
    .mutation(async ({ ctx, input }) =>
      lockCheckout(
        { codes: input.codes, cart: onChannel(ctx, input.cart), idempotencyKey: input.idempotencyKey },
        await shopperOf(ctx, input.customer),
      ),
    ),
  unlock: checkoutCustomerProcedure
    .meta(restMeta("/checkout/unlock", "Give a lock's reservations back"))
    .input(unlockInput)
    .output(z.object({ released: z.boolean() }))
    .mutation(async ({ ctx, input }) => unlockCheckout({ lockId: input.lockId }, await shopperOf(ctx, input.customer))),
  redeem: checkoutCustomerProcedure
    .meta(restMeta("/checkout/redeem", "Redeem a lock, or codes on a cart in one step"))
    .input(redeemInput)
    .output(RedeemResult)
    .mutation(async ({ ctx, input }) => {
      const caller = await shopperOf(ctx, input.customer);
      const { customer: _named, ...rest } = input;
      return redeemCheckout("cart" in rest ? { ...rest, cart: onChannel(ctx, rest.cart) } : rest, caller);
    }),
});
