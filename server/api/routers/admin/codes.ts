import { createCodeInput, listCodesInput, lookupCodeInput, setCodeStatusInput } from "@/server/domain/admin-inputs";
import { createCode } from "@/server/services/create-code";
import { listCodes } from "@/server/services/list-codes";
import { lookupCode } from "@/server/services/lookup-code";
import { setCodeStatus } from "@/server/services/set-code-status";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

export const adminCodesRouter = createTRPCRouter({
  list: staffProcedure.input(listCodesInput).query(({ input }) => listCodes(input)),
  lookup: staffProcedure.input(lookupCodeInput).query(({ input }) => lookupCode(input)),
  create: adminProcedure.input(createCodeInput).mutation(({ ctx, input }) => createCode(input, actorOf(ctx))),
  setStatus: adminProcedure.input(setCodeStatusInput).mutation(({ ctx, input }) => setCodeStatus(input, actorOf(ctx))),
});
