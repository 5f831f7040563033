"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, RefreshCw } from "lucide-react";
import { useState } from "react";
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { formatMoney } from "@/components/ui/format-money";
import { Input, Label } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { downloadCsv } from "./download-csv";

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

function ExportButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <Button variant="outline" size="sm" onClick={onClick} aria-label={`Export ${label} as CSV`}>
      <Download /> CSV
    </Button>
  );
}

/** The dashboard: redemptions over time, discount given, redemption rate, top coupons, channels; CSV of each. */
export function AnalyticsDashboard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const range = { from, to };
  const summary = useQuery(trpc.admin.analytics.summary.queryOptions(range));
  const series = useQuery(trpc.admin.analytics.timeseries.queryOptions(range));
  const refresh = useMutation(
    trpc.admin.analytics.refresh.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.analytics.pathKey() }),
      onError: (error) => toast.error(error.message),
    }),
  );
  const s = summary.data;
  const rate = s?.redemptionRate.rate;
  const error = summary.error ?? series.error;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-4">
        <div className="space-y-1.5">
          <Label htmlFor="an-from">From</Label>
          <Input id="an-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="space-y-1.5">
          <Label htmlFor="an-to">To</Label>
          <Input id="an-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <Button variant="outline" onClick={() => refresh.mutate()} disabled={refresh.isPending}>
          <RefreshCw /> Refresh now
        </Button>
        {s?.refreshedAt && (
          <p className="text-muted-foreground text-sm">
            Counted up to {new Date(s.refreshedAt).toLocaleTimeString()} (updates every 30 s).
          </p>
        )}
      </div>
      {error && (
        <p className="text-destructive text-sm" role="alert">
          {error.message}
        </p>
      )}
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Card>
          <CardContent>
            <p className="text-muted-foreground text-sm">Redemptions</p>
            <p className="text-3xl font-semibold" data-testid="stat-redemptions">
              {s ? s.redemptions.toLocaleString("en-US") : "…"}
            </p>
            {s && s.voided > 0 && <p className="text-muted-foreground text-xs">{s.voided} voided</p>}
          </CardContent>
        </Card>
        <Card>
          <CardContent>
            <p className="text-muted-foreground text-sm">Discount given</p>
            <p className="text-3xl font-semibold" data-testid="stat-discount">
              {s
                ? s.discountByCurrency.length === 0
                  ? formatMoney(0, "USD")
                  : formatMoney(s.discountByCurrency[0]!.amount, s.discountByCurrency[0]!.currency)
                : "…"}
            </p>
            {s && s.discountByCurrency.length > 1 && (
              <p className="text-muted-foreground text-xs">
                +{" "}
                {s.discountByCurrency
                  .slice(1)
                  .map((d) => formatMoney(d.amount, d.currency))
                  .join(", ")}
              </p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardContent>
            <p className="text-muted-foreground text-sm">Redemption rate (unique codes)</p>
            <p className="text-3xl font-semibold" data-testid="stat-rate">
              {rate === undefined ? "…" : rate === null ? "—" : `${(rate * 100).toFixed(rate < 0.01 ? 2 : 1)} %`}
            </p>
            {s && (
              <p className="text-muted-foreground text-xs">
                {s.redemptionRate.redeemed.toLocaleString("en-US")} redeemed of{" "}
                {s.redemptionRate.issued.toLocaleString("en-US")} issued, all time
              </p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardContent>
            <p className="text-muted-foreground text-sm">Channels</p>
            <p className="text-3xl font-semibold">{s ? s.byChannel.length : "…"}</p>
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader className="flex flex-row items-center justify-between">
          <CardTitle className="text-base">Redemptions per day</CardTitle>
          <ExportButton
            label="redemptions per day"
            onClick={() =>
              downloadCsv(
                `redemptions-per-day-${from}-${to}.csv`,
                ["day", "redemptions", "voided", `discount_${series.data?.currency ?? "USD"}_minor_units`],
                (series.data?.points ?? []).map((p) => [p.day, p.redemptions, p.voided, p.discount]),
              )
            }
          />
        </CardHeader>
        <CardContent className="h-64">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={series.data?.points ?? []}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="day" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={12} />
              <Tooltip />
              <Line type="monotone" dataKey="redemptions" stroke="var(--color-primary)" dot={false} />
            </LineChart>
          </ResponsiveContainer>
        </CardContent>
      </Card>

      <div className="grid gap-6 xl:grid-cols-2">
        <Card>
          <CardHeader className="flex flex-row items-center justify-between">
            <CardTitle className="text-base">Top coupons</CardTitle>
            <ExportButton
              label="top coupons"
              onClick={() =>
                downloadCsv(
                  `top-coupons-${from}-${to}.csv`,
                  ["coupon_id", "name", "redemptions", "discount_minor_units", "currency"],
                  (s?.topCoupons ?? []).map((c) => [c.couponId, c.name, c.redemptions, c.discount, c.currency]),
                )
              }
            />
          </CardHeader>
          <CardContent>
            <Table data-testid="top-coupons">
              <TableHeader>
                <TableRow>
                  <TableHead>Coupon</TableHead>
                  <TableHead className="text-right">Redemptions</TableHead>
                  <TableHead className="text-right">Discount</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {s?.topCoupons.map((c) => (
                  <TableRow key={c.couponId}>
                    <TableCell>{c.name}</TableCell>
                    <TableCell className="text-right">{c.redemptions.toLocaleString("en-US")}</TableCell>
                    <TableCell className="text-right">{formatMoney(c.discount, c.currency)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {s && s.topCoupons.length === 0 && (
              <p className="text-muted-foreground text-sm">No redemptions in this range.</p>
            )}
          </CardContent>
        </Card>
        <Card>
          <CardHeader className="flex flex-row items-center justify-between">
            <CardTitle className="text-base">By channel</CardTitle>
            <ExportButton
              label="channels"
              onClick={() =>
                downloadCsv(
                  `channels-${from}-${to}.csv`,
                  ["channel", "redemptions", "discount_minor_units"],
                  (s?.byChannel ?? []).map((c) => [c.channel, c.redemptions, c.discount]),
                )
              }
            />
          </CardHeader>
          <CardContent className="h-64">
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={s?.byChannel ?? []}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="channel" fontSize={12} />
                <YAxis allowDecimals={false} fontSize={12} />
                <Tooltip />
                <Bar dataKey="redemptions" fill="var(--color-primary)" />
              </BarChart>
            </ResponsiveContainer>
          </CardContent>
        </Card>
      </div>
    </div>
  );
}
