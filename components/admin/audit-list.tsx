"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { X } from "lucide-react";
import Link from "next/link";
import { parseAsArrayOf, parseAsString, parseAsStringLiteral, useQueryStates } from "nuqs";
import { useMemo } from "react";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { AUDIT_TARGET_TYPES } from "@/server/domain/admin-inputs";
import { formatDate } from "@/server/domain/describe-coupon";
import { AuditChanges } from "./audit-changes";
import { DataTable, type AdminColumn } from "./data-table";
import { DateRangeFilter } from "./date-range-filter";
import { KeysetListBody } from "./keyset-list-body";
import { EmptyState } from "./states";

const ALL = "all";
const ACTIONS = [
  "coupon.create",
  "coupon.update",
  "coupon.active",
  "coupon.disabled",
  "coupon.archived",
  "code.create",
  "code.disable",
  "code.enable",
  "redemption.void",
] as const;

const parsers = {
  actor: parseAsString.withDefault(""),
  type: parseAsStringLiteral([ALL, ...AUDIT_TARGET_TYPES]).withDefault(ALL),
  target: parseAsString.withDefault(""),
  action: parseAsStringLiteral([ALL, ...ACTIONS]).withDefault(ALL),
  from: parseAsString.withDefault(""),
  to: parseAsString.withDefault(""),
  pages: parseAsArrayOf(parseAsString).withDefault([]),
};

type Entry = {
  id: string;
  actorEmail: string | null;
  action: string;
  targetType: string;
  targetId: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  createdAt: Date;
};

const COLUMNS: AdminColumn<Entry>[] = [
  { id: "when", header: "When", cell: ({ row }) => formatDate(row.original.createdAt) },
  { id: "actor", header: "Actor", cell: ({ row }) => row.original.actorEmail ?? "system" },
  { id: "action", header: "Action", cell: ({ row }) => <span className="font-medium">{row.original.action}</span> },
  {
    id: "target",
    header: "Target",
    cell: ({ row }) => {
      const { targetType, targetId, after, before } = row.original;
      const couponId =
        targetType === "coupon" ? targetId : ((after?.couponId ?? before?.couponId) as string | undefined);
      return (
        <span className="text-xs">
          {targetType}{" "}
          {couponId ? (
            <Link href={`/admin/coupons/${couponId}`} className="font-mono hover:underline">
              {targetId.slice(0, 8)}
            </Link>
          ) : (
            <span className="font-mono">{targetId.slice(0, 8)}</span>
          )}
        </span>
      );
    },
  },
  {
    id: "changes",
    header: "Before → after",
    cell: ({ row }) => (
      <div className="max-w-md whitespace-normal">
        <AuditChanges before={row.original.before} after={row.original.after} />
      </div>
    ),
  },
];

/** The audit log: every admin change, newest first, filtered by actor, target, action and date. */
export function AuditList() {
  const trpc = useTRPC();
  const [filters, setFilters] = useQueryStates(parsers);
  const input = useMemo(
    () => ({
      actor: filters.actor || undefined,
      targetType: filters.type === ALL ? undefined : filters.type,
      targetId: filters.target || undefined,
      action: filters.action === ALL ? undefined : filters.action,
      from: filters.from ? new Date(`${filters.from}T00:00:00`) : undefined,
      to: filters.to ? new Date(new Date(`${filters.to}T00:00:00`).getTime() + 86_400_000) : undefined,
      cursor: filters.pages.at(-1) ?? null,
      limit: 25,
    }),
    [filters],
  );
  const list = useQuery({ ...trpc.admin.audit.list.queryOptions(input), placeholderData: keepPreviousData });
  const filtered = Boolean(
    filters.actor || filters.type !== ALL || filters.target || filters.action !== ALL || filters.from || filters.to,
  );
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Filters">
        <div className="grid gap-1.5">
          <Label htmlFor="filter-actor">Actor email</Label>
          <Input
            id="filter-actor"
            key={`actor-${filters.actor}`}
            defaultValue={filters.actor}
            placeholder="admin@demo.test"
            className="w-48"
            onBlur={(e) => void setFilters({ actor: e.target.value.trim(), pages: [] })}
            onKeyDown={(e) => e.key === "Enter" && void setFilters({ actor: e.currentTarget.value.trim(), pages: [] })}
          />
        </div>
        <div className="grid gap-1.5">
          <Label>Action</Label>
          <Select
            value={filters.action}
            onValueChange={(v) => void setFilters({ action: v as typeof filters.action, pages: [] })}
          >
            <SelectTrigger aria-label="Action" className="w-44">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL}>Any action</SelectItem>
              {ACTIONS.map((a) => (
                <SelectItem key={a} value={a}>
                  {a}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label>Target</Label>
          <Select
            value={filters.type}
            onValueChange={(v) => void setFilters({ type: v as typeof filters.type, pages: [] })}
          >
            <SelectTrigger aria-label="Target type" className="w-36">
              <SelectValue />
            </SelectTrigger>
            <SelectContent>
              <SelectItem value={ALL}>Any target</SelectItem>
              {AUDIT_TARGET_TYPES.map((t) => (
                <SelectItem key={t} value={t}>
                  {t}
                </SelectItem>
              ))}
            </SelectContent>
          </Select>
        </div>
        <div className="grid gap-1.5">
          <Label htmlFor="filter-target">Target id</Label>
          <Input
            id="filter-target"
            key={`target-${filters.target}`}
            defaultValue={filters.target}
            placeholder="uuid"
            className="w-44"
            onBlur={(e) => void setFilters({ target: e.target.value.trim(), pages: [] })}
            onKeyDown={(e) => e.key === "Enter" && void setFilters({ target: e.currentTarget.value.trim(), pages: [] })}
          />
        </div>
        <DateRangeFilter
          from={filters.from}
          to={filters.to}
          onChange={(range) => void setFilters({ ...range, pages: [] })}
        />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() =>
              void setFilters({ actor: "", type: ALL, target: "", action: ALL, from: "", to: "", pages: [] })
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
            <EmptyState filtered title="No entries match these filters." />
          ) : (
            <EmptyState title="No admin changes yet.">Every change an admin makes is recorded here.</EmptyState>
          )
        }
      >
        {(items) => <DataTable label="Audit log" columns={COLUMNS} data={items} getRowId={(row) => row.id} />}
      </KeysetListBody>
    </div>
  );
}
