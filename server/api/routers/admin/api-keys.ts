import { createApiKeyInput, revokeApiKeyInput, rotateApiKeyInput } from "@/server/domain/api-key-inputs";
import { createApiKey } from "@/server/services/create-api-key";
import { listApiKeys } from "@/server/services/list-api-keys";
import { revokeApiKey } from "@/server/services/revoke-api-key";
import { rotateApiKey } from "@/server/services/rotate-api-key";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

// Signed-in staff only, never an API key: a key must not mint or renew keys.
export const adminApiKeysRouter = createTRPCRouter({
  list: staffProcedure.query(() => listApiKeys()),
  create: adminProcedure.input(createApiKeyInput).mutation(({ ctx, input }) => createApiKey(input, actorOf(ctx))),
  revoke: adminProcedure.input(revokeApiKeyInput).mutation(({ ctx, input }) => revokeApiKey(input, actorOf(ctx))),
  rotate: adminProcedure.input(rotateApiKeyInput).mutation(({ ctx, input }) => rotateApiKey(input, actorOf(ctx))),
});
