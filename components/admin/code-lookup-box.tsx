"use client";

import { Search } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Input } from "@/components/ui/input";

/** Exact-code look-up from any admin page. */
export function CodeLookupBox() {
  const router = useRouter();
  const [code, setCode] = useState("");
  return (
    <form
      role="search"
      className="relative"
      onSubmit={(event) => {
        event.preventDefault();
        const trimmed = code.trim();
        if (trimmed) router.push(`/admin/codes?code=${encodeURIComponent(trimmed)}`);
      }}
    >
      <Search className="text-muted-foreground pointer-events-none absolute top-2.5 left-2.5 size-4" aria-hidden />
      <Input
        aria-label="Look up a code"
        placeholder="Look up a code…"
        value={code}
        onChange={(event) => setCode(event.target.value)}
        className="pl-8"
      />
    </form>
  );
}
