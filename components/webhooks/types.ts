import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Outputs = inferRouterOutputs<AppRouter>["admin"]["webhooks"];
export type WebhookEndpoint = Outputs["list"][number];
export type WebhookDelivery = Outputs["deliveries"][number];
