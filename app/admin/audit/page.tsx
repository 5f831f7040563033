import type { Metadata } from "next";
import { Suspense } from "react";
import { AuditList } from "@/components/admin/audit-list";
import { PageHeader } from "@/components/admin/page-header";
import { TableSkeleton } from "@/components/admin/states";

export const metadata: Metadata = { title: "Audit log" };

export default function AuditPage() {
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Audit log" }]}
        title="Audit log"
        description="Who changed what, when, with the fields before and after."
      />
      <Suspense fallback={<TableSkeleton />}>
        <AuditList />
      </Suspense>
    </>
  );
}
