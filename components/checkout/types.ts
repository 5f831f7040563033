import type { TRPCClient } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

/** The checkout API's shapes, as the typed tRPC client sees them (API.md: Cart, Quote). */
export type CheckoutCart = inferRouterInputs<AppRouter>["checkout"]["validate"]["cart"];
export type CheckoutQuote = inferRouterOutputs<AppRouter>["checkout"]["validate"];
export type RejectedCode = CheckoutQuote["rejected"][number];
export type AppliedCode = CheckoutQuote["applied"][number];

/** Any tRPC client of this API (the component needs checkout.validate only). */
export type CouponQuoteClient = { checkout: Pick<TRPCClient<AppRouter>["checkout"], "validate"> };
