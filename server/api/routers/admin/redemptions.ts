import { listRedemptionsInput, voidRedemptionInput } from "@/server/domain/admin-inputs";
import { listRedemptions } from "@/server/services/list-redemptions";
import { voidRedemption } from "@/server/services/void-redemption";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

export { voidRedemptionInput };

export const adminRedemptionsRouter = createTRPCRouter({
  list: staffProcedure.input(listRedemptionsInput).query(({ input }) => listRedemptions(input)),
  void: adminProcedure.input(voidRedemptionInput).mutation(({ ctx, input }) => voidRedemption(input, actorOf(ctx))),
});
