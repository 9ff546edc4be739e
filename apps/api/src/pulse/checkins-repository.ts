import type { PulseScale } from '@pulsestage/contracts';
import type { Executor, PulseResponseTable } from '../db/schema.js';

/** A member of the tenant as pulse sees them; service tokens have no such row. */
export interface Participant {
  guest: boolean;
  teamId: string | null;
  emailInvitations: boolean;
}

export async function findParticipant(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<Participant | undefined> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.userId')
    .select(['users.guest', 'memberships.teamId', 'memberships.pulseEmail'])
    .where('memberships.tenantId', '=', tenantId)
    .where('memberships.userId', '=', userId)
    .executeTakeFirst();
  return row && { guest: row.guest === 1, teamId: row.teamId, emailInvitations: row.pulseEmail === 1 };
}

export interface OpenCheckinRow {
  invitationId: string;
  questionId: string;
  questionText: string;
  scale: PulseScale;
  localDate: string;
  expiresAt: string;
}

/** The member's invitations of the tenant that are neither used nor expired at `now`, newest first. */
export function selectOpenCheckins(
  db: Executor,
  tenantId: string,
  userId: string,
  now: string,
): Promise<OpenCheckinRow[]> {
  return db
    .selectFrom('pulseInvitations')
    .innerJoin('pulseSends', 'pulseSends.id', 'pulseInvitations.sendId')
    .innerJoin('pulseQuestions', 'pulseQuestions.id', 'pulseSends.questionId')
    .select([
      'pulseInvitations.id as invitationId',
      'pulseQuestions.id as questionId',
      'pulseQuestions.text as questionText',
      'pulseQuestions.scale',
      'pulseSends.localDate',
      'pulseInvitations.expiresAt',
    ])
    .where('pulseInvitations.tenantId', '=', tenantId)
    .where('pulseInvitations.userId', '=', userId)
    .where('pulseInvitations.used', '=', 0)
    .where('pulseInvitations.expiresAt', '>', now)
    .orderBy('pulseSends.localDate', 'desc')
    .orderBy('pulseSends.sentAt', 'desc')
    .orderBy('pulseInvitations.id')
    .execute();
}

/** An invitation with what answering it needs: its round, its cohort, its question and its member's team. */
export interface AnswerableInvitation {
  id: string;
  tenantId: string;
  tenantName: string;
  used: boolean;
  expiresAt: string;
  week: string;
  cohortName: string;
  questionId: string;
  questionText: string;
  scale: PulseScale;
  /** The member's team now, which the answer counts for. */
  teamId: string | null;
}

/** Invitations of people who are still members of the invitation's tenant. */
function answerableInvitations(db: Executor) {
  return db
    .selectFrom('pulseInvitations')
    .innerJoin('pulseSends', 'pulseSends.id', 'pulseInvitations.sendId')
    .innerJoin('pulseQuestions', 'pulseQuestions.id', 'pulseSends.questionId')
    .innerJoin('tenants', 'tenants.id', 'pulseInvitations.tenantId')
    .innerJoin('memberships', (join) =>
      join
        .onRef('memberships.tenantId', '=', 'pulseInvitations.tenantId')
        .onRef('memberships.userId', '=', 'pulseInvitations.userId'),
    )
    .select([
      'pulseInvitations.id',
      'pulseInvitations.tenantId',
      'tenants.name as tenantName',
      'pulseInvitations.used',
      'pulseInvitations.expiresAt',
      'pulseSends.week',
      'pulseSends.cohortName',
      'pulseQuestions.id as questionId',
      'pulseQuestions.text as questionText',
      'pulseQuestions.scale',
      'memberships.teamId',
    ]);
}

type AnswerableRow = Omit<AnswerableInvitation, 'used'> & { used: number };

const toAnswerable = (row: AnswerableRow | undefined): AnswerableInvitation | undefined =>
  row && { ...row, used: row.used === 1 };

/** The member's own invitation in the tenant; anyone else's is not found. */
export async function findOwnInvitation(
  db: Executor,
  tenantId: string,
  userId: string,
  invitationId: string,
): Promise<AnswerableInvitation | undefined> {
  return toAnswerable(
    await answerableInvitations(db)
      .where('pulseInvitations.tenantId', '=', tenantId)
      .where('pulseInvitations.userId', '=', userId)
      .where('pulseInvitations.id', '=', invitationId)
      .executeTakeFirst(),
  );
}

export async function findInvitationByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<AnswerableInvitation | undefined> {
  return toAnswerable(
    await answerableInvitations(db).where('pulseInvitations.tokenHash', '=', tokenHash).executeTakeFirst(),
  );
}

