import { isScoreOnScale, PULSE_SCALE_RANGE, type PulseRecorded } from '@pulsestage/contracts';
import type { Clock } from '../clock.js';
import type { Database, Executor } from '../db/schema.js';
import { badRequest, conflict, notFound, preconditionFailed } from '../errors.js';
import { appendEvent, reserveSequence } from '../events/outbox/writer.js';
import { truncateToHour } from './calendar.js';
import {
  type AnswerableInvitation,
  countResponses,
  insertResponse,
  markInvitationUsed,
} from './checkins-repository.js';
import { readPulseSettings } from './settings.js';

const ALREADY_ANSWERED = 'You already answered this check-in';

/** Refuses an answer to a used or expired invitation, or a score off the question's scale. */
function checkAnswerable(invitation: AnswerableInvitation, score: number, now: Date): void {
  if (invitation.used) throw conflict(ALREADY_ANSWERED);
  if (now.toISOString() >= invitation.expiresAt) {
    throw preconditionFailed(`This check-in expired at ${invitation.expiresAt}`);
  }
  if (!isScoreOnScale(invitation.scale, score)) {
    const [lowest, highest] = PULSE_SCALE_RANGE[invitation.scale];
    throw badRequest(`score: must be ${lowest} to ${highest}`);
  }
}

/**
 * A team or cohort is named in the live event only once it has as many answers to the question this
 * round as the results need before they show it.
 */
async function visibleGroups(trx: Executor, invitation: AnswerableInvitation, threshold: number) {
  const round = { questionId: invitation.questionId, week: invitation.week };
  const { teamId, cohortName } = invitation;
  const teamShown = teamId !== null && (await countResponses(trx, round, { teamId })) >= threshold;
  const cohortShown = (await countResponses(trx, round, { cohortName })) >= threshold;
  return { teamId: teamShown ? teamId : null, cohortName: cohortShown ? cohortName : null };
}

/**
 * Records an answer to the invitation `find` returns, in one transaction: the invitation is used up
 * (without a time), the answer is stored without anything that leads back to the member or the
 * invitation, its time cut to the hour, and admins get the event. Two answers racing for one
 * invitation record one: the other is refused as already answered.
 */
export async function recordAnswer(
  db: Database,
  clock: Clock,
  find: (trx: Executor) => Promise<AnswerableInvitation | undefined>,
  notFoundMessage: string,
  score: number,
): Promise<{ tenantId: string; recorded: PulseRecorded }> {
  return db.transaction().execute(async (trx) => {
    const invitation = await find(trx);
    if (!invitation) throw notFound(notFoundMessage);
    const now = clock.now();
    checkAnswerable(invitation, score, now);
    if (!(await markInvitationUsed(trx, invitation.id))) throw conflict(ALREADY_ANSWERED);

    const { tenantId } = invitation;
    const { threshold } = await readPulseSettings(trx, tenantId);
    const submittedAt = truncateToHour(now);
    // Taken before counting, so the counts are those as of this answer's place in the tenant's order.
    const seq = await reserveSequence(trx, tenantId);
    await insertResponse(trx, {
      tenantId,
      questionId: invitation.questionId,
      week: invitation.week,
      teamId: invitation.teamId,
      cohortName: invitation.cohortName,
      score,
      submittedAt,
    });
    const groups = await visibleGroups(trx, invitation, threshold);
    const event = {
      type: 'pulse.response.recorded' as const,
      data: { questionId: invitation.questionId, ...groups, score, submittedAt },
    };
    await appendEvent(trx, tenantId, event, 'admins', seq, Date.parse(submittedAt));
    return {
      tenantId,
      recorded: {
        tenantName: invitation.tenantName,
        threshold,
        question: { text: invitation.questionText, scale: invitation.scale },
        score,
      },
    };
  });
}
