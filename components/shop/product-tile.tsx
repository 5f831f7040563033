import { cn } from "@/components/ui/cn";

const TONES: Record<string, string> = {
  coffee: "from-amber-700 to-amber-900",
  tea: "from-emerald-500 to-emerald-700",
  gear: "from-slate-500 to-slate-700",
  snacks: "from-rose-400 to-rose-600",
  merch: "from-indigo-400 to-indigo-600",
};

/** A product picture stand-in: the initials on the category's colour (no image or emoji font needed). */
export function ProductTile({ name, categoryId, className }: { name: string; categoryId: string; className?: string }) {
  const initials = name
    .split(/\s+/)
    .filter((w) => /^[A-Za-z]/.test(w))
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("");
  return (
    <div
      aria-hidden
      className={cn(
        "flex h-20 items-center justify-center rounded-lg bg-gradient-to-br text-2xl font-bold tracking-wider text-white/90",
        TONES[categoryId] ?? "from-slate-400 to-slate-600",
        className,
      )}
    >
      {initials}
    </div>
  );
}
