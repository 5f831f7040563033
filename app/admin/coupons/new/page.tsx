import type { Metadata } from "next";
import { forbidden } from "next/navigation";
import { CouponForm } from "@/components/admin/coupon-form";
import { PageHeader } from "@/components/admin/page-header";
import { auth } from "@/server/auth";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "New coupon" };

export default async function NewCouponPage() {
  const session = await auth();
  if (session?.user.role !== "admin") forbidden();
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Coupons", href: "/admin/coupons" }, { label: "New coupon" }]}
        title="New coupon"
        description="The rules of a promotion. Its codes come next, on the coupon's page."
      />
      <CouponForm defaultExpirationDays={env().DEFAULT_EXPIRATION_DAYS} />
    </>
  );
}
