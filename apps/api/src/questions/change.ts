import type { LatestEvent, Meeting, questionInput } from '@pulsestage/contracts';
import type { z } from 'zod';
import type { TenantAccess } from '../auth/access.js';
import type { Database, Executor } from '../db/schema.js';
import { type Audience, appendEvent } from '../events/outbox/writer.js';
import { meetingInTenant, scopeOf } from './meeting-access.js';
import { findQuestion, lockQuestion, type QuestionRow } from './repository.js';
import { audienceOf, visibleTo } from './rules.js';

/** A question named by its meeting and id, as every question procedure takes it. */
export type QuestionRef = z.infer<typeof questionInput>;

/**
 * The question if the actor may see it, with its meeting. A meeting of another tenant, a question of
 * another meeting and a question hidden from the actor are "not found" like ids that exist nowhere.
 */
export async function visibleQuestion(db: Executor, access: TenantAccess, ref: QuestionRef) {
  const meeting = await meetingInTenant(db, access, ref.meetingId);
  const found = await findQuestion(db, scopeOf(access, ref.meetingId), ref.questionId, access.actor.id);
  return { meeting, question: visibleTo(found, access.actor) };
}

export interface QuestionEvent {
  event: LatestEvent;
  /** Defaults to the audience of the question as it was before the change. */
  audience?: Audience;
}

export interface QuestionChange<R> {
  events: QuestionEvent[];
  result: R;
}

/**
 * Runs a change to one question the actor can see, in a transaction that also records the events the
 * change returns. They reach moderators only while the question is under review or hidden. Changes of
 * one question, its rejection included, run one after the other: a change that comes second to a
 * rejection finds no question (NOT_FOUND) rather than writing about one that is gone.
 */
export async function changeQuestion<R>(
  db: Database,
  access: TenantAccess,
  ref: QuestionRef,
  change: (trx: Executor, question: QuestionRow, meeting: Meeting) => Promise<QuestionChange<R>>,
): Promise<R> {
  return db.transaction().execute(async (trx) => {
    await lockQuestion(trx, access.tenant.id, ref.questionId);
    const { meeting, question } = await visibleQuestion(trx, access, ref);
    const { events, result } = await change(trx, question, meeting);
    for (const { event, audience = audienceOf(question) } of events) {
      await appendEvent(trx, access.tenant.id, event, audience);
    }
    return result;
  });
}
