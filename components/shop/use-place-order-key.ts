"use client";

const STORAGE_KEY = "couponforge.place-order-key";

/**
 * The idempotency key of the order the shopper is placing: the same payload gets the same key until
 * that attempt is settled, so a double click, a reload or a retry after a lost answer finds the
 * order already placed instead of placing (and locking codes for) a second one.
 */
export const placeOrderKey = {
  for(payload: unknown): string {
    const fingerprint = JSON.stringify(payload);
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) ?? "null") as {
        fingerprint: string;
        key: string;
      } | null;
      if (stored?.fingerprint === fingerprint) return stored.key;
    } catch {
      // a damaged entry: make a new key
    }
    const key = `place-${crypto.randomUUID()}`;
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify({ fingerprint, key }));
    return key;
  },
  /** The attempt is settled (paid, declined or refused): the next click is a new order. */
  settle(): void {
    window.sessionStorage.removeItem(STORAGE_KEY);
  },
};
