import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { DEMO_ACCOUNTS } from "@/server/db/demo-data";
import { env } from "@/server/env";
import { safeCallbackPath } from "@/server/auth/safe-callback-path";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  // Known passwords are shown only where they were seeded (embedded database, or SEED_DEMO=1).
  const showDemo = env().SEED_DEMO;
  return (
    <div className="mx-auto grid max-w-4xl gap-8 md:grid-cols-2">
      <Card className="p-8">
        <h1 className="mb-1 text-2xl font-bold tracking-tight">Sign in</h1>
        <p className="mb-6 text-sm text-slate-500">Admins and viewers reach the console; shoppers the demo checkout.</p>
        <SignInForm callbackUrl={safeCallbackPath(callbackUrl)} />
      </Card>
      {showDemo && (
        <Card className="bg-slate-50 p-8" data-testid="demo-accounts">
          <h2 className="mb-3 text-sm font-semibold tracking-wide text-slate-500 uppercase">Demo accounts</h2>
          <ul className="space-y-2 text-sm">
            {DEMO_ACCOUNTS.map((a) => (
              <li key={a.email} className="flex flex-wrap justify-between gap-2">
                <span>
                  <span className="font-medium">{a.role}</span> · {a.email}
                </span>
                <code className="text-slate-500">{a.password}</code>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </div>
  );
}
