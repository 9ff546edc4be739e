import type {
  PulsePending,
  PulseRecorded,
  pulseEmailPreferenceInput,
  pulseLinkResponseInput,
  pulseRespondInput,
} from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { forbidden } from '../errors.js';
import { hashLinkToken } from '../mail/link-tokens.js';
import {
  cancelPendingEmails,
  findInvitationByTokenHash,
  findOwnInvitation,
  findParticipant,
  type Participant,
  selectOpenCheckins,
  updateEmailPreference,
} from './checkins-repository.js';
import { cohortOf } from './cohorts.js';
import { recordAnswer } from './responses.js';
import { readPulseSettings } from './settings.js';

/** The caller as someone pulse invites: a member who is not a guest; undefined for guests and tokens. */
async function invitedParticipant(db: Database, access: TenantAccess): Promise<Participant | undefined> {
  const participant = await findParticipant(db, access.tenant.id, access.actor.id);
  return participant && !participant.guest ? participant : undefined;
}

/** The caller's cohort, email choice and check-ins waiting for an answer, newest first. */
export async function readPendingCheckins(
  db: Database,
  clock: Clock,
  access: TenantAccess,
): Promise<PulsePending> {
  const { cohorts, threshold } = await readPulseSettings(db, access.tenant.id);
  const participant = await invitedParticipant(db, access);
  if (!participant) return { cohortName: null, emailInvitations: false, checkins: [], threshold };
  const rows = await selectOpenCheckins(db, access.tenant.id, access.actor.id, clock.now().toISOString());
  return {
    cohortName: cohortOf(access.actor.id, cohorts),
    emailInvitations: participant.emailInvitations,
    checkins: rows.map((row) => ({
      invitationId: row.invitationId,
      question: { id: row.questionId, text: row.questionText, scale: row.scale },
      date: row.localDate,
      expiresAt: row.expiresAt,
    })),
    threshold,
  };
}

/** Answers one of the caller's own check-ins in the app. */
export async function respondToCheckin(
  db: Database,
  clock: Clock,
  access: TenantAccess,
  input: z.output<typeof pulseRespondInput>,
): Promise<PulseRecorded> {
  const { recorded } = await recordAnswer(
    db,
    clock,
    (trx) => findOwnInvitation(trx, access.tenant.id, access.actor.id, input.invitationId),
    'Check-in not found',
    input.score,
  );
  return recorded;
}

/** Turns the caller's email invitations on or off; off also stops the emails not yet sent. */
export async function setPulseEmailPreference(
  db: Database,
  clock: Clock,
  access: TenantAccess,
  input: z.output<typeof pulseEmailPreferenceInput>,
): Promise<PulsePending> {
  if (!(await invitedParticipant(db, access))) {
    throw forbidden(
      'Only members are invited to check-ins: guests and service tokens have no email invitations',
    );
  }
  await db.transaction().execute(async (trx) => {
    await updateEmailPreference(trx, access.tenant.id, access.actor.id, input.emailInvitations);
    if (!input.emailInvitations) await cancelPendingEmails(trx, access.tenant.id, access.actor.id);
  });
  return readPendingCheckins(db, clock, access);
}

/**
 * Answers the check-in behind a one-tap link, without signing in: the token is the credential. Open
 * streams are told after the commit, as after any tenant mutation.
 */
export async function respondWithLink(
  db: Database,
  clock: Clock,
  input: z.output<typeof pulseLinkResponseInput>,
  announce: (tenantId: string) => Promise<void>,
): Promise<PulseRecorded> {
  const tokenHash = hashLinkToken(input.token);
  const { tenantId, recorded } = await recordAnswer(
    db,
    clock,
    (trx) => findInvitationByTokenHash(trx, tokenHash),
    'This check-in link is not valid',
    input.score,
  );
  await announce(tenantId);
  return recorded;
}
