"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { CouponPicker } from "@/components/admin/coupon-picker";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { assignBookInput, createBookInput } from "@/server/domain/code-job-inputs";

const STATE_BADGE = {
  AVAILABLE: "success",
  ASSIGNED: "info",
  LOCKED: "warning",
  REDEEMED: "secondary",
  DISABLED: "destructive",
} as const;

function CreateBookForm({ onCreated }: { onCreated: (id: string) => void }) {
  const params = useSearchParams();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [couponId, setCouponId] = useState(params.get("couponId") ?? "");
  const [name, setName] = useState("");
  const [maxPerUser, setMaxPerUser] = useState("1");
  const [claimable, setClaimable] = useState(false);
  const parsed = createBookInput.safeParse({
    couponId: couponId.trim(),
    name,
    maxPerUser: Number(maxPerUser),
    claimable,
  });
  const create = useMutation(
    trpc.admin.books.create.mutationOptions({
      onSuccess: async (book) => {
        toast.success(`Book "${book.name}" created.`);
        await queryClient.invalidateQueries({ queryKey: trpc.admin.books.list.queryKey() });
        onCreated(book.id);
        setName("");
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  return (
    <Card>
      <CardHeader>
        <CardTitle className="text-base">New book</CardTitle>
        <CardDescription>A pool of one coupon&apos;s unique codes, handed out to users.</CardDescription>
      </CardHeader>
      <CardContent>
        <form
          className="grid gap-4 sm:grid-cols-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (parsed.success) create.mutate(parsed.data);
          }}
        >
          <div className="space-y-1.5">
            <Label htmlFor="book-coupon">Coupon</Label>
            <CouponPicker id="book-coupon" value={couponId} onChange={setCouponId} />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="book-name">Name</Label>
            <Input id="book-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="Welcome codes" />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="book-limit">Codes per user</Label>
            <Input
              id="book-limit"
              inputMode="numeric"
              value={maxPerUser}
              onChange={(e) => setMaxPerUser(e.target.value)}
            />
          </div>
          <label className="flex items-center gap-2 self-end text-sm">
            <input type="checkbox" checked={claimable} onChange={(e) => setClaimable(e.target.checked)} />
            Shoppers may claim a code themselves (wallet)
          </label>
          {!parsed.success && name.trim() !== "" && (
            <p className="text-destructive text-sm sm:col-span-2">{parsed.error.issues[0]?.message}</p>
          )}
          <div className="sm:col-span-2">
            <Button type="submit" disabled={!parsed.success || create.isPending}>
              Create book
            </Button>
          </div>
        </form>
      </CardContent>
    </Card>
  );
}

function BookDetail({ bookId }: { bookId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const books = useQuery(trpc.admin.books.list.queryOptions({}));
  const book = books.data?.find((b) => b.id === bookId);
  const codes = useQuery(trpc.admin.books.codes.queryOptions({ bookId, limit: 50 }));
  const [email, setEmail] = useState("");
  const [codeId, setCodeId] = useState("");
  const parsed = assignBookInput.safeParse({ bookId, user: { email: email.trim() }, codeId: codeId || undefined });
  const assign = useMutation(
    trpc.admin.books.assign.mutationOptions({
      onSuccess: async (assigned) => {
        toast.success(`${assigned.code} assigned.`);
        setCodeId("");
        await queryClient.invalidateQueries({ queryKey: trpc.admin.books.pathKey() });
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  if (!book) return null;
  const available = codes.data?.items.filter((c) => c.state === "AVAILABLE") ?? [];
  return (
    <Card data-testid="book-detail">
      <CardHeader>
        <CardTitle className="text-base">{book.name}</CardTitle>
        <CardDescription>
          {book.couponName} · {book.codes.toLocaleString("en-US")} codes, {book.assigned.toLocaleString("en-US")}{" "}
          assigned, {book.available.toLocaleString("en-US")} left · at most {book.maxPerUser} per user
          {book.claimable ? " · shoppers may claim" : ""}
        </CardDescription>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="flex flex-wrap gap-2">
          <Button asChild variant="outline" size="sm">
            <Link href={`/admin/generate?couponId=${book.couponId}&bookId=${book.id}`}>Generate codes into it</Link>
          </Button>
          <Button asChild variant="outline" size="sm">
            <Link href={`/admin/import?couponId=${book.couponId}&bookId=${book.id}`}>Import codes into it</Link>
          </Button>
        </div>
        <form
          className="grid gap-3 sm:grid-cols-[1fr_1fr_auto]"
          onSubmit={(event) => {
            event.preventDefault();
            if (parsed.success) assign.mutate(parsed.data);
          }}
        >
          <div className="space-y-1.5">
            <Label htmlFor="assign-email">User&apos;s email</Label>
            <Input id="assign-email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <div className="space-y-1.5">
            <Label htmlFor="assign-code">Code</Label>
            <select
              id="assign-code"
              className="border-input bg-card h-9 w-full rounded-md border px-2 text-sm"
              value={codeId}
              onChange={(e) => setCodeId(e.target.value)}
            >
              <option value="">A random available code</option>
              {available.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.code}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" className="self-end" disabled={!parsed.success || assign.isPending}>
            Assign
          </Button>
        </form>
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>Code</TableHead>
              <TableHead>State</TableHead>
              <TableHead>Assigned to</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {codes.data?.items.map((c) => (
              <TableRow key={c.id}>
                <TableCell className="font-mono">{c.code}</TableCell>
                <TableCell>
                  <Badge variant={STATE_BADGE[c.state]}>{c.state}</Badge>
                </TableCell>
                <TableCell>{c.assignedTo ?? "—"}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {codes.data && codes.data.items.length === 0 && (
          <p className="text-muted-foreground text-sm">No codes yet: generate or import some into this book.</p>
        )}
        {codes.data?.nextCursor && <p className="text-muted-foreground text-sm">The first 50 codes are shown.</p>}
      </CardContent>
    </Card>
  );
}

/** Books: the list with counts, a create form, and the selected book's codes, states and assignment. */
export function BooksManager() {
  const trpc = useTRPC();
  const params = useSearchParams();
  const books = useQuery(trpc.admin.books.list.queryOptions({}));
  const [selected, setSelected] = useState<string | null>(params.get("bookId"));
  return (
    <div className="space-y-6">
      <CreateBookForm onCreated={setSelected} />
      <Card>
        <CardHeader>
          <CardTitle className="text-base">Books</CardTitle>
        </CardHeader>
        <CardContent>
          {books.data && books.data.length === 0 ? (
            <p className="text-muted-foreground text-sm">No books yet.</p>
          ) : (
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Name</TableHead>
                  <TableHead>Coupon</TableHead>
                  <TableHead className="text-right">Codes</TableHead>
                  <TableHead className="text-right">Assigned</TableHead>
                  <TableHead className="text-right">Left</TableHead>
                  <TableHead />
                </TableRow>
              </TableHeader>
              <TableBody>
                {books.data?.map((b) => (
                  <TableRow key={b.id} data-state={selected === b.id ? "selected" : undefined}>
                    <TableCell className="font-medium">{b.name}</TableCell>
                    <TableCell>{b.couponName}</TableCell>
                    <TableCell className="text-right">{b.codes.toLocaleString("en-US")}</TableCell>
                    <TableCell className="text-right">{b.assigned.toLocaleString("en-US")}</TableCell>
                    <TableCell className="text-right">{b.available.toLocaleString("en-US")}</TableCell>
                    <TableCell className="text-right">
                      <Button variant="ghost" size="sm" onClick={() => setSelected(b.id)}>
                        Open
                      </Button>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      {selected && <BookDetail bookId={selected} />}
    </div>
  );
}
