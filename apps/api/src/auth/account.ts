import type { AccountSession } from '@pulsestage/contracts';
import type { Database } from '../db/schema.js';
import { notFound } from '../errors.js';
import { deleteSessionsOf, findSessionId, selectSessions } from './account-repository.js';
import { describeDevice } from './device-label.js';
import { tenantIdsOf } from './service.js';
import { invalidateSession } from './sessions.js';

/** A signed-in person and the session of this request. */
interface SessionCaller {
  sessionId: string;
  user: { id: string };
}

/** Ending sessions leaves streams open in these tenants that must check their access again. */
interface Ended {
  tenantIds: string[];
}

export async function listSessions(db: Database, caller: SessionCaller): Promise<AccountSession[]> {
  const rows = await selectSessions(db, caller.user.id);
  return rows.map((row) => ({
    id: row.publicId,
    device: describeDevice(row.userAgent),
    current: row.id === caller.sessionId,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt ?? row.createdAt,
  }));
}

/** Ends one of the caller's own sessions; anyone else's is not found, exactly like an id that exists nowhere. */
export async function endSession(
  db: Database,
  caller: SessionCaller,
  publicId: string,
): Promise<Ended & { current: boolean }> {
  const sessionId = await findSessionId(db, caller.user.id, publicId);
  if (!sessionId) throw notFound('Session not found');
  await invalidateSession(db, sessionId);
  return { current: sessionId === caller.sessionId, tenantIds: await tenantIdsOf(db, caller.user.id) };
}

/** Ends every session of the caller, the current one included. */
export async function endAllSessions(
  db: Database,
  caller: SessionCaller,
): Promise<Ended & { sessionsEnded: number }> {
  const sessionsEnded = await deleteSessionsOf(db, caller.user.id);
  return { sessionsEnded, tenantIds: await tenantIdsOf(db, caller.user.id) };
}
