import Link from "next/link";
import { Card } from "@/components/ui/card";

export default function Forbidden() {
  return (
    <Card className="mx-auto max-w-md p-8 text-center">
      <p className="text-sm font-semibold text-rose-600">403</p>
      <h1 className="mt-1 text-2xl font-bold">Admins only</h1>
      <p className="mt-2 text-sm text-slate-500">
        Your account can shop, but the admin console needs the admin or viewer role.
      </p>
      <Link href="/" className="text-brand-600 hover:text-brand-700 mt-6 inline-block text-sm font-semibold">
        Back to the shop
      </Link>
    </Card>
  );
}
