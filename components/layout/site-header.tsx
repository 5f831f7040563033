import Link from "next/link";
import { auth } from "@/server/auth";
import { currentGuestId } from "@/server/auth/current-guest";
import { isStaff } from "@/server/auth/roles";
import { Badge } from "@/components/ui/badge";
import { CartLink } from "@/components/shop/cart-link";

export async function SiteHeader() {
  const [session, guestId] = await Promise.all([auth(), currentGuestId()]);
  const user = session?.user;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex h-14 max-w-6xl items-center justify-between px-4">
        <div className="flex items-center gap-6">
          <Link href="/" className="flex items-center gap-2 text-lg font-bold tracking-tight text-slate-900">
            <span aria-hidden className="bg-brand-600 rounded-md px-1.5 py-0.5 text-sm text-white">
              %
            </span>
            CouponForge
          </Link>
          <nav className="flex items-center gap-4 text-sm font-medium text-slate-600">
            <Link href="/" className="hover:text-slate-900">
              Shop
            </Link>
            {(user || guestId) && (
              <Link href="/orders" className="hover:text-slate-900">
                Orders
              </Link>
            )}
            {user && (
              <Link href="/wallet" className="hover:text-slate-900">
                Wallet
              </Link>
            )}
            {isStaff(user?.role) && (
              <Link href="/admin" className="hover:text-slate-900">
                Admin
              </Link>
            )}
          </nav>
        </div>
        <div className="flex items-center gap-3 text-sm">
          <span className="font-medium text-slate-600">
            <CartLink />
          </span>
          {user ? (
            <>
              <span className="hidden text-slate-600 sm:inline" data-testid="current-user">
                {user.email}
              </span>
              <Badge tone={user.role === "admin" ? "blue" : user.role === "viewer" ? "amber" : "slate"}>
                {user.role}
              </Badge>
              <Link href="/sign-out" className="font-medium text-slate-600 hover:text-slate-900">
                Sign out
              </Link>
            </>
          ) : (
            <>
              {guestId && (
                <span className="hidden text-slate-600 sm:inline" data-testid="current-guest">
                  Guest
                </span>
              )}
              <Link
                href="/sign-in"
                className="bg-brand-600 hover:bg-brand-700 rounded-lg px-3 py-1.5 font-semibold text-white"
              >
                Sign in
              </Link>
            </>
          )}
        </div>
      </div>
    </header>
  );
}
