import type { Metadata } from "next";
import { Suspense } from "react";
import { GenerateCodesForm } from "@/components/bulk-codes/generate-codes-form";

export const metadata: Metadata = { title: "Generate codes" };

export default function GenerateCodesPage() {
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Generate codes</h1>
      <Suspense>
        <GenerateCodesForm />
      </Suspense>
    </div>
  );
}
