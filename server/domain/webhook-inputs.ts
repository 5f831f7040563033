// Input schemas of admin.webhooks.*; the console's forms use the same ones.

import { z } from "zod";
import { StoredText } from "./schemas";
import { WEBHOOK_EVENT_TYPES } from "./webhook-events";

export const webhookEndpointId = z.uuid({ error: "An endpoint id is a UUID." });

/**
 * Where events go: an absolute http(s) URL without credentials or fragment. Other schemes (file:,
 * gopher:, ftp:, data:, ...) are refused here; which hosts a URL may reach (no private or loopback
 * addresses in production) is decided at delivery, on the resolved address (post-webhook.ts).
 */
export const webhookUrl = z
  .string({ error: "A URL is text." })
  .trim()
  .min(1, { error: "A URL is required." })
  .max(2_000, { error: "A URL has at most 2,000 characters." })
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Not a URL: write it in full, e.g. https://example.com/webhooks." });
      return;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:")
      ctx.addIssue({ code: "custom", message: "Only http:// and https:// URLs can receive webhooks." });
    else if (url.username || url.password)
      ctx.addIssue({ code: "custom", message: "Put no user or password in the URL: webhooks are signed instead." });
    else if (url.hash) ctx.addIssue({ code: "custom", message: "A webhook URL has no #fragment." });
  });

export const webhookEventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `An event type is one of ${WEBHOOK_EVENT_TYPES.join(", ")}.` }), {
    error: "eventTypes is a list of event types.",
  })
  .min(1, { error: "Choose at least one event type." })
  .max(WEBHOOK_EVENT_TYPES.length, { error: "Each event type once." })
  .refine((types) => new Set(types).size === types.length, { error: "Each event type once." });

const description = StoredText(200, "A description").trim().default("");

export const createWebhookEndpointInput = z.object({
  url: webhookUrl,
  description,
  eventTypes: webhookEventTypes,
  enabled: z.boolean().default(true),
});
export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointInput>;

/** Every field but the id is optional: only what is given changes. Enabling clears an auto-disable notice. */
export const updateWebhookEndpointInput = z.object({
  id: webhookEndpointId,
  url: webhookUrl.optional(),
  description: description.optional(),
  eventTypes: webhookEventTypes.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointInput>;

export const webhookEndpointRef = z.object({ id: webhookEndpointId });

export const listWebhookDeliveriesInput = z.object({
  endpointId: webhookEndpointId,
  limit: z
    .int({ error: "limit is an integer." })
    .min(1, { error: "limit is at least 1." })
    .max(100, { error: "limit is at most 100." })
    .default(50),
});

export const replayWebhookDeliveryInput = z.object({ deliveryId: z.uuid({ error: "A delivery id is a UUID." }) });
