import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { WalletList } from "@/components/wallet/wallet-list";
import { auth } from "@/server/auth";

export const metadata: Metadata = { title: "Wallet" };

export default async function WalletPage() {
  const session = await auth();
  if (!session?.user?.id) redirect(`/sign-in?callbackUrl=${encodeURIComponent("/wallet")}`);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Your wallet</h1>
        <p className="text-muted-foreground text-sm">
          Codes given to you personally. Apply one to your cart in a click. (Claiming a code from a coupon book comes
          with books.)
        </p>
      </div>
      <WalletList />
    </div>
  );
}
