import type { Metadata } from "next";
import { SystemStatus } from "@/components/admin/system-status";
import { Card } from "@/components/ui/card";
import { getAdminOverview } from "@/server/services/get-admin-overview";

export const metadata: Metadata = { title: "Admin" };
export const dynamic = "force-dynamic";

export default async function AdminOverviewPage() {
  const overview = await getAdminOverview();
  const stats = [
    { label: "Accounts", value: overview.users },
    { label: "Shoppers", value: overview.shoppers },
    { label: "Products", value: overview.products },
    { label: "Categories", value: overview.categories },
  ];
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold tracking-tight">Overview</h1>
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {stats.map((s) => (
          <Card key={s.label}>
            <p className="text-sm text-slate-500">{s.label}</p>
            <p className="mt-1 text-3xl font-semibold" data-testid={`stat-${s.label.toLowerCase()}`}>
              {s.value}
            </p>
          </Card>
        ))}
      </div>
      <SystemStatus />
    </div>
  );
}
