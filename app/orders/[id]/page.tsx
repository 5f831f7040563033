import type { Metadata } from "next";
import { notFound, redirect } from "next/navigation";
import { OrderDetail } from "@/components/orders/order-detail";
import { auth } from "@/server/auth";
import { currentGuestId } from "@/server/auth/current-guest";

export const metadata: Metadata = { title: "Order" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  // A guest sees its own orders (its signed cookie); anyone else signs in.
  const [session, guestId] = await Promise.all([auth(), currentGuestId()]);
  if (!session?.user?.id && !guestId) redirect(`/sign-in?callbackUrl=${encodeURIComponent(`/orders/${id}`)}`);
  return <OrderDetail orderId={id} />;
}
