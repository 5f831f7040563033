import { checkHealth } from "@/server/services/check-health";
import { publicProcedure } from "../trpc";

export const healthProcedure = publicProcedure.query(() => checkHealth());
