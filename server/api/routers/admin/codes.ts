import { createCodeInput, listCodesInput, lookupCodeInput, setCodeStatusInput } from "@/server/domain/admin-inputs";
import { exportCodesInput, generateCodesInput, importCodesInput } from "@/server/domain/code-job-inputs";
import { createCode } from "@/server/services/create-code";
import { createCodeExport } from "@/server/services/create-code-export";
import { listCodes } from "@/server/services/list-codes";
import { lookupCode } from "@/server/services/lookup-code";
import { setCodeStatus } from "@/server/services/set-code-status";
import { startCodeGeneration } from "@/server/services/start-code-generation";
import { startCodeImport } from "@/server/services/start-code-import";
import { adminOrKeyProcedure, adminProcedure, createTRPCRouter, staffOrKeyProcedure } from "../../trpc";
import { CodeLookupOut, CodeOut, CodeStatusOut, documented, ListItemOut, pageOf } from "../../rest-schemas";
import { restRoute } from "./rest-route";
import { actorOf } from "./actor";

export const adminCodesRouter = createTRPCRouter({
  list: staffOrKeyProcedure
    .meta(restRoute("GET", "/coupons/{couponId}/codes", "codes", "A coupon's codes with state and uses"))
    .input(listCodesInput)
    .output(documented<Awaited<ReturnType<typeof listCodes>>>(pageOf(ListItemOut)))
    .query(({ input }) => listCodes(input)),
  // POST, not GET: a code is a bearer secret and does not belong in a URL (logs, proxies).
  lookup: staffOrKeyProcedure
    .meta(restRoute("POST", "/codes/lookup", "codes", "Look up one code: its coupon, state and history"))
    .input(lookupCodeInput)
    .output(documented<Awaited<ReturnType<typeof lookupCode>>>(CodeLookupOut))
    .query(({ input }) => lookupCode(input)),
  create: adminOrKeyProcedure
    .meta(restRoute("POST", "/coupons/{couponId}/codes", "codes", "Add a code (plaintext in this answer only)"))
    .input(createCodeInput)
    .output(documented<Awaited<ReturnType<typeof createCode>>>(CodeOut))
    .mutation(({ ctx, input }) => createCode(input, ctx.actor)),
  setStatus: adminOrKeyProcedure
    .meta(restRoute("POST", "/codes/{id}/status", "codes", "Enable or disable a code"))
    .input(setCodeStatusInput)
    .output(documented<Awaited<ReturnType<typeof setCodeStatus>>>(CodeStatusOut))
    .mutation(({ ctx, input }) => setCodeStatus(input, ctx.actor)),
  generate: adminProcedure
    .input(generateCodesInput)
    .mutation(({ ctx, input }) => startCodeGeneration(input, actorOf(ctx))),
  import: adminProcedure.input(importCodesInput).mutation(({ ctx, input }) => startCodeImport(input, actorOf(ctx))),
  // Codes are bearer secrets: exporting them is an admin action, not a viewer's (audit-logged).
  export: adminProcedure.input(exportCodesInput).mutation(({ ctx, input }) => createCodeExport(input, actorOf(ctx))),
});
