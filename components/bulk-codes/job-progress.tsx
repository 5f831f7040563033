"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Download, X } from "lucide-react";
import { useEffect } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";

const STATUS_BADGE = {
  QUEUED: "secondary",
  RUNNING: "info",
  COMPLETED: "success",
  FAILED: "destructive",
  CANCELLED: "warning",
} as const;

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** A bulk job's live state: a progress bar (percent, codes per second, time left), cancel, and the CSV when done. */
export function JobProgress({ jobId, canExport = true }: { jobId: string; canExport?: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery({
    ...trpc.admin.jobs.get.queryOptions({ jobId }),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === "QUEUED" || status === "RUNNING" ? 500 : false;
    },
  });
  const cancel = useMutation(
    trpc.admin.jobs.cancel.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.jobs.get.queryKey({ jobId }) }),
      onError: (error) => toast.error(error.message),
    }),
  );
  const exporter = useMutation(
    trpc.admin.codes.export.mutationOptions({
      onSuccess: ({ url }) => {
        window.location.assign(url);
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const finished = job.data?.status === "COMPLETED";
  useEffect(() => {
    // Books count their codes: a finished job changes them.
    if (finished) void queryClient.invalidateQueries({ queryKey: trpc.admin.books.pathKey() });
  }, [finished, queryClient, trpc]);
  if (!job.data) return <p className="text-muted-foreground text-sm">Loading the job…</p>;
  const j = job.data;
  const active = j.status === "QUEUED" || j.status === "RUNNING";
  const noun = j.kind === "GENERATE" ? "codes" : "lines";
  return (
    <Card data-testid="job-progress">
      <CardHeader className="flex flex-row items-center justify-between gap-4">
        <CardTitle className="text-base">
          {j.kind === "GENERATE" ? "Generating" : "Importing"} {j.total.toLocaleString("en-US")} {noun}
        </CardTitle>
        <Badge variant={STATUS_BADGE[j.status]} data-testid="job-status">
          {j.status === "RUNNING" && j.cancelRequested ? "CANCELLING" : j.status}
        </Badge>
      </CardHeader>
      <CardContent className="space-y-3">
        <div
          role="progressbar"
          aria-label="Job progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={j.percent}
          className="bg-muted h-3 w-full overflow-hidden rounded-full"
        >
          {/* A job that stopped keeps none of its work: its bar is struck through in grey, never a partial "done". */}
          <div
            className={
              j.status === "FAILED"
                ? "bg-destructive/60 h-full"
                : j.status === "CANCELLED"
                  ? "h-full bg-slate-400 bg-[repeating-linear-gradient(135deg,transparent_0_6px,rgb(255_255_255/0.5)_6px_12px)]"
                  : "bg-primary h-full transition-[width]"
            }
            style={{ width: `${j.percent}%` }}
          />
        </div>
        <div className="text-muted-foreground flex flex-wrap gap-x-6 gap-y-1 text-sm">
          <span data-testid="job-percent">{j.percent} %</span>
          <span>
            {j.done.toLocaleString("en-US")} of {j.total.toLocaleString("en-US")} {noun}
            {(j.status === "CANCELLED" || j.status === "FAILED") && j.kind === "GENERATE" && " drawn, none kept"}
          </span>
          {j.codesPerSecond !== null && (
            <span>
              {j.codesPerSecond.toLocaleString("en-US")} {noun}/s
            </span>
          )}
          {j.secondsLeft !== null && <span>about {formatSeconds(j.secondsLeft)} left</span>}
        </div>
        {j.status === "RUNNING" && j.done === j.total && j.kind === "IMPORT" && (
          <p className="text-muted-foreground text-sm">Checking every line and writing the codes…</p>
        )}
        {j.message && (
          <p className="text-sm" role={j.status === "FAILED" ? "alert" : undefined} data-testid="job-message">
            {j.message}
          </p>
        )}
        <div className="flex gap-2">
          {active && (
            <Button
              variant="outline"
              size="sm"
              onClick={() => cancel.mutate({ jobId })}
              disabled={cancel.isPending || j.cancelRequested}
            >
              <X /> Cancel
            </Button>
          )}
          {j.status === "COMPLETED" && canExport && (
            <Button size="sm" onClick={() => exporter.mutate({ jobId })} disabled={exporter.isPending}>
              <Download /> Download CSV
            </Button>
          )}
        </div>
      </CardContent>
    </Card>
  );
}
