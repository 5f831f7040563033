"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { BookSelect } from "@/components/admin/book-select";
import { CouponPicker } from "@/components/admin/coupon-picker";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { importCodesInput } from "@/server/domain/code-job-inputs";
import { JobProgress } from "./job-progress";
import { useJobIdInUrl } from "./use-job-id-in-url";

async function uploadFile(file: File): Promise<string> {
  const response = await fetch("/api/admin/uploads", {
    method: "POST",
    headers: { "content-type": "text/csv", "x-filename": encodeURIComponent(file.name) },
    body: file,
  });
  const body = (await response.json()) as { uploadId?: string; error?: { message: string } };
  if (!response.ok || !body.uploadId) throw new Error(body.error?.message ?? `Upload failed (${response.status}).`);
  return body.uploadId;
}

/** CSV import: upload (streamed to the server), then the job's progress and its per-line report. */
export function ImportCodesForm() {
  const params = useSearchParams();
  const trpc = useTRPC();
  const [couponId, setCouponId] = useState(params.get("couponId") ?? "");
  const [bookId, setBookId] = useState(params.get("bookId") ?? "");
  const [file, setFile] = useState<File | null>(null);
  const [jobId, setJobId] = useJobIdInUrl();
  const [uploading, setUploading] = useState(false);
  const start = useMutation(
    trpc.admin.codes.import.mutationOptions({
      onSuccess: (job) => setJobId(job.id),
      onError: (error) => toast.error(error.message),
    }),
  );
  const job = useQuery({
    ...trpc.admin.jobs.get.queryOptions({ jobId: jobId ?? "00000000-0000-0000-0000-000000000000" }),
    enabled: jobId !== null,
    refetchInterval: (query) => (["QUEUED", "RUNNING"].includes(query.state.data?.status ?? "") ? 500 : false),
  });

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setUploading(true);
    try {
      const uploadId = await uploadFile(file);
      const parsed = importCodesInput.safeParse({
        couponId: couponId.trim(),
        uploadId,
        bookId: bookId.trim() || undefined,
      });
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Check the form.");
      start.mutate(parsed.data);
    } catch (error) {
      toast.error(error instanceof Error ? error.message : String(error));
    } finally {
      setUploading(false);
    }
  };

  const errors = job.data?.errors ?? [];
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Import codes from CSV</CardTitle>
          <CardDescription>
            One code per line in the first column (a first line &quot;code&quot; is a header), up to 1,000,000 lines.
            Every line is checked (format, duplicate in the file, already exists); if any line is refused, nothing is
            imported and each refused line is listed.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form className="grid gap-4 sm:grid-cols-2" onSubmit={submit}>
            <div className="space-y-1.5">
              <Label htmlFor="imp-coupon">Coupon</Label>
              <CouponPicker
                id="imp-coupon"
                value={couponId}
                onChange={(next) => {
                  setCouponId(next);
                  setBookId("");
                }}
              />
            </div>
            <div className="space-y-1.5">
              <Label htmlFor="imp-book">Book (optional)</Label>
              <BookSelect id="imp-book" couponId={couponId} value={bookId} onChange={setBookId} />
            </div>
            <div className="space-y-1.5 sm:col-span-2">
              <Label htmlFor="imp-file">CSV file</Label>
              <Input
                id="imp-file"
                type="file"
                accept=".csv,text/csv,text/plain"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </div>
            <div className="sm:col-span-2">
              <Button type="submit" disabled={!file || !couponId.trim() || uploading || start.isPending}>
                {uploading ? "Uploading…" : "Import"}
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
      {jobId && <JobProgress jobId={jobId} canExport={false} />}
      {jobId && errors.length > 0 && (
        <Card data-testid="import-errors">
          <CardHeader className="flex flex-row items-center justify-between">
            <CardTitle className="text-base">Refused lines ({job.data?.errorCount.toLocaleString("en-US")})</CardTitle>
            <Button asChild variant="outline" size="sm">
              <a href={`/api/admin/jobs/${jobId}/errors`} download>
                Download the report
              </a>
            </Button>
          </CardHeader>
          <CardContent>
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Line</TableHead>
                  <TableHead>Problem</TableHead>
                  <TableHead>Value</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {errors.map((e) => (
                  <TableRow key={e.line}>
                    <TableCell>{e.line}</TableCell>
                    <TableCell>{e.error}</TableCell>
                    <TableCell className="font-mono">{e.value}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
            {(job.data?.errorCount ?? 0) > errors.length && (
              <p className="text-muted-foreground mt-2 text-sm">
                The first {errors.length} are shown; download the report for all.
              </p>
            )}
          </CardContent>
        </Card>
      )}
    </div>
  );
}
