import { getDb } from "@/server/db/client";
import { countOverview } from "@/server/db/queries/count-overview";

export function getAdminOverview() {
  return countOverview(getDb());
}
