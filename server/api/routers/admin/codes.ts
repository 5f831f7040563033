import { createCodeInput } from "@/server/domain/admin-inputs";
import { exportCodesInput, generateCodesInput, importCodesInput } from "@/server/domain/code-job-inputs";
import { createCode } from "@/server/services/create-code";
import { createCodeExport } from "@/server/services/create-code-export";
import { startCodeGeneration } from "@/server/services/start-code-generation";
import { startCodeImport } from "@/server/services/start-code-import";
import { adminProcedure, createTRPCRouter } from "../../trpc";

export const adminCodesRouter = createTRPCRouter({
  create: adminProcedure.input(createCodeInput).mutation(({ input }) => createCode(input)),
  generate: adminProcedure
    .input(generateCodesInput)
    .mutation(({ ctx, input }) => startCodeGeneration(input, { userId: ctx.user.id })),
  import: adminProcedure
    .input(importCodesInput)
    .mutation(({ ctx, input }) => startCodeImport(input, { userId: ctx.user.id })),
  // Codes are bearer secrets: exporting them is an admin action, not a viewer's.
  export: adminProcedure
    .input(exportCodesInput)
    .mutation(({ ctx, input }) => createCodeExport(input, { userId: ctx.user.id })),
});
