import { setImmediate } from 'node:timers/promises';
import {
  AUDIT_EXPORT_MAX_ROWS,
  type AuditEntry,
  type AuditFilters,
  type AuditListInput,
  type AuditPage,
  describeAuditSummary,
  type ExportFile,
} from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import { csvHeader, csvLines, spreadsheetTime } from '../csv.js';
import type { Database } from '../db/schema.js';
import { decodeCursor, encodeCursor } from '../questions/cursor.js';
import { type AuditPosition, selectAuditEntries, toAuditEntry } from './repository.js';

/** One page of the tenant's entries that match the filters, newest first. */
export async function listAuditEntries(
  db: Database,
  access: TenantAccess,
  input: AuditListInput,
): Promise<AuditPage> {
  const { tenant: _slug, limit, cursor, direction: _direction, ...filters } = input;
  const after = cursor ? decodeCursor(cursor, 'audit') : undefined;
  const position = after && { createdAt: after[1], id: after[2] };
  // One more than asked tells whether there is a next page.
  const rows = await selectAuditEntries(db, access.tenant.id, filters, limit + 1, position);
  const items = rows.slice(0, limit).map(toAuditEntry);
  const last = items.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(['audit', last.createdAt, last.id]) : null;
  return { items, nextCursor };
}

const CSV_COLUMNS = ['When (UTC)', 'Who', 'Acting as', 'Actor id', 'Action', 'Object', 'Object id', 'Change'];

function toCsvRecord(entry: AuditEntry): string[] {
  return [
    spreadsheetTime(entry.createdAt),
    entry.actor.name,
    entry.actor.kind === 'token' ? 'service token' : 'person',
    entry.actor.id,
    entry.action,
    entry.target.type,
    entry.target.id ?? '',
    describeAuditSummary(entry.summary),
  ];
}

/** Entries are read and written this many at a time, letting other requests run in between. */
const EXPORT_BATCH = 2_000;

/** The tenant's entries that match the filters as a CSV file, newest first, at most `AUDIT_EXPORT_MAX_ROWS`. */
export async function exportAuditEntries(
  db: Database,
  access: TenantAccess,
  input: AuditFilters,
): Promise<ExportFile> {
  const { tenant: slug, ...filters } = input;
  const parts = [csvHeader(CSV_COLUMNS)];
  let position: AuditPosition | undefined;
  for (let exported = 0; exported < AUDIT_EXPORT_MAX_ROWS; ) {
    const limit = Math.min(EXPORT_BATCH, AUDIT_EXPORT_MAX_ROWS - exported);
    const rows = await selectAuditEntries(db, access.tenant.id, filters, limit, position);
    parts.push(csvLines(rows.map((row) => toCsvRecord(toAuditEntry(row)))));
    exported += rows.length;
    const last = rows.at(-1);
    if (rows.length < limit || !last) break;
    position = { createdAt: last.createdAt, id: last.id };
    await setImmediate();
  }
  return {
    filename: `${slug}-audit-log.csv`,
    contentType: 'text/csv; charset=utf-8',
    content: parts.join(''),
  };
}
