import type { TenantSafetySettings, tenantSafetySettingsInput } from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import type { z } from 'zod';
import type { Database, Executor, TenantTable } from '../db/schema.js';

// A tenant's safety settings: the words that send a question to review and the origins that may embed
// the presenter display. Admins only: members must not learn the word list.

type SafetyColumns = Pick<Selectable<TenantTable>, 'restrictedWords' | 'displayFrameOrigins'>;

/** The stored JSON list; anything but strings in it is ignored. */
function parseList(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];
}

function toSafetySettings(row: SafetyColumns): TenantSafetySettings {
  return {
    restrictedWords: parseList(row.restrictedWords),
    displayFrameOrigins: parseList(row.displayFrameOrigins),
  };
}

async function selectSafety(db: Executor, tenantId: string): Promise<SafetyColumns> {
  return db
    .selectFrom('tenants')
    .select(['restrictedWords', 'displayFrameOrigins'])
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow();
}

export async function readSafetySettings(db: Executor, tenantId: string): Promise<TenantSafetySettings> {
  return toSafetySettings(await selectSafety(db, tenantId));
}

/** The tenant's own restricted words, as the content filter matches them. */
export async function findRestrictedWords(db: Executor, tenantId: string): Promise<string[]> {
  return parseList((await selectSafety(db, tenantId)).restrictedWords);
}

/**
 * The origins allowed to embed the tenant's presenter display in a frame (`frame-ancestors`), each
 * `https://host[:port]` or `http://localhost[:port]`; none for a tenant that does not exist.
 */
export async function findDisplayFrameOrigins(db: Executor, tenantSlug: string): Promise<string[]> {
  const row = await db
    .selectFrom('tenants')
    .select('displayFrameOrigins')
    .where('slug', '=', tenantSlug)
    .executeTakeFirst();
  return row ? parseList(row.displayFrameOrigins) : [];
}

/** Replaces the lists the admin sent, already validated and deduplicated; a list left out stays. */
export async function updateSafetySettings(
  db: Database,
  tenantId: string,
  input: z.infer<typeof tenantSafetySettingsInput>,
): Promise<TenantSafetySettings> {
  const { restrictedWords, displayFrameOrigins } = input;
  if (restrictedWords === undefined && displayFrameOrigins === undefined) {
    return readSafetySettings(db, tenantId);
  }
  const row = await db
    .updateTable('tenants')
    .set({
      restrictedWords: restrictedWords && JSON.stringify(restrictedWords),
      displayFrameOrigins: displayFrameOrigins && JSON.stringify(displayFrameOrigins),
    })
    .where('id', '=', tenantId)
    .returning(['restrictedWords', 'displayFrameOrigins'])
    .executeTakeFirstOrThrow();
  return toSafetySettings(row);
}
