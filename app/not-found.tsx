import Link from "next/link";
import { Card } from "@/components/ui/card";

export default function NotFound() {
  return (
    <Card className="mx-auto max-w-md p-8 text-center">
      <p className="text-brand-600 text-sm font-semibold">404</p>
      <h1 className="mt-1 text-2xl font-bold">Page not found</h1>
      <Link href="/" className="text-brand-600 hover:text-brand-700 mt-6 inline-block text-sm font-semibold">
        Back to the shop
      </Link>
    </Card>
  );
}
