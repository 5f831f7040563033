import type { Metadata } from "next";
import { Suspense } from "react";
import { CodeLookup } from "@/components/admin/code-lookup";
import { PageHeader } from "@/components/admin/page-header";
import { TableSkeleton } from "@/components/admin/states";

export const metadata: Metadata = { title: "Code look-up" };

export default function CodesPage() {
  return (
    <>
      <PageHeader
        crumbs={[{ label: "Code look-up" }]}
        title="Code look-up"
        description="Find any code: its coupon, state, uses and history."
      />
      <Suspense fallback={<TableSkeleton />}>
        <CodeLookup />
      </Suspense>
    </>
  );
}
