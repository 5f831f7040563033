"use client";

import { useSyncExternalStore } from "react";
import { SHIPPING_METHODS, type ShippingMethod } from "@/server/domain/shipping";

export type CartLine = { productId: string; quantity: number };
export type CartState = { lines: CartLine[]; shippingMethod: ShippingMethod; codes: string[] };

export const MAX_QUANTITY = 99;
const STORAGE_KEY = "couponforge.cart.v1";
const EMPTY: CartState = { lines: [], shippingMethod: "standard", codes: [] };

// The cart lives in localStorage: it survives reloads and signing in (same origin), and tabs share it.
let cached: { raw: string | null; state: CartState } = { raw: null, state: EMPTY };
const listeners = new Set<() => void>();

function parse(raw: string | null): CartState {
  if (!raw) return EMPTY;
  try {
    const value = JSON.parse(raw) as Partial<CartState>;
    const lines = Array.isArray(value.lines)
      ? value.lines
          .filter((l) => typeof l?.productId === "string" && Number.isInteger(l.quantity) && l.quantity > 0)
          .map((l) => ({ productId: l.productId, quantity: Math.min(l.quantity, MAX_QUANTITY) }))
      : [];
    const shippingMethod = SHIPPING_METHODS.includes(value.shippingMethod as ShippingMethod)
      ? (value.shippingMethod as ShippingMethod)
      : "standard";
    const codes = Array.isArray(value.codes) ? value.codes.filter((c) => typeof c === "string") : [];
    return { lines, shippingMethod, codes };
  } catch {
    return EMPTY;
  }
}

function read(): CartState {
  const raw = window.localStorage.getItem(STORAGE_KEY);
  if (raw !== cached.raw) cached = { raw, state: parse(raw) };
  return cached.state;
}

function write(next: CartState): void {
  window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (event: StorageEvent) => event.key === STORAGE_KEY && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** The cart, and whether it has been read from storage yet (false during server rendering and hydration). */
export function useCart(): CartState & { ready: boolean } {
  const state = useSyncExternalStore(subscribe, read, () => EMPTY);
  const ready = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return { ...state, ready };
}

export const cartActions = {
  add(productId: string, quantity = 1): void {
    const state = read();
    const existing = state.lines.find((l) => l.productId === productId);
    const lines = existing
      ? state.lines.map((l) =>
          l.productId === productId ? { ...l, quantity: Math.min(MAX_QUANTITY, l.quantity + quantity) } : l,
        )
      : [...state.lines, { productId, quantity: Math.min(MAX_QUANTITY, quantity) }];
    write({ ...state, lines });
  },
  setQuantity(productId: string, quantity: number): void {
    const state = read();
    if (quantity <= 0) return cartActions.remove(productId);
    write({
      ...state,
      lines: state.lines.map((l) =>
        l.productId === productId ? { ...l, quantity: Math.min(MAX_QUANTITY, quantity) } : l,
      ),
    });
  },
  remove(productId: string): void {
    const state = read();
    write({ ...state, lines: state.lines.filter((l) => l.productId !== productId) });
  },
  setShippingMethod(shippingMethod: ShippingMethod): void {
    write({ ...read(), shippingMethod });
  },
  setCodes(codes: string[]): void {
    write({ ...read(), codes });
  },
  /** After a paid order: the lines and codes go, the shipping choice stays. */
  clear(): void {
    write({ ...read(), lines: [], codes: [] });
  },
};
