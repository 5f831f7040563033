import type { Metadata } from "next";
import { CouponDetail } from "@/components/admin/coupon-detail";

export const metadata: Metadata = { title: "Coupon" };

export default async function CouponPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <CouponDetail id={id} />;
}
