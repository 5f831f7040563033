import { listRedemptionsInput, voidRedemptionInput } from "@/server/domain/admin-inputs";
import { listRedemptions } from "@/server/services/list-redemptions";
import { voidRedemption } from "@/server/services/void-redemption";
import { adminOrKeyProcedure, createTRPCRouter, staffOrKeyProcedure } from "../../trpc";
import { documented, ListItemOut, pageOf, VoidOut } from "../../rest-schemas";
import { restRoute } from "./rest-route";

export { voidRedemptionInput };

export const adminRedemptionsRouter = createTRPCRouter({
  list: staffOrKeyProcedure
    .meta(restRoute("POST", "/redemptions/search", "redemptions", "Redemption history (filtered, keyset pages)"))
    .input(listRedemptionsInput)
    .output(documented<Awaited<ReturnType<typeof listRedemptions>>>(pageOf(ListItemOut)))
    .query(({ input }) => listRedemptions(input)),
  void: adminOrKeyProcedure
    .meta(restRoute("POST", "/redemptions/void", "redemptions", "Void a redemption (or an order's), with a reason"))
    .input(voidRedemptionInput)
    .output(documented<Awaited<ReturnType<typeof voidRedemption>>>(VoidOut))
    .mutation(({ ctx, input }) => voidRedemption(input, ctx.actor)),
});
