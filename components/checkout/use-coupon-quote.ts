"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { CheckoutCart, CheckoutQuote, CouponQuoteClient } from "./types";

/**
 * The live quote of `codes` on `cart` (checkout.validate: read-only, nothing reserved), refreshed
 * whenever either changes; the previous quote stays on screen while the next one loads.
 */
export function useCouponQuote({
  client,
  cart,
  codes,
}: {
  client: CouponQuoteClient;
  cart: CheckoutCart | null;
  codes: string[];
}) {
  const query = useQuery({
    queryKey: ["coupon-quote", cart, codes],
    queryFn: ({ signal }): Promise<CheckoutQuote> =>
      client.checkout.validate.mutate({ codes, cart: cart! }, { signal }),
    enabled: cart !== null && cart.items.length > 0,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 10_000,
  });
  return {
    quote: cart === null || cart.items.length === 0 ? undefined : query.data,
    /** The quote shown is for other codes or another cart than the current ones. */
    checking: query.isFetching,
    error: query.error ? query.error.message : null,
    refresh: query.refetch,
  };
}
