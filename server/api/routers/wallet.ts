import { listWallet } from "@/server/services/list-wallet";
import { createTRPCRouter, shopperProcedure } from "../trpc";

/** The shopper's coupon wallet. wallet.claim (from a book) comes with books. */
export const walletRouter = createTRPCRouter({
  list: shopperProcedure.query(({ ctx }) => listWallet(ctx.user.id)),
});
