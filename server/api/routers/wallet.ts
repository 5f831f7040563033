import { claimInput } from "@/server/domain/code-job-inputs";
import { claimBookCode } from "@/server/services/claim-book-code";
import { listClaimableBooks } from "@/server/services/list-claimable-books";
import { listWallet } from "@/server/services/list-wallet";
import { createTRPCRouter, shopperProcedure } from "../trpc";

/** The shopper's coupon wallet: the codes assigned to them, the books they may claim from, and a claim. */
export const walletRouter = createTRPCRouter({
  list: shopperProcedure.query(({ ctx }) => listWallet(ctx.user.id)),
  books: shopperProcedure.query(({ ctx }) => listClaimableBooks(ctx.user.id)),
  claim: shopperProcedure.input(claimInput).mutation(({ ctx, input }) => claimBookCode(input, { userId: ctx.user.id })),
});
