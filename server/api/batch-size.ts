/**
 * Calls per batched tRPC request; a bigger batch is refused whole (400). Every call in a batch is
 * judged, and rate-limited, on its own. The browser's batch link sends at most this many (maxItems).
 */
export const TRPC_MAX_BATCH_SIZE = 10;
