import { listAuditInput } from "@/server/domain/admin-inputs";
import { listAuditEntries } from "@/server/services/list-audit-entries";
import { createTRPCRouter, staffProcedure } from "../../trpc";

export const adminAuditRouter = createTRPCRouter({
  list: staffProcedure.input(listAuditInput).query(({ input }) => listAuditEntries(input)),
});
