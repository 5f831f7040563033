"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";

const NO_BOOK = "none";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An optional book of the chosen coupon (admin.books.list), for codes generated or imported into it. */
export function BookSelect({
  id,
  couponId,
  value,
  onChange,
}: {
  id: string;
  couponId: string;
  value: string;
  onChange: (bookId: string) => void;
}) {
  const trpc = useTRPC();
  const books = useQuery({
    ...trpc.admin.books.list.queryOptions({ couponId }),
    enabled: UUID.test(couponId),
  });
  const items = books.data ?? [];
  return (
    <Select value={value || NO_BOOK} onValueChange={(next) => onChange(next === NO_BOOK ? "" : next)}>
      <SelectTrigger id={id} className="w-full" disabled={!UUID.test(couponId)} data-testid="book-select">
        <SelectValue placeholder="No book" />
      </SelectTrigger>
      <SelectContent>
        <SelectItem value={NO_BOOK}>No book</SelectItem>
        {items.map((book) => (
          <SelectItem key={book.id} value={book.id}>
            {book.name} ({book.codes.toLocaleString("en-US")} codes)
          </SelectItem>
        ))}
        {/* A preselected book (?bookId=) shows by name once the list is in. */}
        {value && !items.some((b) => b.id === value) && <SelectItem value={value}>This book</SelectItem>}
      </SelectContent>
    </Select>
  );
}
