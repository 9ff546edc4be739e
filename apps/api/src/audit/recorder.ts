import type { AuditEntry } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import type { Caller } from '../auth/credentials.js';
import { hasPermission } from '../auth/permissions.js';
import type { Database } from '../db/schema.js';
import { AUDITED_PROCEDURES, type Describe } from './actions.js';
import { findServiceTokenName, insertAuditEntry } from './repository.js';

/** Writes the entry of a change that succeeded, given the procedure's output. */
export type RecordAuditEntry = (output: unknown) => Promise<void>;

const log = (message: string, error: unknown) => console.error(message, error);

/** Who acts, with the name they have now, so the entry stays readable after they leave or rename. */
async function actorOf(db: Database, caller: Caller, tenantId: string): Promise<AuditEntry['actor'] | null> {
  if (caller.kind === 'user') return { id: caller.user.id, kind: 'user', name: caller.user.name };
  if (caller.kind !== 'service') return null;
  const name = (await findServiceTokenName(db, tenantId, caller.tokenId)) ?? 'service token';
  return { id: caller.tokenId, kind: 'token', name };
}

/**
 * Begins the audit entry of a tenant mutation, before it runs: null when the procedure is not audited,
 * its input is invalid, or the caller acts as a participant (a member editing their own question).
 * Reading what the entry needs from before the change happens here, so a failure refuses the request
 * before anything changed.
 */
export async function beginAuditEntry(
  db: Database,
  caller: Caller,
  access: TenantAccess,
  path: string,
  rawInput: unknown,
): Promise<RecordAuditEntry | null> {
  const rule = AUDITED_PROCEDURES[path];
  if (!rule || !hasPermission(access.actor.role, 'moderate')) return null;
  const [describe, actor] = await Promise.all([
    rule.prepare(db, access, rawInput),
    actorOf(db, caller, access.tenant.id),
  ]);
  if (!describe || !actor) return null;
  return (output) => writeEntry(db, access.tenant.id, actor, path, () => describe(output));
}

/**
 * The change is committed by now: failing the request would only invite a retry of something done, so
 * an entry that cannot be written is logged loudly instead.
 */
async function writeEntry(
  db: Database,
  tenantId: string,
  actor: AuditEntry['actor'],
  path: string,
  describe: () => ReturnType<Describe>,
): Promise<void> {
  try {
    await insertAuditEntry(db, { tenantId, actor, ...describe() });
  } catch (error) {
    log(`The audit log missed ${path} by ${actor.kind} ${actor.id} in tenant ${tenantId}:`, error);
  }
}
