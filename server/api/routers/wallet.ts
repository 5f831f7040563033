import { claimInput } from "@/server/domain/code-job-inputs";
import { claimBookCode } from "@/server/services/claim-book-code";
import { listWallet } from "@/server/services/list-wallet";
import { createTRPCRouter, shopperProcedure } from "../trpc";

/** The shopper's coupon wallet: the codes assigned to them, and a claim from a claimable book. */
export const walletRouter = createTRPCRouter({
  list: shopperProcedure.query(({ ctx }) => listWallet(ctx.user.id)),
  claim: shopperProcedure.input(claimInput).mutation(({ ctx, input }) => claimBookCode(input, { userId: ctx.user.id })),
});
