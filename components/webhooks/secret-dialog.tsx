"use client";

import { CopyButton } from "@/components/admin/copy-button";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";

/** The signing secret, shown after creating an endpoint (and on an admin's reveal). */
export function SecretDialog({ secret, url, onClose }: { secret: string | null; url: string; onClose: () => void }) {
  return (
    <Dialog open={secret !== null} onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Signing secret</DialogTitle>
          <DialogDescription>
            For {url}. Give it to the receiver to verify the webhook-signature header (e.g. with the standardwebhooks
            library). Keep it secret.
          </DialogDescription>
        </DialogHeader>
        <div className="bg-muted flex items-center gap-2 rounded-md p-3">
          <code className="min-w-0 flex-1 font-mono text-sm break-all" data-testid="webhook-secret">
            {secret}
          </code>
          {secret && <CopyButton value={secret} label="Copy the secret" />}
        </div>
        <DialogFooter>
          <Button onClick={onClose}>Done</Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
