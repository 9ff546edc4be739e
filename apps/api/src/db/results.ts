import type { DeleteResult, InsertResult } from 'kysely';

/** With `onConflict(doNothing)`, a row that already existed comes back as zero rows inserted. */
export function inserted(result: InsertResult): boolean {
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export function deleted(result: DeleteResult): boolean {
  return Number(result.numDeletedRows) > 0;
}
