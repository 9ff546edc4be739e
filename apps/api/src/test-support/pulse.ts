import { PULSE_INVITATION_DAYS, type PulseScale } from '@pulsestage/contracts';
import type { Database, EmailState } from '../db/schema.js';
import { isoWeekOf } from '../pulse/calendar.js';
import { type Client, type TestApp, uniqueLabel } from './app.js';

/**
 * Pulse rows written directly, for tests about answering and results that should not depend on the
 * schedule (which has tests of its own).
 */

/** Every column of an answer row: none of them names who answered or which invitation it used. */
export const PULSE_RESPONSE_COLUMNS = [
  'cohortName',
  'id',
  'questionId',
  'score',
  'submittedAt',
  'teamId',
  'tenantId',
  'week',
];

/** A tenant of its own with its owner, so a test starts from pulse's defaults. */
export async function newPulseTenant(
  app: TestApp,
): Promise<{ tenant: string; tenantId: string; owner: Client }> {
  const owner = await app.newAccount('owner');
  const tenant = uniqueLabel('pulse');
  const { id } = await owner.client.tenant.create.mutate({ tenant, name: `Pulse ${tenant}` });
  return { tenant, tenantId: id, owner: owner.client };
}

export async function insertPulseQuestion(
  db: Database,
  tenantId: string,
  question: { text?: string; scale?: PulseScale; teamId?: string | null; position?: number } = {},
): Promise<string> {
  const id = crypto.randomUUID();
  await db
    .insertInto('pulseQuestions')
    .values({
      id,
      tenantId,
      text: question.text ?? 'How sustainable is your workload this week?',
      scale: question.scale ?? 'agree5',
      teamId: question.teamId ?? null,
      active: 1,
      position: question.position ?? 0,
      createdAt: new Date().toISOString(),
    })
    .execute();
  return id;
}

/** One day's invitations of `cohortName` to a question, one per user; returns the invitation ids by user. */
export async function insertPulseSend(
  db: Database,
  send: {
    tenantId: string;
    questionId: string;
    userIds: string[];
    localDate?: string;
    cohortName?: string;
    sentAt?: Date;
    emailState?: EmailState;
  },
): Promise<Map<string, string>> {
  const sentAt = send.sentAt ?? new Date();
  const localDate = send.localDate ?? sentAt.toISOString().slice(0, 10);
  const sendId = crypto.randomUUID();
  await db
    .insertInto('pulseSends')
    .values({
      id: sendId,
      tenantId: send.tenantId,
      localDate,
      week: isoWeekOf(localDate),
      cohortName: send.cohortName ?? 'Weekday',
      questionId: send.questionId,
      sentAt: sentAt.toISOString(),
    })
    .execute();
  const expiresAt = new Date(sentAt.getTime() + PULSE_INVITATION_DAYS * 24 * 60 * 60 * 1000).toISOString();
  const invitations = new Map(send.userIds.map((userId) => [userId, crypto.randomUUID()]));
  if (invitations.size === 0) return invitations;
  await db
    .insertInto('pulseInvitations')
    .values(
      [...invitations].map(([userId, id]) => ({
        id,
        tenantId: send.tenantId,
        sendId,
        userId,
        tokenHash: null,
        expiresAt,
        used: 0,
        emailState: send.emailState ?? 'none',
        emailAttempts: 0,
        emailNextAt: null,
      })),
    )
    .execute();
  return invitations;
}
