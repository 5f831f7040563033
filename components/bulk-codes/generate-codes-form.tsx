"use client";

import { useMutation } from "@tanstack/react-query";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { BookSelect } from "@/components/admin/book-select";
import { CouponPicker } from "@/components/admin/coupon-picker";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { DEFAULT_CODE_ALPHABET, MAX_CODES_PER_JOB, planCodeGeneration } from "@/server/domain/code-generator";
import { generateCodesInput } from "@/server/domain/code-job-inputs";
import { JobProgress } from "./job-progress";
import { useJobIdInUrl } from "./use-job-id-in-url";

type Fields = {
  couponId: string;
  bookId: string;
  count: string;
  mode: "length" | "pattern";
  length: string;
  pattern: string;
  alphabet: string;
  prefix: string;
  suffix: string;
  maxRedemptions: string;
};

const optional = (value: string) => (value.trim() === "" ? undefined : value.trim());

function toInput(f: Fields) {
  return {
    couponId: f.couponId.trim(),
    bookId: optional(f.bookId),
    count: Number(f.count),
    ...(f.mode === "length" ? { length: Number(f.length) } : { pattern: f.pattern }),
    alphabet: optional(f.alphabet),
    prefix: optional(f.prefix),
    suffix: optional(f.suffix),
    maxRedemptions: Number(f.maxRedemptions),
  };
}

function formatBig(value: bigint): string {
  const digits = value.toString();
  return digits.length > 15 ? `about 10^${digits.length - 1}` : Number(value).toLocaleString("en-US");
}

/** Bulk generation: the options, a live entropy check before submit, then the job's progress. */
export function GenerateCodesForm() {
  const params = useSearchParams();
  const trpc = useTRPC();
  const [fields, setFields] = useState<Fields>({
    couponId: params.get("couponId") ?? "",
    bookId: params.get("bookId") ?? "",
    count: "10000",
    mode: "length",
    length: "10",
    pattern: "SALE-####-####",
    alphabet: "",
    prefix: "",
    suffix: "",
    maxRedemptions: "1",
  });
  const [jobId, setJobId] = useJobIdInUrl();
  const set = (key: keyof Fields) => (event: React.ChangeEvent<HTMLInputElement>) =>
    setFields((f) => ({ ...f, [key]: event.target.value }));

  const input = toInput(fields);
  const parsed = generateCodesInput.safeParse(input);
  const plan = planCodeGeneration(input); // pure and cheap: recomputed on each keystroke
  const errors = new Map<string, string>();
  if (!parsed.success) for (const issue of parsed.error.issues) errors.set(String(issue.path[0] ?? ""), issue.message);

  const generate = useMutation(
    trpc.admin.codes.generate.mutationOptions({
      onSuccess: (job) => setJobId(job.id),
      onError: (error) => toast.error(error.message),
    }),
  );

  let drawn = 0; // an illustrative code: the alphabet walked in steps, not a real draw
  const example = plan.ok
    ? plan.template.replace(/#/g, () => plan.alphabet[(drawn++ * 7) % plan.alphabet.length]!)
    : null;
  const field = (key: keyof Fields, label: string, props: React.ComponentProps<"input"> = {}) => (
    <div className="space-y-1.5">
      <Label htmlFor={`gen-${key}`}>{label}</Label>
      <Input
        id={`gen-${key}`}
        value={fields[key]}
        onChange={set(key)}
        aria-invalid={errors.has(key) || undefined}
        {...props}
      />
      {errors.has(key) && <p className="text-destructive text-sm">{errors.get(key)}</p>}
    </div>
  );

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader>
          <CardTitle>Generate unique codes</CardTitle>
          <CardDescription>
            Up to {MAX_CODES_PER_JOB.toLocaleString("en-US")} codes per job, from a CSPRNG, over an alphabet without
            look-alikes (no 0 O 1 I L). Codes are stored hashed and encrypted; download them as CSV when the job is
            done.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <form
            className="grid gap-4 sm:grid-cols-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (parsed.success) generate.mutate(parsed.data);
            }}
          >
            <div className="space-y-1.5">
              <Label htmlFor="gen-couponId">Coupon</Label>
              <CouponPicker
                id="gen-couponId"
                value={fields.couponId}
                onChange={(couponId) => setFields((f) => ({ ...f, couponId, bookId: "" }))}
                invalid={fields.couponId !== "" && errors.has("couponId")}
              />
              {fields.couponId !== "" && errors.has("couponId") && (
                <p className="text-destructive text-sm">{errors.get("couponId")}</p>
              )}
            </div>
            <div className="space-y-1.5">
              <Label htmlFor="gen-bookId">Book (optional)</Label>
              <BookSelect
                id="gen-bookId"
                couponId={fields.couponId}
                value={fields.bookId}
                onChange={(bookId) => setFields((f) => ({ ...f, bookId }))}
              />
            </div>
            {field("count", "How many codes", { inputMode: "numeric" })}
            {field("maxRedemptions", "Uses per code", { inputMode: "numeric" })}
            <fieldset className="space-y-2 sm:col-span-2">
              <legend className="text-sm font-medium">Shape</legend>
              <div className="flex gap-4 text-sm">
                {(["length", "pattern"] as const).map((mode) => (
                  <label key={mode} className="flex items-center gap-2">
                    <input
                      type="radio"
                      name="mode"
                      checked={fields.mode === mode}
                      onChange={() => setFields((f) => ({ ...f, mode }))}
                    />
                    {mode === "length" ? "Random characters" : "Pattern (# = one random character)"}
                  </label>
                ))}
              </div>
            </fieldset>
            {fields.mode === "length"
              ? field("length", "Random characters (6-16)", { inputMode: "numeric" })
              : field("pattern", "Pattern", { placeholder: "SALE-####-####" })}
            {field("alphabet", "Alphabet (optional)", { placeholder: DEFAULT_CODE_ALPHABET })}
            {field("prefix", "Prefix (optional)")}
            {field("suffix", "Suffix (optional)")}
            <div className="space-y-1 rounded-md border p-3 text-sm sm:col-span-2" data-testid="entropy-check">
              {plan.ok ? (
                <>
                  <p className="text-success font-medium">
                    Entropy check passed: {formatBig(plan.space)} possible codes for{" "}
                    {plan.count.toLocaleString("en-US")} requested (at least 1,000x is required).
                  </p>
                  <p className="text-muted-foreground">
                    Looks like <code className="font-mono">{example}</code> ({plan.template.length} characters).
                  </p>
                </>
              ) : (
                <p className="text-destructive font-medium" role="alert">
                  {plan.message}
                </p>
              )}
            </div>
            <div className="sm:col-span-2">
              <Button type="submit" disabled={!parsed.success || generate.isPending}>
                {generate.isPending ? "Queueing…" : "Generate codes"}
              </Button>
            </div>
          </form>
        </CardContent>
      </Card>
      {jobId && <JobProgress jobId={jobId} />}
    </div>
  );
}
