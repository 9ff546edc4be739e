import { randomInt } from 'node:crypto';
import {
  MEETING_CODE_LENGTH,
  type Meeting,
  type MeetingState,
  type meetingPublicV1,
  type TenantSettings,
} from '@pulsestage/contracts';
import type { Selectable, Updateable } from 'kysely';
import type { z } from 'zod';
import type { Executor, MeetingTable } from '../db/schema.js';

export type MeetingRow = Selectable<MeetingTable>;

const flagOrNull = (value: number | null) => (value === null ? null : value === 1);
const toFlag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

/** The meeting as members see it, with the settings in force (its own, or else the tenant's). */
export function toMeeting(row: MeetingRow, tenantSettings: TenantSettings): Meeting {
  const shown = toMeetingPublic(row);
  return {
    ...shown,
    createdAt: row.createdAt,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    effective: {
      requireApproval: shown.requireApproval ?? tenantSettings.requireApproval,
      allowGuests: shown.allowGuests ?? tenantSettings.allowGuests,
    },
  };
}

/** What every `meeting:*` event carries: the meeting's public fields as they are now. */
export function toMeetingPublic(row: MeetingRow): z.infer<typeof meetingPublicV1> {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    code: row.code,
    state: row.state,
    paused: row.paused === 1,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    requireApproval: flagOrNull(row.requireApproval),
    allowGuests: flagOrNull(row.allowGuests),
  };
}

/** A meeting of this tenant; another tenant's meeting does not exist here. */
export async function findMeeting(
  db: Executor,
  tenantId: string,
  meetingId: string,
): Promise<MeetingRow | undefined> {
  return db
    .selectFrom('meetings')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('id', '=', meetingId)
    .executeTakeFirst();
}

/** Holds the meeting's row lock until the transaction ends, so its state cannot change under a submit. */
export async function lockMeeting(db: Executor, tenantId: string, meetingId: string): Promise<void> {
  await db
    .updateTable('meetings')
    .set((eb) => ({ id: eb.ref('id') }))
    .where('tenantId', '=', tenantId)
    .where('id', '=', meetingId)
    .execute();
}

export interface NewMeeting {
  title: string;
  description: string | null;
  opensAt: string | null;
  closesAt: string | null;
  requireApproval: boolean | null;
  allowGuests: boolean | null;
  state: MeetingState;
}

const randomCode = () => String(randomInt(0, 10 ** MEETING_CODE_LENGTH)).padStart(MEETING_CODE_LENGTH, '0');

/** Inserts a meeting with a fresh join code, drawing again in the rare case the code is taken. */
export async function insertMeeting(
  trx: Executor,
  tenantId: string,
  meeting: NewMeeting,
): Promise<MeetingRow> {
  const now = new Date().toISOString();
  for (;;) {
    const row = await trx
      .insertInto('meetings')
      .values({
        id: crypto.randomUUID(),
        tenantId,
        title: meeting.title,
        description: meeting.description,
        code: randomCode(),
        state: meeting.state,
        paused: 0,
        opensAt: meeting.opensAt,
        closesAt: meeting.closesAt,
        requireApproval: toFlag(meeting.requireApproval),
        allowGuests: toFlag(meeting.allowGuests),
        createdAt: now,
        openedAt: meeting.state === 'open' ? now : null,
        closedAt: null,
      })
      .onConflict((oc) => oc.column('code').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row) return row;
  }
}

/** The tenant's meetings in the given states. */
export function selectMeetings(db: Executor, tenantId: string, states: readonly MeetingState[]) {
  return db
    .selectFrom('meetings')
    .selectAll()
    .where('tenantId', '=', tenantId)
    .where('state', 'in', states)
    .execute();
}

export interface MeetingChanges {
  title?: string;
  description?: string | null;
  opensAt?: string | null;
  closesAt?: string | null;
  requireApproval?: boolean | null;
  allowGuests?: boolean | null;
  state?: MeetingState;
  openedAt?: string | null;
  closedAt?: string | null;
}

