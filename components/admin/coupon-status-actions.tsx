"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Archive, CirclePause, CirclePlay } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";
import { useTRPC } from "@/components/providers/trpc-provider";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { allowedTransitions } from "@/server/domain/coupon-status";
import type { CouponLifecycleStatus } from "@/server/domain/schemas";

const ACTIONS = {
  ACTIVE: { label: "Activate", icon: CirclePlay, variant: "default" },
  DISABLED: { label: "Disable", icon: CirclePause, variant: "outline" },
  ARCHIVED: { label: "Archive", icon: Archive, variant: "outline" },
  DRAFT: { label: "Back to draft", icon: CirclePause, variant: "outline" },
} as const;

/** Only the transitions the state machine allows; disable and archive ask first (archive: type the name). */
export function CouponStatusActions({
  coupon,
}: {
  coupon: { id: string; name: string; status: CouponLifecycleStatus };
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState<"DISABLED" | "ARCHIVED" | null>(null);
  const [typed, setTyped] = useState("");
  const setStatus = useMutation(
    trpc.admin.coupons.setStatus.mutationOptions({
      onSuccess: async (row) => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.pathKey() });
        toast.success(`“${row.name}” is now ${row.status.toLowerCase()}.`);
      },
      onError: (error) => toast.error(error.message),
    }),
  );
  const go = (status: CouponLifecycleStatus) => setStatus.mutate({ id: coupon.id, status });

  return (
    <>
      {allowedTransitions(coupon.status).map((to) => {
        const { label, icon: Icon, variant } = ACTIONS[to];
        return (
          <Button
            key={to}
            variant={variant}
            disabled={setStatus.isPending}
            onClick={() => (to === "DISABLED" || to === "ARCHIVED" ? (setTyped(""), setAsking(to)) : go(to))}
          >
            <Icon /> {label}
          </Button>
        );
      })}
      <AlertDialog open={asking !== null} onOpenChange={(open) => !open && setAsking(null)}>
        <AlertDialogContent>
          <AlertDialogHeader>
            <AlertDialogTitle>
              {asking === "ARCHIVED" ? `Archive “${coupon.name}”?` : `Disable “${coupon.name}”?`}
            </AlertDialogTitle>
            <AlertDialogDescription>
              {asking === "ARCHIVED"
                ? "Archiving is final: the coupon and its codes stop working for good and can never be reactivated. Nothing is deleted; its history stays."
                : "Its codes stop working at once, at every checkout. Nothing is deleted: you can activate it again later."}
            </AlertDialogDescription>
          </AlertDialogHeader>
          {asking === "ARCHIVED" && (
            <div className="grid gap-2">
              <Label htmlFor="confirm-name">Type the coupon&apos;s name to confirm</Label>
              <Input id="confirm-name" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
            </div>
          )}
          <AlertDialogFooter>
            <AlertDialogCancel>Cancel</AlertDialogCancel>
            <AlertDialogAction
              variant="destructive"
              disabled={asking === "ARCHIVED" && typed.trim() !== coupon.name.trim()}
              onClick={() => asking && go(asking)}
            >
              {asking === "ARCHIVED" ? "Archive for good" : "Disable"}
            </AlertDialogAction>
          </AlertDialogFooter>
        </AlertDialogContent>
      </AlertDialog>
    </>
  );
}
