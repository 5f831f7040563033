import { jobIdInput } from "@/server/domain/code-job-inputs";
import { cancelCodeJob } from "@/server/services/cancel-code-job";
import { getCodeJob } from "@/server/services/get-code-job";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";

export const adminJobsRouter = createTRPCRouter({
  get: staffProcedure.input(jobIdInput).query(({ input }) => getCodeJob(input.jobId)),
  cancel: adminProcedure.input(jobIdInput).mutation(({ input }) => cancelCodeJob(input.jobId)),
});
