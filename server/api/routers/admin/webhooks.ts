import {
  createWebhookEndpointInput,
  listWebhookDeliveriesInput,
  replayWebhookDeliveryInput,
  updateWebhookEndpointInput,
  webhookEndpointRef,
} from "@/server/domain/webhook-inputs";
import { createWebhookEndpoint } from "@/server/services/webhooks/create-webhook-endpoint";
import { deleteWebhookEndpoint } from "@/server/services/webhooks/delete-webhook-endpoint";
import { listWebhookDeliveries } from "@/server/services/webhooks/list-webhook-deliveries";
import { listWebhookEndpoints } from "@/server/services/webhooks/list-webhook-endpoints";
import { replayWebhookDelivery } from "@/server/services/webhooks/replay-webhook-delivery";
import { revealWebhookSecret } from "@/server/services/webhooks/reveal-webhook-secret";
import { sendTestWebhookEvent } from "@/server/services/webhooks/send-test-webhook-event";
import { updateWebhookEndpoint } from "@/server/services/webhooks/update-webhook-endpoint";
import { adminProcedure, createTRPCRouter, staffProcedure } from "../../trpc";
import { actorOf } from "./actor";

// Reads (endpoints without secrets, the delivery log): admin or viewer. Every change, the secret and
// replays/test sends: admin only.
export const adminWebhooksRouter = createTRPCRouter({
  list: staffProcedure.query(() => listWebhookEndpoints()),
  deliveries: staffProcedure.input(listWebhookDeliveriesInput).query(({ input }) => listWebhookDeliveries(input)),
  create: adminProcedure
    .input(createWebhookEndpointInput)
    .mutation(({ ctx, input }) => createWebhookEndpoint(input, actorOf(ctx))),
  update: adminProcedure
    .input(updateWebhookEndpointInput)
    .mutation(({ ctx, input }) => updateWebhookEndpoint(input, actorOf(ctx))),
  delete: adminProcedure
    .input(webhookEndpointRef)
    .mutation(({ ctx, input }) => deleteWebhookEndpoint(input, actorOf(ctx))),
  revealSecret: adminProcedure
    .input(webhookEndpointRef)
    .mutation(({ ctx, input }) => revealWebhookSecret(input, actorOf(ctx))),
  replay: adminProcedure
    .input(replayWebhookDeliveryInput)
    .mutation(({ ctx, input }) => replayWebhookDelivery(input, actorOf(ctx))),
  sendTest: adminProcedure
    .input(webhookEndpointRef)
    .mutation(({ ctx, input }) => sendTestWebhookEvent(input, actorOf(ctx))),
});