/**
 * Uses the invitation up, recording no time; false when it was already used, so of two answers racing
 * for one invitation exactly one gets true.
 */
export async function markInvitationUsed(trx: Executor, invitationId: string): Promise<boolean> {
  const result = await trx
    .updateTable('pulseInvitations')
    .set({ used: 1 })
    .where('id', '=', invitationId)
    .where('used', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** An answer: nothing in it names who gave it or which invitation it came from. */
export type NewResponse = Omit<PulseResponseTable, 'id'>;

export async function insertResponse(trx: Executor, response: NewResponse): Promise<void> {
  await trx
    .insertInto('pulseResponses')
    .values({ id: crypto.randomUUID(), ...response })
    .execute();
}

/** How many answered the question in its round, within one team or one cohort. */
export async function countResponses(
  db: Executor,
  round: { questionId: string; week: string },
  group: { teamId: string } | { cohortName: string },
): Promise<number> {
  const base = db
    .selectFrom('pulseResponses')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('questionId', '=', round.questionId)
    .where('week', '=', round.week);
  const filtered =
    'teamId' in group
      ? base.where('teamId', '=', group.teamId)
      : base.where('cohortName', '=', group.cohortName);
  const row = await filtered.executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function updateEmailPreference(
  db: Executor,
  tenantId: string,
  userId: string,
  emailInvitations: boolean,
): Promise<void> {
  await db
    .updateTable('memberships')
    .set({ pulseEmail: emailInvitations ? 1 : 0 })
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .execute();
}

/** The member's emails of the tenant that have not started going out will not be sent. */
export async function cancelPendingEmails(db: Executor, tenantId: string, userId: string): Promise<void> {
  await db
    .updateTable('pulseInvitations')
    .set({ emailState: 'none', emailNextAt: null })
    .where('tenantId', '=', tenantId)
    .where('userId', '=', userId)
    .where('emailState', '=', 'pending')
    .execute();
}

// Emails ------------------------------------------------------------------------------------------

/** An invitation whose email is due, with what the email says. */
export interface DueInvitationEmail {
  invitationId: string;
  email: string;
  tenantSlug: string;
  tenantName: string;
  questionText: string;
  scale: PulseScale;
  attempts: number;
}

/** Due emails of unused, unexpired invitations of members who have an address, up to `limit`. */
export async function selectDueEmails(
  db: Executor,
  now: string,
  limit: number,
): Promise<DueInvitationEmail[]> {
  const rows = await db
    .selectFrom('pulseInvitations')
    .innerJoin('users', 'users.id', 'pulseInvitations.userId')
    .innerJoin('tenants', 'tenants.id', 'pulseInvitations.tenantId')
    .innerJoin('pulseSends', 'pulseSends.id', 'pulseInvitations.sendId')
    .innerJoin('pulseQuestions', 'pulseQuestions.id', 'pulseSends.questionId')
    .select([
      'pulseInvitations.id as invitationId',
      'users.email',
      'tenants.slug as tenantSlug',
      'tenants.name as tenantName',
      'pulseQuestions.text as questionText',
      'pulseQuestions.scale',
      'pulseInvitations.emailAttempts as attempts',
    ])
    .where('pulseInvitations.emailState', '=', 'pending')
    .where((eb) =>
      eb.or([eb('pulseInvitations.emailNextAt', 'is', null), eb('pulseInvitations.emailNextAt', '<=', now)]),
    )
    .where('pulseInvitations.used', '=', 0)
    .where('pulseInvitations.expiresAt', '>', now)
    .where('users.email', 'is not', null)
    .orderBy('pulseInvitations.id')
    .limit(limit)
    .execute();
  return rows.flatMap(({ email, ...row }) => (email ? [{ ...row, email }] : []));
}

/**
 * Takes an email for sending: only while it is still pending and due, so of several instances that
 * found it exactly one gets true. The token's hash is stored in the same update, and `emailNextAt`
 * becomes the time of the claim, which tells when a send was abandoned.
 */
export async function claimEmail(
  db: Executor,
  invitationId: string,
  tokenHash: string,
  now: string,
): Promise<boolean> {
  const result = await db
    .updateTable('pulseInvitations')
    .set({ emailState: 'sending', tokenHash, emailNextAt: now })
    .where('id', '=', invitationId)
    .where('emailState', '=', 'pending')
    .where((eb) => eb.or([eb('emailNextAt', 'is', null), eb('emailNextAt', '<=', now)]))
    .where('used', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
