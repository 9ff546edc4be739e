import type { LatestEvent, Question, questionMergeInput } from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import { retryDeadlocks } from '../db/deadlocks.js';
import type { Database, Executor } from '../db/schema.js';
import { notFound } from '../errors.js';
import { appendEvents, reserveSequences } from '../events/outbox/writer.js';
import { insertNotification } from '../notifications/repository.js';
import { visibleQuestion } from './change.js';
import { markMerged, moveUpvotes } from './changes-repository.js';
import { removedEvent } from './events.js';
import { scopeOf } from './meeting-access.js';
import { redactQuestionText } from './redaction.js';
import { countUpvotes, findQuestion, findVoteTargets, lockQuestion, toQuestion } from './repository.js';
import { checkCanMerge } from './rules.js';

type MergeInput = z.infer<typeof questionMergeInput>;

/**
 * Merges a duplicate into another open question of its meeting: the duplicate's upvoters and its author
 * upvote the target instead (nobody twice, the target's author never), and the duplicate is gone for
 * everyone but its author, who finds it merged in their own list and is told so in their notifications.
 * Returns the target as it is now.
 */
export function mergeQuestion(db: Database, access: TenantAccess, input: MergeInput): Promise<Question> {
  return retryDeadlocks(() => db.transaction().execute((trx) => merge(trx, access, input)));
}

async function merge(trx: Executor, access: TenantAccess, input: MergeInput): Promise<Question> {
  const tenantId = access.tenant.id;
  // Both locked in one order, so two merges of the same pair the other way round never deadlock.
  for (const id of [input.questionId, input.intoQuestionId].sort()) await lockQuestion(trx, tenantId, id);
  const { question: duplicate } = await visibleQuestion(trx, access, input);
  const targets = await findVoteTargets(trx, tenantId, [input.intoQuestionId]);
  const target = checkCanMerge(duplicate, targets.get(input.intoQuestionId));
  await moveUpvotes(trx, duplicate, target);
  await markMerged(trx, duplicate.id, target.id);
  await insertNotification(trx, tenantId, duplicate.id, 'merged', new Date().toISOString());
  await redactQuestionText(trx, tenantId, duplicate);
  const firstSeq = await reserveSequences(trx, tenantId, 2);
  // Counted after the reservation, so that the event's count is the one as of its place in the stream.
  const upvoteCount = (await countUpvotes(trx, [target.id])).get(target.id) ?? 0;
  const upvoted: LatestEvent = {
    type: 'question:upvoted',
    data: { meetingId: target.meetingId, questionId: target.id, upvoteCount },
  };
  await appendEvents(
    trx,
    tenantId,
    [
      { event: removedEvent(duplicate), audience: 'all' },
      { event: upvoted, audience: 'all' },
    ],
    firstSeq,
  );
  const merged = await findQuestion(trx, scopeOf(access, target.meetingId), target.id, access.actor.id);
  if (!merged) throw notFound('The question to merge into was not found');
  return toQuestion(trx, merged);
}
