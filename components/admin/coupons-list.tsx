"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { ArrowDownUp, Plus, X } from "lucide-react";
import Link from "next/link";
import { parseAsArrayOf, parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import { useEffect, useMemo, useState } from "react";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { COUPON_SORTS, COUPON_WINDOWS } from "@/server/domain/admin-inputs";
import { COUPON_LIFECYCLE_STATUSES, STATUS_LABELS } from "@/server/domain/coupon-status";
import { describeValue, formatDate } from "@/server/domain/describe-coupon";
import { COUPON_KINDS } from "@/server/domain/schemas";
import { CopyButton } from "./copy-button";
import { DataTable, type AdminColumn } from "./data-table";
import { KeysetListBody } from "./keyset-list-body";
import { useCanEdit } from "./role-context";
import { EmptyState } from "./states";
import { PhaseBadge } from "./status-badge";

const ALL = "all";
const KIND_LABELS = { PERCENT: "Percent", FIXED: "Fixed amount", FREE_SHIPPING: "Free shipping" } as const;
const SORT_LABELS = { created: "Created", name: "Name", updated: "Last changed" } as const;

// Filters live in the URL: a filtered list can be reloaded, shared and gone back to.
const filterParsers = {
  q: parseAsString.withDefault(""),
  status: parseAsStringLiteral([ALL, ...COUPON_LIFECYCLE_STATUSES]).withDefault(ALL),
  kind: parseAsStringLiteral([ALL, ...COUPON_KINDS]).withDefault(ALL),
  window: parseAsStringLiteral([ALL, ...COUPON_WINDOWS]).withDefault(ALL),
  sort: parseAsStringLiteral(COUPON_SORTS).withDefault("created"),
  dir: parseAsStringLiteral(["asc", "desc"] as const).withDefault("desc"),
  pages: parseAsArrayOf(parseAsString).withDefault([]),
};

type CouponItem = {
  id: string;
  name: string;
  kind: "PERCENT" | "FIXED" | "FREE_SHIPPING";
  value: number | null;
  currency: string | null;
  phase: Parameters<typeof PhaseBadge>[0]["phase"];
  code: string | null;
  codeCount: number;
  redemptions: number;
  maxRedemptions: number | null;
  validFrom: Date | null;
  validUntil: Date | null;
  createdAt: Date;
};

const COLUMNS: AdminColumn<CouponItem>[] = [
  {
    id: "name",
    header: "Coupon",
    cell: ({ row }) => (
      <div className="min-w-0">
        <Link href={`/admin/coupons/${row.original.id}`} className="font-medium hover:underline">
          {row.original.name}
        </Link>
        <div className="text-muted-foreground flex items-center gap-1 text-xs">
          {row.original.code ? (
            <>
              <span className="font-mono">{row.original.code}</span>
              <CopyButton value={row.original.code} label="Copy code" />
            </>
          ) : (
            <span className="py-1.5">
              {row.original.codeCount === 0 ? "no codes yet" : `${row.original.codeCount} unique codes`}
            </span>
          )}
        </div>
      </div>
    ),
  },
  { id: "value", header: "Discount", cell: ({ row }) => describeValue(row.original) },
  { id: "status", header: "Status", cell: ({ row }) => <PhaseBadge phase={row.original.phase} /> },
  {
    id: "used",
    header: "Used",
    cell: ({ row }) =>
      row.original.maxRedemptions === null
        ? `${row.original.redemptions.toLocaleString("en-US")} · no limit`
        : `${row.original.redemptions.toLocaleString("en-US")} of ${row.original.maxRedemptions.toLocaleString("en-US")}`,
  },
  {
    id: "window",
    header: "Window",
    cell: ({ row }) => {
      const { validFrom, validUntil } = row.original;
      if (validFrom && validFrom > new Date()) return `starts ${formatDate(validFrom)}`;
      return validUntil ? `ends ${formatDate(validUntil)}` : "no end";
    },
  },
];

export function CouponsList() {
  const trpc = useTRPC();
  const canEdit = useCanEdit();
  const [filters, setFilters] = useQueryStates(filterParsers);
  const [search, setSearch] = useState(filters.q);

  // Typing settles for 300 ms before the search runs (and lands in the URL).
  useEffect(() => {
    if (search.trim() === filters.q) return;
    const timer = setTimeout(() => void setFilters({ q: search.trim(), pages: [] }), 300);
    return () => clearTimeout(timer);
  }, [search, filters.q, setFilters]);

  const input = useMemo(
    () => ({
      search: filters.q || undefined,
      status: filters.status === ALL ? undefined : filters.status,
      kind: filters.kind === ALL ? undefined : filters.kind,
      window: filters.window === ALL ? undefined : filters.window,
      sort: filters.sort,
      direction: filters.dir,
      cursor: filters.pages.at(-1) ?? null,
      limit: 25,
    }),
    [filters],
  );
  const list = useQuery({ ...trpc.admin.coupons.list.queryOptions(input), placeholderData: keepPreviousData });
  const filtered = Boolean(filters.q) || filters.status !== ALL || filters.kind !== ALL || filters.window !== ALL;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-2" role="group" aria-label="Filters">
        <Input
          aria-label="Search by name or exact code"
          placeholder="Search name or exact code"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          className="w-64"
        />
        <FilterSelect
          label="Status"
          value={filters.status}
          options={[[ALL, "Any status"], ...COUPON_LIFECYCLE_STATUSES.map((s) => [s, STATUS_LABELS[s]] as const)]}
          onChange={(status) => void setFilters({ status, pages: [] })}
        />
        <FilterSelect
          label="Kind"
          value={filters.kind}
          options={[[ALL, "Any kind"], ...COUPON_KINDS.map((k) => [k, KIND_LABELS[k]] as const)]}
          onChange={(kind) => void setFilters({ kind, pages: [] })}
        />
        <FilterSelect
          label="Window"
          value={filters.window}
          options={[
            [ALL, "Any time"],
            ["scheduled", "Scheduled"],
            ["running", "Running"],
            ["ended", "Ended"],
          ]}
          onChange={(window) => void setFilters({ window, pages: [] })}
        />
        <FilterSelect
          label="Sort by"
          value={filters.sort}
          options={COUPON_SORTS.map((s) => [s, SORT_LABELS[s]] as const)}
          onChange={(sort) => void setFilters({ sort, pages: [] })}
        />
        <Button
          variant="outline"
          size="icon"
          aria-label={
            filters.dir === "desc" ? "Sorted descending; sort ascending" : "Sorted ascending; sort descending"
          }
          onClick={() => void setFilters({ dir: filters.dir === "desc" ? "asc" : "desc", pages: [] })}
        >
          <ArrowDownUp />
        </Button>
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => {
              setSearch("");
              void setFilters({ q: "", status: ALL, kind: ALL, window: ALL, pages: [] });
            }}
          >
            <X /> Clear filters
          </Button>
        )}
      </div>

      <KeysetListBody
        list={list}
        pages={filters.pages}
        onPagesChange={(pages) => void setFilters({ pages })}
        empty={
          filtered || filters.pages.length > 0 ? (
            <EmptyState filtered title="No coupons match these filters.">
              Try another search, or clear the filters.
            </EmptyState>
          ) : (
            <EmptyState
              title="No coupons yet."
              action={
                canEdit && (
                  <Button asChild>
                    <Link href="/admin/coupons/new">
                      <Plus /> Create the first coupon
                    </Link>
                  </Button>
                )
              }
            >
              A coupon holds the rules of a promotion; its codes are what shoppers type.
            </EmptyState>
          )
        }
      >
        {(items) => <DataTable label="Coupons" columns={COLUMNS} data={items} getRowId={(row) => row.id} />}
      </KeysetListBody>
    </div>
  );
}

function FilterSelect<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: ReadonlyArray<readonly [T, string]>;
  onChange: (value: T) => void;
}) {
  return (
    <Select value={value} onValueChange={(v) => onChange(v as T)}>
      <SelectTrigger aria-label={label} className="w-40">
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {options.map(([v, text]) => (
          <SelectItem key={v} value={v}>
            {text}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
