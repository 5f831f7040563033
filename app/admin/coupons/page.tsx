import { Plus } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { CouponsList } from "@/components/admin/coupons-list";
import { PageHeader } from "@/components/admin/page-header";
import { TableSkeleton } from "@/components/admin/states";
import { Button } from "@/components/ui/button";
import { auth } from "@/server/auth";

export const metadata: Metadata = { title: "Coupons" };

export default async function CouponsPage() {
  const session = await auth();
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Coupons" }]}
        title="Coupons"
        description="Every promotion, its status and how much of it is used."
        actions={
          session?.user.role === "admin" && (
            <Button asChild>
              <Link href="/admin/coupons/new">
                <Plus /> New coupon
              </Link>
            </Button>
          )
        }
      />
      <Suspense fallback={<TableSkeleton />}>
        <CouponsList />
      </Suspense>
    </>
  );
}
