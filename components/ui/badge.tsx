import { cva, type VariantProps } from "class-variance-authority";
import { Slot } from "radix-ui";
import { cn } from "./cn";

export const badgeVariants = cva(
  "inline-flex w-fit shrink-0 items-center justify-center gap-1 overflow-hidden rounded-md border px-2 py-0.5 text-xs font-medium whitespace-nowrap transition-[color,box-shadow] focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/50 [&>svg]:pointer-events-none [&>svg]:size-3",
  {
    variants: {
      variant: {
        default: "border-transparent bg-primary text-primary-foreground",
        secondary: "border-transparent bg-secondary text-secondary-foreground",
        // Text a shade darker than the tint it sits on: at least 4.5:1 (WCAG AA) on the tinted background.
        destructive: "border-transparent bg-destructive/10 text-red-700 dark:text-red-300",
        outline: "text-foreground",
        success: "border-transparent bg-success/12 text-emerald-800 dark:text-emerald-300",
        warning: "border-transparent bg-warning/15 text-amber-800 dark:text-amber-300",
        info: "border-transparent bg-primary/10 text-primary dark:text-blue-300",
      },
    },
    defaultVariants: { variant: "default" },
  },
);

/** Older colour names, mapped to the variants. */
const TONE_VARIANT = {
  green: "success",
  amber: "warning",
  red: "destructive",
  slate: "secondary",
  blue: "info",
} as const;

export type BadgeProps = React.ComponentProps<"span"> &
  VariantProps<typeof badgeVariants> & { asChild?: boolean; tone?: keyof typeof TONE_VARIANT };

export function Badge({ className, variant, tone, asChild = false, ...props }: BadgeProps) {
  const Comp = asChild ? Slot.Root : "span";
  return (
    <Comp
      data-slot="badge"
      className={cn(badgeVariants({ variant: variant ?? (tone ? TONE_VARIANT[tone] : undefined) }), className)}
      {...props}
    />
  );
}
