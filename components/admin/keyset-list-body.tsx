"use client";

import type { ReactNode } from "react";
import { KeysetPager } from "./keyset-pager";
import { ErrorState, TableSkeleton } from "./states";

type KeysetList<Item> = {
  isPending: boolean;
  isError: boolean;
  isPlaceholderData: boolean;
  error: { message: string } | null;
  data: { items: Item[]; nextCursor: string | null } | undefined;
  refetch: () => unknown;
};

/**
 * A keyset list's body: a skeleton while it loads, the error with a retry, the empty state, or the rows
 * (dimmed while the next page loads) with the pager over the trail of cursors kept in the URL.
 */
export function KeysetListBody<Item>({
  list,
  pages,
  onPagesChange,
  empty,
  children,
}: {
  list: KeysetList<Item>;
  pages: string[];
  onPagesChange: (pages: string[]) => void;
  empty: ReactNode;
  children: (items: Item[]) => ReactNode;
}) {
  if (list.isPending) return <TableSkeleton />;
  if (list.isError || !list.data)
    return <ErrorState error={list.error ?? { message: "Could not load." }} onRetry={() => void list.refetch()} />;
  if (list.data.items.length === 0) return empty;
  return (
    <div className={list.isPlaceholderData ? "opacity-60 transition-opacity" : undefined}>
      {children(list.data.items)}
      <KeysetPager
        trail={pages}
        nextCursor={list.data.nextCursor}
        count={list.data.items.length}
        onChange={onPagesChange}
      />
    </div>
  );
}
