"use client";

import { Toaster as Sonner, type ToasterProps } from "sonner";

/** The app's toaster (mount once, in the root layout); call `toast(...)` from "sonner" anywhere. */
export function Toaster(props: ToasterProps) {
  return (
    <Sonner
      theme="light"
      className="toaster group"
      richColors
      closeButton
      style={
        {
          "--normal-bg": "var(--popover)",
          "--normal-text": "var(--popover-foreground)",
          "--normal-border": "var(--border)",
        } as React.CSSProperties
      }
      {...props}
    />
  );
}
