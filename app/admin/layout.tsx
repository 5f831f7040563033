import Link from "next/link";
import { forbidden, redirect } from "next/navigation";
import { auth } from "@/server/auth";
import { isStaff } from "@/server/auth/roles";

// The gate is on the server: no admin markup or data reaches a non-staff browser.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const session = await auth();
  if (!session?.user) redirect("/sign-in?callbackUrl=/admin");
  if (!isStaff(session.user.role)) forbidden();
  return (
    <div className="grid gap-8 md:grid-cols-[12rem_1fr]">
      <aside className="space-y-1 text-sm">
        <p className="px-3 pb-2 text-xs font-semibold tracking-wide text-slate-400 uppercase">Admin console</p>
        <Link href="/admin" className="block rounded-lg px-3 py-2 font-medium text-slate-700 hover:bg-white">
          Overview
        </Link>
      </aside>
      <div>{children}</div>
    </div>
  );
}
