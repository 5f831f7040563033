import { createCodeInput, listCodesInput, lookupCodeInput, setCodeStatusInput } from "@/server/domain/admin-inputs";
import { exportCodesInput, generateCodesInput, importCodesInput } from "@/server/domain/code-job-inputs";
import { createCode } from "@/server/services/create-code";
import { createCodeExport } from "@/server/services/create-code-export";
import { listCodes } from "@/server/services/list-codes";
import { lookupCode } from "@/server/services/lookup-code";
import { setCodeStatus } from "@/server/services/set-code-status";
import { startCodeGeneration } from "@/server/services/start-code-generation";
import { startCodeImport } from "@/server/services/start-code-import";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

export const adminCodesRouter = createTRPCRouter({
  list: staffProcedure.input(listCodesInput).query(({ input }) => listCodes(input)),
  lookup: staffProcedure.input(lookupCodeInput).query(({ input }) => lookupCode(input)),
  create: adminProcedure.input(createCodeInput).mutation(({ ctx, input }) => createCode(input, actorOf(ctx))),
  setStatus: adminProcedure.input(setCodeStatusInput).mutation(({ ctx, input }) => setCodeStatus(input, actorOf(ctx))),
  generate: adminProcedure
    .input(generateCodesInput)
    .mutation(({ ctx, input }) => startCodeGeneration(input, { userId: ctx.user.id })),
  import: adminProcedure
    .input(importCodesInput)
    .mutation(({ ctx, input }) => startCodeImport(input, { userId: ctx.user.id })),
  // Codes are bearer secrets: exporting them is an admin action, not a viewer's (audit-logged).
  export: adminProcedure.input(exportCodesInput).mutation(({ ctx, input }) => createCodeExport(input, actorOf(ctx))),
});
