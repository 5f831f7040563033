import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/components/admin/page-header";
import { RedemptionsList } from "@/components/admin/redemptions-list";
import { TableSkeleton } from "@/components/admin/states";

export const metadata: Metadata = { title: "Redemptions" };

export default function RedemptionsPage() {
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Redemptions" }]}
        title="Redemptions"
        description="Every order that used a code, newest first. Void one when its order is cancelled or refunded."
      />
      <Suspense fallback={<TableSkeleton />}>
        <RedemptionsList />
      </Suspense>
    </>
  );
}
