import type { AuditEntry, AuditFilters, AuditSummary } from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import type { AuditLogTable, Executor } from '../db/schema.js';

export interface NewAuditEntry {
  tenantId: string;
  actor: AuditEntry['actor'];
  action: string;
  targetType: string;
  targetId: string | null;
  summary: AuditSummary;
}

export async function insertAuditEntry(db: Executor, entry: NewAuditEntry): Promise<void> {
  await db
    .insertInto('auditLog')
    .values({
      id: crypto.randomUUID(),
      tenantId: entry.tenantId,
      actorId: entry.actor.id,
      actorKind: entry.actor.kind,
      actorName: entry.actor.name,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      summary: JSON.stringify(entry.summary),
      createdAt: new Date().toISOString(),
    })
    .execute();
}

export function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    actor: { id: row.actorId, kind: row.actorKind, name: row.actorName },
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    summary: JSON.parse(row.summary) as AuditSummary,
    createdAt: row.createdAt,
  };
}

/** Where a page starts: after the entry with this time and id, newest first. */
export interface AuditPosition {
  createdAt: string;
  id: string;
}

/** Stored times are UTC ISO-8601 from `toISOString`, so text order is time order; filters are brought to it. */
const storedTime = (time: string) => new Date(time).toISOString();

/**
 * The tenant's entries that match `filters`, newest first (ties by id), after `position` when given,
 * at most `limit`.
 */
export function selectAuditEntries(
  db: Executor,
  tenantId: string,
  filters: Omit<AuditFilters, 'tenant'>,
  limit: number,
  position?: AuditPosition,
): Promise<Selectable<AuditLogTable>[]> {
  let query = db.selectFrom('auditLog').selectAll().where('tenantId', '=', tenantId);
  if (filters.action) query = query.where('action', '=', filters.action);
  if (filters.actorId) query = query.where('actorId', '=', filters.actorId);
  if (filters.targetType) query = query.where('targetType', '=', filters.targetType);
  if (filters.targetId) query = query.where('targetId', '=', filters.targetId);
  if (filters.from) query = query.where('createdAt', '>=', storedTime(filters.from));
  if (filters.to) query = query.where('createdAt', '<', storedTime(filters.to));
  if (position) {
    query = query.where((eb) =>
      eb(eb.refTuple('createdAt', 'id'), '<', eb.tuple(position.createdAt, position.id)),
    );
  }
  return query.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** Deletes every tenant's entries older than `cutoff`; returns how many. */
export async function deleteAuditEntriesBefore(db: Executor, cutoff: Date): Promise<number> {
  const result = await db
    .deleteFrom('auditLog')
    .where('createdAt', '<', cutoff.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// What an entry needs from before a change; nothing read here that an entry must never hold (authors).

export async function findQuestionStatus(
  db: Executor,
  tenantId: string,
  questionId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('questions')
    .select('status')
    .where('tenantId', '=', tenantId)
    .where('id', '=', questionId)
    .executeTakeFirst();
  return row?.status;
}

/** Compared here and never stored: an entry must not tell who asked. */
export async function isQuestionAuthor(
  db: Executor,
  tenantId: string,
  questionId: string,
  actorId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('questions')
    .select('id')
    .where('tenantId', '=', tenantId)
    .where('id', '=', questionId)
    .where('authorId', '=', actorId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function findLinkKind(db: Executor, tenantId: string, linkId: string) {
  const row = await db
    .selectFrom('links')
    .select('kind')
    .where('tenantId', '=', tenantId)
    .where('id', '=', linkId)
    .executeTakeFirst();
  return row?.kind;
}

export async function findServiceTokenName(db: Executor, tenantId: string, tokenId: string) {
  const row = await db
    .selectFrom('serviceTokens')
    .select('name')
    .where('tenantId', '=', tenantId)
    .where('id', '=', tokenId)
    .executeTakeFirst();
  return row?.name;
}
