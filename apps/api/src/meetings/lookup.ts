import type { Executor } from '../db/schema.js';
import { notFound } from '../errors.js';
import { findMeeting, type MeetingRow } from './repository.js';

/** How every meeting the caller may not name is refused: like an id that exists nowhere. */
export const meetingNotFound = () => notFound('Meeting not found');

/** A meeting of this tenant, or "not found" for any other id, another tenant's meetings included. */
export async function tenantMeeting(db: Executor, tenantId: string, meetingId: string): Promise<MeetingRow> {
  const row = await findMeeting(db, tenantId, meetingId);
  if (!row) throw meetingNotFound();
  return row;
}
