import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { CouponEditor } from "@/components/admin/coupon-editor";
import { auth } from "@/server/auth";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Edit coupon" };

export default async function EditCouponPage({ params }: { params: Promise<{ id: string }> }) {
  const session = await auth();
  if (session?.user.role !== "admin") forbidden();
  const { id } = await params;
  return <CouponEditor id={id} defaultExpirationDays={env().DEFAULT_EXPIRATION_DAYS} />;
}