/** Writes only the changes given (Kysely leaves out undefined values). */
export async function updateMeeting(
  trx: Executor,
  tenantId: string,
  meetingId: string,
  changes: MeetingChanges,
): Promise<MeetingRow> {
  const { requireApproval, allowGuests, ...rest } = changes;
  const values: Updateable<MeetingTable> = {
    ...rest,
    requireApproval: requireApproval === undefined ? undefined : toFlag(requireApproval),
    allowGuests: allowGuests === undefined ? undefined : toFlag(allowGuests),
  };
  return trx
    .updateTable('meetings')
    .set(values)
    .where('tenantId', '=', tenantId)
    .where('id', '=', meetingId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes the meeting and its questions (with their upvotes, tags and pins). */
export async function deleteMeeting(trx: Executor, tenantId: string, meetingId: string): Promise<void> {
  await trx
    .deleteFrom('questions')
    .where('tenantId', '=', tenantId)
    .where('meetingId', '=', meetingId)
    .execute();
  await trx.deleteFrom('meetings').where('tenantId', '=', tenantId).where('id', '=', meetingId).execute();
}

/** Counts someone as a participant of the meeting, once. */
export function recordVisitor(db: Executor, meetingId: string, visitorId: string): Promise<void> {
  return recordVisitors(db, [{ meetingId, visitorId }]);
}

/** Counts each as a participant of its meeting, once, in one statement. */
export async function recordVisitors(
  db: Executor,
  visits: readonly { meetingId: string; visitorId: string }[],
): Promise<void> {
  if (visits.length === 0) return;
  const firstSeenAt = new Date().toISOString();
  await db
    .insertInto('meetingVisitors')
    .values(visits.map((visit) => ({ ...visit, firstSeenAt })))
    .onConflict((oc) => oc.columns(['meetingId', 'visitorId']).doNothing())
    .execute();
}

/** The meeting a join code leads to, with its tenant. */
export function findMeetingByCode(db: Executor, code: string) {
  return db
    .selectFrom('meetings')
    .innerJoin('tenants', 'tenants.id', 'meetings.tenantId')
    .select([
      'meetings.id as meetingId',
      'meetings.title',
      'meetings.state',
      'meetings.allowGuests as meetingAllowsGuests',
      'tenants.id',
      'tenants.slug',
      'tenants.name',
      'tenants.allowGuests',
      'tenants.requireSso',
    ])
    .where('meetings.code', '=', code)
    .executeTakeFirst();
}

/** Meetings whose opening (`opensAt`) or closing (`closesAt`) time has come, as of `now`. */
export function selectDueMeetings(db: Executor, transition: 'open' | 'close', now: string) {
  const [state, column] = transition === 'open' ? DUE_OPENING : DUE_CLOSING;
  return db
    .selectFrom('meetings')
    .select(['id', 'tenantId'])
    .where('state', '=', state)
    .where(column, '<=', now)
    .execute();
}

const DUE_OPENING = ['scheduled', 'opensAt'] as const;
const DUE_CLOSING = ['open', 'closesAt'] as const;

/**
 * Opens or closes the meeting only if it is still due: of several instances racing for it, the first
 * update changes the row and the others (waiting for its lock, then reading it again) change nothing.
 */
export function applyDueTransition(
  trx: Executor,
  meetingId: string,
  transition: 'open' | 'close',
  now: string,
): Promise<MeetingRow | undefined> {
  const [state, column] = transition === 'open' ? DUE_OPENING : DUE_CLOSING;
  const changes: Updateable<MeetingTable> =
    transition === 'open'
      ? { state: 'open', openedAt: now, closedAt: null }
      : { state: 'closed', closedAt: now };
  return trx
    .updateTable('meetings')
    .set(changes)
    .where('id', '=', meetingId)
    .where('state', '=', state)
    .where(column, '<=', now)
    .returningAll()
    .executeTakeFirst();
}
