import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OrderHistory } from "@/components/orders/order-history";
import { auth } from "@/server/auth";
import { currentGuestId } from "@/server/auth/current-guest";

export const metadata: Metadata = { title: "Your orders" };

export default async function OrdersPage() {
  // A guest sees its own orders (its signed cookie); anyone else signs in.
  const [session, guestId] = await Promise.all([auth(), currentGuestId()]);
  if (!session?.user?.id && !guestId) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/orders")}`);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Your orders</h1>
      <OrderHistory />
    </div>
  );
}
