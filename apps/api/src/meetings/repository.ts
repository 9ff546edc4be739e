import { randomInt } from 'node:crypto';
import {
  MEETING_CODE_LENGTH,
  type Meeting,
  type MeetingState,
  type TenantSettings,
} from '@pulsestage/contracts';
import type { Selectable } from 'kysely';
import type { Executor, MeetingTable } from '../db/schema.js';

export type MeetingRow = Selectable<MeetingTable>;

const flagOrNull = (value: number | null) => (value === null ? null : value === 1);
const toFlag = (value: boolean | null) => (value === null ? null : value ? 1 : 0);

/** The meeting as members see it, with the settings in force (its own, or else the tenant's). */
export function toMeeting(row: MeetingRow, tenantSettings: TenantSettings): Meeting {
  const requireApproval = flagOrNull(row.requireApproval);
  const allowGuests = flagOrNull(row.allowGuests);
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    code: row.code,
    state: row.state,
    paused: row.paused === 1,
    opensAt: row.opensAt,
    closesAt: row.closesAt,
    requireApproval,
    allowGuests,
    createdAt: row.createdAt,
    openedAt: row.openedAt,
    closedAt: row.closedAt,
    effective: {
      requireApproval: requireApproval ?? tenantSettings.requireApproval,
      allowGuests: allowGuests ?? tenantSettings.allowGuests,
    },
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
