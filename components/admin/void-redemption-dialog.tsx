"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Undo2 } from "lucide-react";
import { useRef, useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { Textarea } from "@/components/ui/textarea";

/** Void one redemption with a reason (the redemption stays in the history, marked voided). */
export function VoidRedemptionDialog({ redemption }: { redemption: { id: string; orderId: string; code: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  // One key per dialog: a double click voids once.
  const key = useRef("");
  const voiding = useMutation(
    trpc.admin.redemptions.void.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
        setOpen(false);
        const restored = result.voided[0]?.usesRestored;
        toast.success(
          result.voided.length === 0
            ? "Already voided."
            : `Voided order ${redemption.orderId}${restored ? "; its use was given back." : "; its use stays consumed."}`,
        );
      },
      onError: (e) => setError(e.message),
    }),
  );
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) {
          key.current = crypto.randomUUID();
          setReason("");
          setError(null);
        }
      }}
    >
      <DialogTrigger asChild>
        <Button size="sm" variant="outline" aria-label={`Void the redemption of order ${redemption.orderId}`}>
          <Undo2 /> Void
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Void the redemption of order {redemption.orderId}?</DialogTitle>
          <DialogDescription>
            For a cancelled or refunded order. Code {redemption.code}; the redemption stays in the history, marked
            voided.
          </DialogDescription>
        </DialogHeader>
        <form
          id="void-form"
          className="grid gap-2"
          onSubmit={(e) => {
            e.preventDefault();
            if (!reason.trim()) {
              setError("Say why (e.g. order cancelled).");
              return;
            }
            voiding.mutate({ redemptionId: redemption.id, reason: reason.trim(), idempotencyKey: key.current });
          }}
        >
          <Label htmlFor="void-reason">Reason</Label>
          <Textarea
            id="void-reason"
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              setError(null);
            }}
            aria-invalid={error !== null}
            aria-describedby={error ? "void-error" : undefined}
            placeholder="Order cancelled by the customer"
          />
          {error && (
            <p id="void-error" role="alert" className="text-destructive text-sm">
              {error}
            </p>
          )}
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" form="void-form" variant="destructive" disabled={voiding.isPending}>
            {voiding.isPending ? "Voiding…" : "Void redemption"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
