"use client";

import { ChevronLeft, ChevronRight } from "lucide-react";
import { Button } from "@/components/ui/button";

/**
 * Keyset paging: "Next" follows the server's cursor; "Previous" walks back the cursors seen
 * (kept in the URL by the caller, so a page can be shared and reloaded).
 */
export function KeysetPager({
  trail,
  nextCursor,
  onChange,
  count,
}: {
  trail: string[];
  nextCursor: string | null | undefined;
  onChange: (trail: string[]) => void;
  count: number;
}) {
  const page = trail.length + 1;
  return (
    <div className="text-muted-foreground flex items-center justify-between gap-2 py-3 text-sm">
      <span>
        Page {page}
        {count > 0 ? ` · ${count} shown` : ""}
      </span>
      <div className="flex gap-2">
        <Button variant="outline" size="sm" disabled={trail.length === 0} onClick={() => onChange(trail.slice(0, -1))}>
          <ChevronLeft /> Previous
        </Button>
        <Button
          variant="outline"
          size="sm"
          disabled={!nextCursor}
          onClick={() => nextCursor && onChange([...trail, nextCursor])}
        >
          Next <ChevronRight />
        </Button>
      </div>
    </div>
  );
}
