"use client";

import { ShoppingCart } from "lucide-react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { cartActions, useCart } from "./cart-store";

export function AddToCartButton({ productId, name }: { productId: string; name: string }) {
  const cart = useCart();
  const router = useRouter();
  const inCart = cart.lines.find((l) => l.productId === productId)?.quantity ?? 0;
  return (
    <Button
      variant="outline"
      className="w-full"
      aria-label={`Add ${name} to cart`}
      onClick={() => {
        cartActions.add(productId);
        toast.success(`${name} added to your cart`, {
          action: { label: "View cart", onClick: () => router.push("/cart") },
        });
      }}
    >
      <ShoppingCart aria-hidden />
      {inCart > 0 ? `Add another (${inCart} in cart)` : "Add to cart"}
    </Button>
  );
}
