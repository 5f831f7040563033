"use client";

import {
  BookOpen,
  ChartLine,
  FileUp,
  Gauge,
  History,
  KeyRound,
  KeySquare,
  ReceiptText,
  Sparkles,
  TicketPercent,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { cn } from "@/components/ui/cn";

const ITEMS = [
  { href: "/admin", label: "Overview", icon: Gauge, exact: true },
  { href: "/admin/coupons", label: "Coupons", icon: TicketPercent },
  { href: "/admin/codes", label: "Code look-up", icon: KeyRound },
  { href: "/admin/generate", label: "Generate codes", icon: Sparkles },
  { href: "/admin/import", label: "Import codes", icon: FileUp },
  { href: "/admin/books", label: "Books", icon: BookOpen },
  { href: "/admin/redemptions", label: "Redemptions", icon: ReceiptText },
  { href: "/admin/analytics", label: "Analytics", icon: ChartLine },
  { href: "/admin/audit", label: "Audit log", icon: History },
  { href: "/admin/api-keys", label: "API keys", icon: KeySquare },
];

export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="space-y-1 text-sm">
      {ITEMS.map(({ href, label, icon: Icon, exact }) => {
        const active = exact ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? "page" : undefined}
            className={cn(
              "text-muted-foreground hover:bg-sidebar-accent hover:text-foreground focus-visible:ring-ring/50 flex items-center gap-2 rounded-md px-3 py-2 font-medium transition-colors focus-visible:ring-[3px] focus-visible:outline-none",
              active && "bg-sidebar-accent text-foreground",
            )}
          >
            <Icon className="size-4" aria-hidden />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}
