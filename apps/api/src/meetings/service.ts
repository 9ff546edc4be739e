import type {
  LatestEvent,
  MEETING_LISTS,
  Meeting,
  MeetingList,
  MeetingSnapshot,
  MeetingState,
  meetingCreateInput,
  meetingUpdateInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { lastSequence } from '../events/outbox/reader.js';
import { appendEvent } from '../events/outbox/writer.js';
import { tenantMeeting } from './lookup.js';
import {
  deleteMeeting as deleteMeetingRows,
  insertMeeting,
  lockMeeting,
  type MeetingRow,
  recordVisitor,
  selectMeetings,
  toMeeting,
  toMeetingPublic,
  updateMeeting as updateMeetingRow,
} from './repository.js';
import {
  checkCanClose,
  checkCanOpen,
  checkClosesInFuture,
  checkOpensBeforeCloses,
  closesAtAfterReopening,
  initialState,
  normalizeTime,
} from './rules.js';

type MeetingListName = (typeof MEETING_LISTS)[number];
type MeetingEventType = Extract<LatestEvent['type'], `meeting:${string}`>;

const STATES_OF: Record<MeetingListName, MeetingState> = {
  open: 'open',
  upcoming: 'scheduled',
  past: 'closed',
};
const LIST_ORDER: MeetingState[] = ['open', 'scheduled', 'closed'];

const now = () => new Date().toISOString();

/** The meeting of the caller's tenant, locked for the rest of the transaction; any other id is not found. */
async function lockedMeeting(trx: Executor, access: TenantAccess, meetingId: string): Promise<MeetingRow> {
  await lockMeeting(trx, access.tenant.id, meetingId);
  return tenantMeeting(trx, access.tenant.id, meetingId);
}

function announce(trx: Executor, tenantId: string, type: MeetingEventType, row: MeetingRow): Promise<number> {
  return appendEvent(trx, tenantId, { type, data: toMeetingPublic(row) }, 'all');
}

/** The time a meeting sorts by among those in its state. */
function sortTime(row: MeetingRow): string | null {
  switch (row.state) {
    case 'open':
      return row.openedAt;
    case 'scheduled':
      return row.opensAt;
    case 'closed':
      return row.closedAt;
  }
}

/**
 * Open meetings newest-opened first, then upcoming ones by opening time (unscheduled last), then past
 * ones newest-closed first. ISO-8601 UTC times compare as text.
 */
function compareMeetings(a: MeetingRow, b: MeetingRow): number {
  if (a.state !== b.state) return LIST_ORDER.indexOf(a.state) - LIST_ORDER.indexOf(b.state);
  const [first, second] = [sortTime(a), sortTime(b)];
  if (first === second) return a.createdAt.localeCompare(b.createdAt);
  if (first === null) return 1;
  if (second === null) return -1;
  const earlierFirst = a.state === 'scheduled' ? 1 : -1;
  return (first < second ? -1 : 1) * earlierFirst;
}

/** The sequence is read first, so whatever changes after the read comes on the stream after it. */
export async function listMeetings(
  db: Database,
  access: TenantAccess,
  when: MeetingListName | undefined,
): Promise<MeetingList> {
  const sequence = await lastSequence(db, access.tenant.id);
  const states = when ? [STATES_OF[when]] : LIST_ORDER;
  const rows = await selectMeetings(db, access.tenant.id, states);
  const items = rows.sort(compareMeetings).map((row) => toMeeting(row, access.tenant.settings));
  return { items, sequence };
}

/** A meeting in any state (a closed one is its archive); opening it counts the caller as a participant. */
export async function getMeeting(
  db: Database,
  access: TenantAccess,
  meetingId: string,
): Promise<MeetingSnapshot> {
  const sequence = await lastSequence(db, access.tenant.id);
  const row = await tenantMeeting(db, access.tenant.id, meetingId);
  if (access.actor.role !== 'display') await recordVisitor(db, row.id, access.actor.id);
  return { ...toMeeting(row, access.tenant.settings), sequence };
}

export async function createMeeting(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof meetingCreateInput>,
): Promise<Meeting> {
  const at = now();
  const opensAt = normalizeTime(input.opensAt);
  const closesAt = normalizeTime(input.closesAt);
  checkClosesInFuture(closesAt, at);
  const row = await db.transaction().execute(async (trx) => {
    const created = await insertMeeting(trx, access.tenant.id, {
      title: input.title,
      description: input.description,
      opensAt,
      closesAt,
      requireApproval: input.requireApproval,
      allowGuests: input.allowGuests,
      state: initialState(opensAt, at),
    });
    await announce(trx, access.tenant.id, 'meeting:created', created);
    return created;
  });
  return toMeeting(row, access.tenant.settings);
}

/** Changes only the fields the caller sent. */
export async function updateMeeting(
  db: Database,
  access: TenantAccess,
  input: z.infer<typeof meetingUpdateInput>,
): Promise<Meeting> {
  const { tenant: _slug, meetingId, ...fields } = input;
  const changes = {
    ...fields,
    opensAt: fields.opensAt === undefined ? undefined : normalizeTime(fields.opensAt),
    closesAt: fields.closesAt === undefined ? undefined : normalizeTime(fields.closesAt),
  };
  const row = await db.transaction().execute(async (trx) => {
    const current = await lockedMeeting(trx, access, meetingId);
    if (changes.closesAt !== undefined) checkClosesInFuture(changes.closesAt, now());
    checkOpensBeforeCloses(changes.opensAt ?? current.opensAt, changes.closesAt ?? current.closesAt);
    if (Object.values(changes).every((value) => value === undefined)) return current;
    const updated = await updateMeetingRow(trx, access.tenant.id, meetingId, changes);
    await announce(trx, access.tenant.id, 'meeting:updated', updated);
    return updated;
  });
  return toMeeting(row, access.tenant.settings);
}

/** Opens a scheduled meeting now, or reopens a closed one. */
export async function openMeeting(db: Database, access: TenantAccess, meetingId: string): Promise<Meeting> {
  const row = await db.transaction().execute(async (trx) => {
    const current = await lockedMeeting(trx, access, meetingId);
    checkCanOpen(current.state);
    const at = now();
    const opened = await updateMeetingRow(trx, access.tenant.id, meetingId, {
      state: 'open',
      openedAt: at,
      closedAt: null,
      closesAt: closesAtAfterReopening(current.closesAt, at),
    });
    await announce(trx, access.tenant.id, 'meeting:opened', opened);
    return opened;
  });
  return toMeeting(row, access.tenant.settings);
}

export async function closeMeeting(db: Database, access: TenantAccess, meetingId: string): Promise<Meeting> {
  const row = await db.transaction().execute(async (trx) => {
    const current = await lockedMeeting(trx, access, meetingId);
    checkCanClose(current.state);
    const closed = await updateMeetingRow(trx, access.tenant.id, meetingId, {
      state: 'closed',
      closedAt: now(),
    });
    await announce(trx, access.tenant.id, 'meeting:closed', closed);
    return closed;
  });
  return toMeeting(row, access.tenant.settings);
}

/** Deletes the meeting with its questions; its code then leads nowhere. */
export async function deleteMeeting(db: Database, access: TenantAccess, meetingId: string): Promise<Meeting> {
  const row = await db.transaction().execute(async (trx) => {
    const current = await lockedMeeting(trx, access, meetingId);
    await deleteMeetingRows(trx, access.tenant.id, meetingId);
    await announce(trx, access.tenant.id, 'meeting:deleted', current);
    return current;
  });
  return toMeeting(row, access.tenant.settings);
}
