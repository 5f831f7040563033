import { z } from "zod";
import { voidRedemption } from "@/server/services/void-redemption";
import { adminProcedure, createTRPCRouter } from "../../trpc";

export const voidRedemptionInput = z
  .object({
    redemptionId: z.uuid().optional(),
    orderId: z.string().trim().min(1).max(200).optional(),
    reason: z.string().trim().min(1, { error: "Say why (e.g. order cancelled)." }).max(500),
  })
  .refine((v) => (v.redemptionId === undefined) !== (v.orderId === undefined), {
    message: "Give either redemptionId or orderId.",
  });

export const adminRedemptionsRouter = createTRPCRouter({
  void: adminProcedure.input(voidRedemptionInput).mutation(({ input }) => voidRedemption(input)),
});
