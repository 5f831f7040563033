import { adminRouter } from "./routers/admin";
import { checkoutRouter } from "./routers/checkout";
import { healthProcedure } from "./routers/health";
import { createCallerFactory, createTRPCRouter } from "./trpc";

export const appRouter = createTRPCRouter({
  health: healthProcedure,
  checkout: checkoutRouter,
  admin: adminRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
