import { adminRouter } from "./routers/admin";
import { checkoutRouter } from "./routers/checkout";
import { healthProcedure } from "./routers/health";
import { ordersRouter } from "./routers/orders";
import { walletRouter } from "./routers/wallet";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  checkout: checkoutRouter,
  admin: adminRouter,
  orders: ordersRouter,
  wallet: walletRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
