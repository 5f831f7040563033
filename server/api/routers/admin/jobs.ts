import { jobIdInput } from "@/server/domain/code-job-inputs";
import { cancelCodeJob } from "@/server/services/cancel-code-job";
import { getCodeJob } from "@/server/services/get-code-job";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

export const adminJobsRouter = createTRPCRouter({
  get: staffProcedure.input(jobIdInput).query(({ input }) => getCodeJob(input.jobId)),
  cancel: adminProcedure.input(jobIdInput).mutation(({ ctx, input }) => cancelCodeJob(input.jobId, actorOf(ctx))),
});
