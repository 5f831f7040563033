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
          // Sonner's rich colours put mid-tone text on pale tints (about 4.2:1): a shade darker keeps WCAG AA.
          "--success-text": "oklch(0.432 0.095 166.913)",
          "--error-text": "oklch(0.444 0.177 26.899)",
          "--warning-text": "oklch(0.473 0.137 46.201)",
          "--info-text": "oklch(0.424 0.199 265.638)",
        } as React.CSSProperties
      }
      {...props}
    />
  );
}
