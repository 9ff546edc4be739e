import type { UpvoteResult } from '@pulsestage/contracts';
import type { TenantAccess } from '../auth/access.js';
import { retryDeadlocks } from '../db/deadlocks.js';
import type { Outcome } from '../db/group-commit.js';
import type { Database, Executor } from '../db/schema.js';
import { conflict, DomainError, notFound } from '../errors.js';
import { appendEvents, type OutboxEntry, reserveSequences } from '../events/outbox/writer.js';
import { meetingNotFound } from '../meetings/lookup.js';
import { findMeeting, type MeetingRow, recordVisitors, toMeeting } from '../meetings/repository.js';
import type { QuestionRef } from './change.js';
import { deleteUpvotes, insertUpvotes } from './changes-repository.js';
import {
  countUpvotes,
  findUpvotes,
  findVoteTargets,
  lockQuestion,
  type Upvote,
  type VoteTarget,
} from './repository.js';
import { audienceOf, checkAcceptsVotes, checkCanUpvote, visibleTo } from './rules.js';

/** One caller's upvote of a question, or the removal of their upvote. */
export interface VoteRequest {
  access: TenantAccess;
  ref: QuestionRef;
  change: 'upvote' | 'removeUpvote';
}

/** What the requests of a group are decided on: the database as the group found it, under its locks. */
interface Ballot {
  meetings: Map<string, MeetingRow | undefined>;
  questions: Map<string, VoteTarget>;
  /** The upvotes there are (`upvoteKey`), as the requests accepted so far leave them. */
  upvoted: Set<string>;
}

/** A request that adds or removes `upvote`, changing its question's count by `delta`. */
interface Accepted {
  question: VoteTarget;
  upvote: Upvote;
  delta: 1 | -1;
}

const upvoteKey = ({ questionId, voterId }: Upvote) => `${questionId} ${voterId}`;
const distinct = (values: readonly string[]) => [...new Set(values)].sort();
const isAccepted = (decision: Accepted | DomainError): decision is Accepted =>
  !(decision instanceof DomainError);

/**
 * Applies a tenant's vote requests in one transaction, in the order given, as if each ran alone in
 * that order: each gets its own result, or its own refusal, which changes nothing for the others.
 * Every accepted request writes its own `question:upvoted` event carrying the count as of its place,
 * numbered from one reservation of the tenant's sequence.
 */
export function commitVotes(
  db: Database,
  tenantId: string,
  requests: readonly VoteRequest[],
): Promise<Outcome<UpvoteResult>[]> {
  // A meeting's deletion locks its questions in its own order, so a group can meet it in a deadlock.
  return retryDeadlocks(() => db.transaction().execute((trx) => applyVotes(trx, tenantId, requests)));
}

/** Commits one request on its own and answers with its result or throws its refusal. */
export async function commitVote(db: Database, request: VoteRequest): Promise<UpvoteResult> {
  const [outcome] = await commitVotes(db, request.access.tenant.id, [request]);
  if (!outcome?.ok) throw outcome?.error;
  return outcome.value;
}

async function applyVotes(
  trx: Executor,
  tenantId: string,
  requests: readonly VoteRequest[],
): Promise<Outcome<UpvoteResult>[]> {
  const questionIds = distinct(requests.map(({ ref }) => ref.questionId));
  // One order for every group, so that two groups of the tenant on two instances never deadlock.
  for (const questionId of questionIds) await lockQuestion(trx, tenantId, questionId);
  const ballot = await readBallot(trx, tenantId, requests, questionIds);
  const before = new Set(ballot.upvoted);
  const decisions = requests.map((request) => decide(request, ballot));
  const accepted = decisions.filter(isAccepted);
  const results = accepted.length > 0 ? await writeAccepted(trx, tenantId, accepted, before, ballot) : null;
  return decisions.map((decision) => {
    const value = isAccepted(decision) && results?.get(decision);
    return value ? { ok: true, value } : { ok: false, error: decision };
  });
}

