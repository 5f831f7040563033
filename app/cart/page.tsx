import type { Metadata } from "next";
import { CartView } from "@/components/shop/cart-view";
import { auth } from "@/server/auth";
import { currentGuestId } from "@/server/auth/current-guest";
import { getCatalog } from "@/server/services/get-catalog";

export const metadata: Metadata = { title: "Cart" };
export const dynamic = "force-dynamic";

export default async function CartPage() {
  const [catalog, session, guestId] = await Promise.all([getCatalog(), auth(), currentGuestId()]);
  const products = catalog.flatMap((c) =>
    c.products.map((p) => ({
      id: p.id,
      name: p.name,
      unitPrice: p.unitPrice,
      currency: p.currency,
      categoryId: p.categoryId,
    })),
  );
  return <CartView products={products} signedIn={Boolean(session?.user?.id)} guest={guestId !== null} />;
}
