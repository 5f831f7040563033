"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import { parseAsArrayOf, parseAsString, useQueryStates } from "nuqs";
import { useMemo } from "react";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { DateRangeFilter } from "./date-range-filter";
import { KeysetListBody } from "./keyset-list-body";
import { RedemptionsTable } from "./redemptions-table";
import { EmptyState } from "./states";

const parsers = {
  coupon: parseAsString.withDefault(""),
  code: parseAsString.withDefault(""),
  customer: parseAsString.withDefault(""),
  order: parseAsString.withDefault(""),
  from: parseAsString.withDefault(""),
  to: parseAsString.withDefault(""),
  pages: parseAsArrayOf(parseAsString).withDefault([]),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Redemption history: filters in the URL (applied as you leave a field or press Enter), keyset pages. */
export function RedemptionsList() {
  const trpc = useTRPC();
  const [filters, setFilters] = useQueryStates(parsers);
  const input = useMemo(
    () => ({
      couponId: UUID.test(filters.coupon) ? filters.coupon : undefined,
      code: filters.code || undefined,
      customerId: filters.customer || undefined,
      orderId: filters.order || undefined,
      from: filters.from ? new Date(`${filters.from}T00:00:00`) : undefined,
      to: filters.to ? new Date(new Date(`${filters.to}T00:00:00`).getTime() + 86_400_000) : undefined,
      cursor: filters.pages.at(-1) ?? null,
      limit: 25,
    }),
    [filters],
  );
  const list = useQuery({ ...trpc.admin.redemptions.list.queryOptions(input), placeholderData: keepPreviousData });
  const filtered = Boolean(
    filters.coupon || filters.code || filters.customer || filters.order || filters.from || filters.to,
  );

  const field = (key: "coupon" | "code" | "customer" | "order", label: string, placeholder: string) => (
    <div className="grid gap-1.5">
      <Label htmlFor={`filter-${key}`}>{label}</Label>
      <Input
        id={`filter-${key}`}
        key={`${key}-${filters[key]}`}
        defaultValue={filters[key]}
        placeholder={placeholder}
        className="w-44"
        onBlur={(e) => void setFilters({ [key]: e.target.value.trim(), pages: [] })}
        onKeyDown={(e) => {
          if (e.key === "Enter") void setFilters({ [key]: e.currentTarget.value.trim(), pages: [] });
        }}
      />
    </div>
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Filters">
        {field("code", "Code", "SUMMER20")}
        {field("order", "Order", "order id")}
        {field("customer", "Customer", "customer id")}
        {field("coupon", "Coupon id", "uuid")}
        <DateRangeFilter
          from={filters.from}
          to={filters.to}
          onChange={(range) => void setFilters({ ...range, pages: [] })}
        />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() =>
              void setFilters({ coupon: "", code: "", customer: "", order: "", from: "", to: "", pages: [] })
            }
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
          filtered ? (
            <EmptyState filtered title="No redemptions match these filters." />
          ) : (
            <EmptyState title="No redemptions yet.">
              Redemptions appear here when shoppers place orders with codes.
            </EmptyState>
          )
        }
      >
        {(items) => <RedemptionsTable items={items} />}
      </KeysetListBody>
    </div>
  );
}
