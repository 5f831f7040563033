import type { Metadata } from "next";
import { Suspense } from "react";
import { ImportCodesForm } from "@/components/bulk-codes/import-codes-form";

export const metadata: Metadata = { title: "Import codes" };

export default function ImportCodesPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Import codes</h1>
      <Suspense>
        <ImportCodesForm />
      </Suspense>
    </div>
  );
}