/** Writes what the accepted requests change, with their events, and returns the result of each. */
async function writeAccepted(
  trx: Executor,
  tenantId: string,
  accepted: readonly Accepted[],
  before: ReadonlySet<string>,
  ballot: Ballot,
): Promise<Map<Accepted, UpvoteResult>> {
  await writeUpvotes(trx, accepted, before, ballot.upvoted);
  const visits = accepted
    .filter(({ delta }) => delta > 0)
    .map(({ question, upvote }) => ({ meetingId: question.meetingId, visitorId: upvote.voterId }));
  await recordVisitors(trx, visits);
  const firstSeq = await reserveSequences(trx, tenantId, accepted.length);
  // Counted after the reservation, so that each count is the one as of its event's place in the stream.
  const counts = await countUpvotes(trx, distinct(accepted.map(({ question }) => question.id)));
  const results = resultsOf(accepted, counts, firstSeq);
  const events = [...results].map(([{ question }, result]) => eventOf(question, result));
  await appendEvents(trx, tenantId, events, firstSeq);
  return results;
}

async function readBallot(
  trx: Executor,
  tenantId: string,
  requests: readonly VoteRequest[],
  questionIds: string[],
): Promise<Ballot> {
  const meetings = new Map<string, MeetingRow | undefined>();
  for (const meetingId of distinct(requests.map(({ ref }) => ref.meetingId))) {
    meetings.set(meetingId, await findMeeting(trx, tenantId, meetingId));
  }
  const voterIds = distinct(requests.map(({ access }) => access.actor.id));
  return {
    meetings,
    questions: await findVoteTargets(trx, tenantId, questionIds),
    upvoted: new Set((await findUpvotes(trx, questionIds, voterIds)).map(upvoteKey)),
  };
}

/** Accepts the request and records its change in `ballot`, or returns its refusal. */
function decide(request: VoteRequest, ballot: Ballot): Accepted | DomainError {
  try {
    return accept(request, ballot);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
}

/** The same checks, in the same order, as a change of one question (`changeQuestion`) makes. */
function accept(request: VoteRequest, ballot: Ballot): Accepted {
  const { access, ref, change } = request;
  const row = ballot.meetings.get(ref.meetingId);
  if (!row) throw meetingNotFound();
  const found = ballot.questions.get(ref.questionId);
  const question = visibleTo(found?.meetingId === ref.meetingId ? found : undefined, access.actor);
  checkAcceptsVotes(toMeeting(row, access.tenant.settings));
  const upvote = { questionId: question.id, voterId: access.actor.id };
  const key = upvoteKey(upvote);
  if (change === 'removeUpvote') {
    if (!ballot.upvoted.delete(key)) throw notFound('You have not upvoted this question');
    return { question, upvote, delta: -1 };
  }
  checkCanUpvote(question, access.actor);
  if (ballot.upvoted.has(key)) throw conflict('You have already upvoted this question');
  ballot.upvoted.add(key);
  return { question, upvote, delta: 1 };
}

/** Writes the difference between the upvotes there were and those the accepted requests leave. */
async function writeUpvotes(
  trx: Executor,
  accepted: readonly Accepted[],
  before: ReadonlySet<string>,
  after: ReadonlySet<string>,
): Promise<void> {
  const touched = new Map(accepted.map(({ upvote }) => [upvoteKey(upvote), upvote]));
  const changed = [...touched].filter(([key]) => before.has(key) !== after.has(key));
  await deleteUpvotes(
    trx,
    changed.filter(([key]) => before.has(key)).map(([, upvote]) => upvote),
  );
  await insertUpvotes(
    trx,
    changed.filter(([key]) => after.has(key)).map(([, upvote]) => upvote),
  );
}

/**
 * Each accepted request's result, in order: the count as of its place among the group's changes (the
 * count now, less the changes that come after it), and its event's sequence number.
 */
function resultsOf(
  accepted: readonly Accepted[],
  counts: ReadonlyMap<string, number>,
  firstSeq: number,
): Map<Accepted, UpvoteResult> {
  const running = new Map(counts);
  for (const { question, delta } of accepted)
    running.set(question.id, (running.get(question.id) ?? 0) - delta);
  return new Map(
    accepted.map((decision, index) => {
      const { question, delta } = decision;
      const upvoteCount = (running.get(question.id) ?? 0) + delta;
      running.set(question.id, upvoteCount);
      const eventId = String(firstSeq + index);
      return [decision, { questionId: question.id, upvoteCount, upvotedByMe: delta > 0, eventId }];
    }),
  );
}

function eventOf(question: VoteTarget, { upvoteCount }: UpvoteResult): OutboxEntry {
  return {
    event: {
      type: 'question:upvoted',
      data: { meetingId: question.meetingId, questionId: question.id, upvoteCount },
    },
    audience: audienceOf(question),
  };
}
