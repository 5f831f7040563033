import { NuqsAdapter } from "nuqs/adapters/next/app";
import { forbidden, redirect } from "next/navigation";
import { AdminNav } from "@/components/admin/admin-nav";
import { CodeLookupBox } from "@/components/admin/code-lookup-box";
import { RoleProvider } from "@/components/admin/role-context";
import { Badge } from "@/components/ui/badge";
import { auth } from "@/server/auth";
import { isStaff } from "@/server/auth/roles";

// The gate is on the server: no admin markup or data reaches a non-staff browser.
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  const session = await auth();
  if (!session?.user) redirect("/sign-in?callbackUrl=/admin");
  if (!isStaff(session.user.role)) forbidden();
  const role = session.user.role === "admin" ? "admin" : "viewer";
  return (
    <NuqsAdapter>
      <RoleProvider role={role}>
        <div className="grid gap-8 md:grid-cols-[13rem_minmax(0,1fr)]">
          <aside className="space-y-4 md:sticky md:top-4 md:self-start">
            <div className="flex flex-wrap items-center justify-between gap-1 px-3">
              <p className="text-muted-foreground text-xs font-semibold tracking-wide uppercase">Admin console</p>
              {role === "viewer" && (
                <Badge variant="warning" title="You can see everything and change nothing.">
                  read-only
                </Badge>
              )}
            </div>
            <CodeLookupBox />
            <AdminNav />
          </aside>
          <div className="min-w-0">{children}</div>
        </div>
      </RoleProvider>
    </NuqsAdapter>
  );
}
