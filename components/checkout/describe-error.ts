import { isTRPCClientError } from "@trpc/client";
import type { RejectedCode } from "./types";

/** A failed checkout call in words: its reason, the per-code refusals (lock and redeem), and the message. */
export function describeCheckoutError(error: unknown): {
  reason: string | null;
  rejected: RejectedCode[];
  message: string;
} {
  if (isTRPCClientError(error)) {
    const data = (error.data ?? {}) as { reason?: string | null; details?: { rejected?: RejectedCode[] } | null };
    return { reason: data.reason ?? null, rejected: data.details?.rejected ?? [], message: error.message };
  }
  return {
    reason: null,
    rejected: [],
    message: "Something went wrong on our side; nothing was charged. Please try again.",
  };
}
