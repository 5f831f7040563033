"use client";

import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

/** "From" and "To" date inputs of a list's filter bar (yyyy-mm-dd, kept in the URL by the caller). */
export function DateRangeFilter({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (range: { from: string } | { to: string }) => void;
}) {
  return (
    <>
      <div className="grid gap-1.5">
        <Label htmlFor="filter-from">From</Label>
        <Input id="filter-from" type="date" value={from} onChange={(e) => onChange({ from: e.target.value })} />
      </div>
      <div className="grid gap-1.5">
        <Label htmlFor="filter-to">To</Label>
        <Input id="filter-to" type="date" value={to} onChange={(e) => onChange({ to: e.target.value })} />
      </div>
    </>
  );
}
