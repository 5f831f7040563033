import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OrderHistory } from "@/components/orders/order-history";
import { auth } from "@/server/auth";

export const metadata: Metadata = { title: "Your orders" };

export default async function OrdersPage() {
  const session = await auth();
  if (!session?.user?.id) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/orders")}`);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Your orders</h1>
      <OrderHistory />
    </div>
  );
}
