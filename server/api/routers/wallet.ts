import { claimInput } from "@/server/domain/code-job-inputs";
import { claimBookCode } from "@/server/services/claim-book-code";
import { listWallet } from "@/server/services/list-wallet";
import { createTRPCRouter, shopperProcedure } from "../trpc";

export const walletRouter = createTRPCRouter({
  list: shopperProcedure.query(({ ctx }) => listWallet({ userId: ctx.user.id })),
  claim: shopperProcedure.input(claimInput).mutation(({ ctx, input }) => claimBookCode(input, { userId: ctx.user.id })),
});
