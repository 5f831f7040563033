import { CircleAlert, Inbox, SearchX } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";

/** Nothing made yet (with the way to make the first), or nothing matches the filters (with a way out). */
export function EmptyState({
  filtered,
  title,
  children,
  action,
}: {
  filtered?: boolean;
  title: string;
  children?: React.ReactNode;
  action?: React.ReactNode;
}) {
  const Icon = filtered ? SearchX : Inbox;
  return (
    <div
      className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-6 py-12 text-center"
      data-testid="empty-state"
    >
      <Icon className="text-muted-foreground size-8" aria-hidden />
      <p className="font-medium">{title}</p>
      {children && <div className="text-muted-foreground max-w-md text-sm">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: { message: string }; onRetry?: () => void }) {
  return (
    <div
      role="alert"
      className="border-destructive/30 bg-destructive/5 flex flex-col items-center gap-2 rounded-lg border px-6 py-10 text-center"
    >
      <CircleAlert className="text-destructive size-8" aria-hidden />
      <p className="font-medium">Could not load this.</p>
      <p className="text-muted-foreground max-w-md text-sm">{error.message}</p>
      {onRetry && (
        <Button variant="outline" size="sm" onClick={onRetry}>
          Try again
        </Button>
      )}
    </div>
  );
}

export function TableSkeleton({ rows = 5, columns = 5 }: { rows?: number; columns?: number }) {
  return (
    <div className="space-y-2" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, r) => (
        <div key={r} className="flex gap-3">
          {Array.from({ length: columns }, (_, c) => (
            <Skeleton key={c} className="h-8 flex-1" />
          ))}
        </div>
      ))}
    </div>
  );
}
