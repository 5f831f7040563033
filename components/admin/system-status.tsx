"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Card, CardTitle } from "@/components/ui/card";

const TONE = { up: "green", down: "red", off: "slate" } as const;

/** Live dependency status through the tRPC `health` procedure. */
export function SystemStatus() {
  const trpc = useTRPC();
  const health = useQuery({ ...trpc.health.queryOptions(), refetchInterval: 10_000 });
  // Admins and viewers get each dependency; anyone else only the overall status.
  const detail = health.data && "postgres" in health.data ? health.data : null;
  return (
    <Card>
      <CardTitle>System status</CardTitle>
      {health.isPending ? (
        <p className="mt-3 text-sm text-slate-500">Checking…</p>
      ) : health.isError ? (
        <p className="mt-3 text-sm text-rose-600">Health check failed: {health.error.message}</p>
      ) : !detail ? (
        <p className="mt-3 text-sm text-slate-500">Status: {health.data.status}</p>
      ) : (
        <dl className="mt-3 space-y-2 text-sm" data-testid="system-status">
          {(["postgres", "redis"] as const).map((name) => {
            const dep = detail[name];
            return (
              <div key={name} className="flex items-center justify-between">
                <dt className="font-medium capitalize">{name}</dt>
                <dd className="flex items-center gap-2">
                  {dep.latencyMs !== undefined && <span className="text-muted-foreground">{dep.latencyMs} ms</span>}
                  <Badge tone={TONE[dep.status]} data-testid={`status-${name}`}>
                    {dep.status}
                  </Badge>
                </dd>
              </div>
            );
          })}
          {detail.redis.status === "off" && (
            <p className="text-xs text-slate-500">Redis is off: the coupon gate runs Postgres-only.</p>
          )}
        </dl>
      )}
    </Card>
  );
}
