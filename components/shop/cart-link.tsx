"use client";

import { ShoppingCart } from "lucide-react";
import Link from "next/link";
import { useCart } from "./cart-store";

/** The header's cart link with the number of items (read from the stored cart after hydration). */
export function CartLink() {
  const cart = useCart();
  const count = cart.lines.reduce((n, l) => n + l.quantity, 0);
  return (
    <Link
      href="/cart"
      className="hover:text-foreground relative inline-flex items-center gap-1.5"
      aria-label={count > 0 ? `Cart, ${count} item${count === 1 ? "" : "s"}` : "Cart"}
      data-testid="cart-link"
    >
      <ShoppingCart className="size-4" aria-hidden />
      Cart
      {count > 0 && (
        <span
          aria-hidden
          className="bg-primary text-primary-foreground rounded-full px-1.5 py-0.5 text-xs leading-none font-semibold tabular-nums"
        >
          {count}
        </span>
      )}
    </Link>
  );
}
