import { createCodeInput } from "@/server/domain/admin-inputs";
import { createCode } from "@/server/services/create-code";
import { adminProcedure, createTRPCRouter } from "../../trpc";

export const adminCodesRouter = createTRPCRouter({
  create: adminProcedure.input(createCodeInput).mutation(({ input }) => createCode(input)),
});
