import type { Metadata } from "next";
import { SiteHeader } from "@/components/layout/site-header";
import { TRPCReactProvider } from "@/components/providers/trpc-provider";
import { Toaster } from "@/components/ui/sonner";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "CouponForge", template: "%s · CouponForge" },
  description: "Coupon codes with race-free limits, exactly-once redemption and exact money allocation.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen">
        <TRPCReactProvider>
          <SiteHeader />
          <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
          <Toaster />
        </TRPCReactProvider>
      </body>
    </html>
  );
}
