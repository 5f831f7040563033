import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { signOut } from "@/server/auth";

export const metadata: Metadata = { title: "Sign out" };

export default function SignOutPage() {
  return (
    <Card className="mx-auto max-w-sm p-8 text-center">
      <h1 className="mb-2 text-xl font-bold">Sign out?</h1>
      <p className="mb-6 text-sm text-slate-500">Your cart and locks stay where they are.</p>
      <form
        action={async () => {
          "use server";
          await signOut({ redirectTo: "/" });
        }}
      >
        <Button type="submit" className="w-full">
          Sign out
        </Button>
      </form>
    </Card>
  );
}
