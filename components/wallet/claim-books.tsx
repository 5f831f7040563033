"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Gift, Loader2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { describeCheckoutError } from "@/components/checkout/describe-error";
import { useTRPC } from "@/components/providers/trpc-provider";
import { cartActions, useCart } from "@/components/shop/cart-store";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { describeCouponValue } from "./describe-coupon-value";

/** The coupon books a shopper may claim from (wallet.books), each with a fair, random claim (wallet.claim). */
export function ClaimBooks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const cart = useCart();
  const books = useQuery(trpc.wallet.books.queryOptions());
  const [claimed, setClaimed] = useState<{ bookId: string; code: string } | null>(null);
  const [problem, setProblem] = useState<{ bookId: string; message: string } | null>(null);
  const claim = useMutation(
    trpc.wallet.claim.mutationOptions({
      onSuccess: (data) => {
        setClaimed({ bookId: data.bookId, code: data.code });
        setProblem(null);
        toast.success(`${data.code} is yours`, { description: "It is in your wallet now." });
        void queryClient.invalidateQueries({ queryKey: trpc.wallet.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.wallet.books.queryKey() });
      },
      onError: (error, input) => {
        setProblem({ bookId: input.bookId, message: describeCheckoutError(error).message });
        void queryClient.invalidateQueries({ queryKey: trpc.wallet.books.queryKey() });
      },
    }),
  );

  if (books.isPending || books.isError || books.data.length === 0) return null;

  return (
    <section aria-labelledby="claim-heading" className="space-y-3">
      <h2 id="claim-heading" className="text-lg font-semibold">
        Claim a code
      </h2>
      <ul className="grid gap-4 sm:grid-cols-2" aria-label="Coupon books">
        {books.data.map((book) => {
          const mine = claimed?.bookId === book.id ? claimed.code : null;
          const error = problem?.bookId === book.id ? problem.message : null;
          const pending = claim.isPending && claim.variables?.bookId === book.id;
          const inCart = mine !== null && cart.codes.includes(mine);
          return (
            <li key={book.id} data-testid="claim-book" data-book={book.name}>
              <Card className="flex h-full flex-col gap-3">
                <div className="flex items-start gap-3">
                  <Gift className="text-primary mt-0.5 size-5 shrink-0" aria-hidden />
                  <div>
                    <p className="font-semibold">{book.name}</p>
                    <p className="text-muted-foreground text-sm">{book.coupon.description || book.description}</p>
                  </div>
                  <span className="ml-auto text-sm font-medium whitespace-nowrap text-emerald-800">
                    {describeCouponValue(book.coupon)}
                  </span>
                </div>
                <p className="text-muted-foreground text-xs">
                  You hold {book.held} of {book.maxPerUser} allowed
                  {book.hasCodesLeft ? "" : " · none left to claim"}. A code is picked at random.
                </p>
                {mine && (
                  <p className="rounded-md bg-emerald-50 p-2 text-sm text-emerald-900" data-testid="claimed-code">
                    Your code: <code className="font-mono font-semibold tracking-wide">{mine}</code>
                  </p>
                )}
                {error && (
                  <p role="alert" className="text-sm text-red-700">
                    {error}
                  </p>
                )}
                <div className="mt-auto flex flex-wrap gap-2">
                  {mine ? (
                    <Button
                      onClick={() => {
                        if (!inCart) cartActions.setCodes([...cart.codes, mine]);
                        toast.success(inCart ? `${mine} is already in your cart` : `${mine} added to your cart`);
                        router.push("/cart");
                      }}
                    >
                      {inCart ? "In your cart" : "Apply to cart"}
                    </Button>
                  ) : (
                    <Button
                      onClick={() => claim.mutate({ bookId: book.id })}
                      disabled={!book.canClaim || claim.isPending}
                      aria-label={`Claim a code from ${book.name}`}
                    >
                      {pending && <Loader2 className="animate-spin" aria-hidden />}
                      {pending ? "Claiming…" : book.canClaim ? "Claim a code" : "Claimed"}
                    </Button>
                  )}
                </div>
              </Card>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
