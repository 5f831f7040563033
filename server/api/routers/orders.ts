import { z } from "zod";
import { EnteredCodes } from "@/server/domain/schemas";
import { SHIPPING_METHODS } from "@/server/domain/shipping";
import { getOrder } from "@/server/services/get-order";
import { holdOrderAgain } from "@/server/services/hold-order-again";
import { listOrders } from "@/server/services/list-orders";
import { payOrder } from "@/server/services/pay-order";
import { placeOrder } from "@/server/services/place-order";
import { storefrontProcedure, createTRPCRouter } from "../trpc";
import { idempotencyKey, shopperOf } from "./checkout";

export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 99;

const orderId = z.uuid({ error: "An orderId is the id orders.place returned." });

export const placeOrderInput = z.object({
  items: z
    .array(
      z.object({
        productId: z.string().min(1).max(128),
        quantity: z
          .int({ error: "Quantity must be an integer." })
          .min(1, { error: "Quantity must be at least 1." })
          .max(MAX_LINE_QUANTITY, { error: `Quantity must be at most ${MAX_LINE_QUANTITY}.` }),
      }),
    )
    .min(1, { error: "The cart is empty." })
    .max(MAX_ORDER_LINES, { error: `At most ${MAX_ORDER_LINES} lines per order.` }),
  shippingMethod: z.enum(SHIPPING_METHODS, { error: `Shipping is one of: ${SHIPPING_METHODS.join(", ")}.` }),
  codes: EnteredCodes,
  idempotencyKey,
});
export const payOrderInput = z.object({
  orderId,
  outcome: z.enum(["approve", "decline"], { error: "The payment outcome is approve or decline." }),
});

/** The demo checkout's orders: the shopper's (or the guest's) own; prices and channel are decided here. */
export const ordersRouter = createTRPCRouter({
  place: storefrontProcedure
    .input(placeOrderInput)
    .mutation(async ({ ctx, input }) => placeOrder(input, await shopperOf(ctx))),
  pay: storefrontProcedure
    .input(payOrderInput)
    .mutation(async ({ ctx, input }) => payOrder(input, await shopperOf(ctx))),
  holdAgain: storefrontProcedure
    .input(z.object({ orderId }))
    .mutation(async ({ ctx, input }) => holdOrderAgain(input, await shopperOf(ctx))),
  get: storefrontProcedure
    .input(z.object({ orderId }))
    .query(async ({ ctx, input }) => getOrder(input, (await shopperOf(ctx)).customer.id)),
  list: storefrontProcedure.query(async ({ ctx }) => listOrders((await shopperOf(ctx)).customer.id)),
});
