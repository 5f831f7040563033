"use client";

import { tableFeatures, useTable, type ColumnDef } from "@tanstack/react-table";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export const TABLE_FEATURES = tableFeatures({});
export type AdminColumn<T extends object> = ColumnDef<typeof TABLE_FEATURES, T>;

/**
 * The console's tables: TanStack Table for the model, the shadcn table for the markup. Sorting,
 * filtering and paging happen on the server (keyset), so this renders one page.
 */
export function DataTable<T extends object>({
  columns,
  data,
  getRowId,
  label,
}: {
  columns: AdminColumn<T>[];
  data: T[];
  getRowId: (row: T) => string;
  label: string;
}) {
  const table = useTable({ features: TABLE_FEATURES, columns, data, getRowId: (row) => getRowId(row) });
  return (
    <div className="bg-card rounded-lg border">
      <Table aria-label={label}>
        <TableHeader>
          {table.getHeaderGroups().map((group) => (
            <TableRow key={group.id} className="hover:bg-transparent">
              {group.headers.map((header) => (
                <TableHead key={header.id} className="first:pl-4 last:pr-4">
                  {header.isPlaceholder ? null : <table.FlexRender header={header} />}
                </TableHead>
              ))}
            </TableRow>
          ))}
        </TableHeader>
        <TableBody>
          {table.getRowModel().rows.map((row) => (
            <TableRow key={row.id} data-testid="table-row">
              {row.getAllCells().map((cell) => (
                <TableCell key={cell.id} className="first:pl-4 last:pr-4">
                  <table.FlexRender cell={cell} />
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}
