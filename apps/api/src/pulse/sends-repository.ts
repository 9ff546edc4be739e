import { inserted } from '../db/results.js';
import type { EmailState, Executor } from '../db/schema.js';
import type { PulseQuestionRow } from './questions-repository.js';

/** A tenant's day and cohort: what at most one send exists for. */
export interface SendKey {
  tenantId: string;
  localDate: string;
  cohortName: string;
}

export const sendKeyOf = ({ tenantId, localDate, cohortName }: SendKey) =>
  JSON.stringify([tenantId, localDate, cohortName]);

/** Which of the given tenants' days and cohorts already have their send, as `sendKeyOf` keys. */
export async function selectExistingSends(db: Executor, keys: SendKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom('pulseSends')
    .select(['tenantId', 'localDate', 'cohortName'])
    .where('tenantId', 'in', [...new Set(keys.map((key) => key.tenantId))])
    .where('localDate', 'in', [...new Set(keys.map((key) => key.localDate))])
    .execute();
  return new Set(rows.map(sendKeyOf));
}

/** The question this cohort was asked last before `localDate`, if it still exists. */
export function findPreviousSendQuestion(
  db: Executor,
  { tenantId, localDate, cohortName }: SendKey,
): Promise<PulseQuestionRow | undefined> {
  return db
    .selectFrom('pulseSends')
    .innerJoin('pulseQuestions', 'pulseQuestions.id', 'pulseSends.questionId')
    .selectAll('pulseQuestions')
    .where('pulseSends.tenantId', '=', tenantId)
    .where('pulseSends.cohortName', '=', cohortName)
    .where('pulseSends.localDate', '<', localDate)
    .orderBy('pulseSends.localDate', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export interface NewSend extends SendKey {
  id: string;
  week: string;
  questionId: string;
  sentAt: string;
}

/**
 * Claims the tenant's day and cohort. False when the send exists already: an instance whose insert
 * conflicts with a concurrent one waits for it to commit and then inserts nothing, without an error
 * that would abort its PostgreSQL transaction.
 */
export async function insertSendOnce(db: Executor, send: NewSend): Promise<boolean> {
  const result = await db
    .insertInto('pulseSends')
    .values(send)
    .onConflict((oc) => oc.columns(['tenantId', 'localDate', 'cohortName']).doNothing())
    .executeTakeFirst();
  return inserted(result);
}

/** The tenant's members who can be invited: every role, never guests. */
export async function selectInvitableMembers(db: Executor, tenantId: string) {
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select(['users.id as userId', 'users.email', 'memberships.teamId', 'memberships.pulseEmail'])
    .where('memberships.tenantId', '=', tenantId)
    .where('users.guest', '=', 0)
    .execute();
  return rows.map((row) => ({
    userId: row.userId,
    teamId: row.teamId,
    canBeEmailed: row.email !== null && row.pulseEmail === 1,
  }));
}

export type InvitableMember = Awaited<ReturnType<typeof selectInvitableMembers>>[number];

export interface NewInvitation {
  userId: string;
  emailState: Extract<EmailState, 'none' | 'pending'>;
  emailNextAt: string | null;
}

/** Rows per statement: well under SQLite's limit of bound values. */
const INVITATIONS_PER_INSERT = 500;

export async function insertInvitations(
  db: Executor,
  send: { tenantId: string; sendId: string; expiresAt: string },
  invitations: NewInvitation[],
): Promise<void> {
  for (let start = 0; start < invitations.length; start += INVITATIONS_PER_INSERT) {
    const rows = invitations.slice(start, start + INVITATIONS_PER_INSERT).map((invitation) => ({
      id: crypto.randomUUID(),
      tenantId: send.tenantId,
      sendId: send.sendId,
      userId: invitation.userId,
      tokenHash: null,
      expiresAt: send.expiresAt,
      used: 0,
      emailState: invitation.emailState,
      emailAttempts: 0,
      emailNextAt: invitation.emailNextAt,
    }));
    await db.insertInto('pulseInvitations').values(rows).execute();
  }
}
