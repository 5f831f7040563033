"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The job a bulk page follows, kept in the URL (?jobId=): a reload or a shared link shows the
 * same job's progress, since a 1,000,000-code job outlives a page visit.
 */
export function useJobIdInUrl(): [string | null, (jobId: string) => void] {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const fromUrl = params.get("jobId");
  const [jobId, setJobId] = useState<string | null>(fromUrl && UUID.test(fromUrl) ? fromUrl : null);
  const follow = (next: string) => {
    setJobId(next);
    const query = new URLSearchParams(params.toString());
    query.set("jobId", next);
    router.replace(`${pathname}?${query.toString()}`, { scroll: false });
  };
  return [jobId, follow];
}
