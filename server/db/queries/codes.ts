import { inArray } from "drizzle-orm";
import type { Executor } from "../client";
import { codes, type CodeRow } from "../schema";

export type NewCode = typeof codes.$inferInsert;

export async function insertCode(db: Executor, values: NewCode): Promise<CodeRow> {
  const [row] = await db.insert(codes).values(values).returning();
  if (!row) throw new Error("insert into codes returned nothing");
  return row;
}

export async function findCodesByLookupHashes(db: Executor, hashes: Buffer[]) {
  if (hashes.length === 0) return [];
  return db
    .select({
      id: codes.id,
      couponId: codes.couponId,
      lookupHash: codes.lookupHash,
      kind: codes.kind,
      maxRedemptions: codes.maxRedemptions,
      assignedUserId: codes.assignedUserId,
      status: codes.status,
    })
    .from(codes)
    .where(inArray(codes.lookupHash, hashes));
}
