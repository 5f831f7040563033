import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ClaimBooks } from "@/components/wallet/claim-books";
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
          Codes given to you personally, and books you may claim a code from. Apply one to your cart in a click.
        </p>
      </div>
      <ClaimBooks />
      <section aria-labelledby="wallet-codes-heading" className="space-y-3">
        <h2 id="wallet-codes-heading" className="text-lg font-semibold">
          Your codes
        </h2>
        <WalletList />
      </section>
    </div>
  );
}
