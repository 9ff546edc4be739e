import type { Question, UpvoteResult } from '@pulsestage/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TenantAccess } from '../auth/access.js';
import { DomainError } from '../errors.js';
import { findTenantBySlug, type TenantRecord } from '../tenants/repository.js';
import {
  type Client,
  errorCodeOf,
  failureFrom,
  type NewAccount,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { createTestDatabase, DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING } from '../test-support/fixture.js';
import { eventsOf, lastSeqOf, type StoredEvent } from '../test-support/outbox.js';
import { newMember, OpenStreams, subscribeTrpc, waitFor } from '../test-support/sse.js';
import { deleteQuestion } from './changes-repository.js';
import { lockQuestion } from './repository.js';
import { VoteBatcher } from './vote-batcher.js';

const CROWD = 16;

/** What a vote came to, in a form to compare: its count and own vote, or the code and message of its refusal. */
function answerOf(settled: PromiseSettledResult<UpvoteResult>) {
  if (settled.status === 'fulfilled') {
    const { upvoteCount, upvotedByMe } = settled.value;
    return { upvoteCount, upvotedByMe };
  }
  const { reason } = settled;
  if (reason instanceof DomainError) return { code: reason.code, message: reason.message };
  const { code, message } = failureFrom(reason);
  return { code, message };
}

const fulfilled = (answers: PromiseSettledResult<UpvoteResult>[]) =>
  answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe.each(DIALECTS)('upvotes committed in groups on %s', (dialect) => {
  let app: TestApp;
  let author: Client;
  let crowd: NewAccount[];
  let alpha: TenantRecord;
  const streams = new OpenStreams();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const [admin, member] = await app.clients('admin', 'member');
    author = member;
    crowd = await Promise.all(Array.from({ length: CROWD }, () => newMember(app, admin)));
    alpha = (await findTenantBySlug(app.db, 'alpha')) as TenantRecord;
  });
  afterAll(async () => {
    expect(streams.closeAll()).toEqual([]);
    await app.close();
  });

  const ask = (body: string): Promise<Question> =>
    author.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel(body) });
  const refTo = (question: Pick<Question, 'id'>) => ({ ...ALPHA_MEETING, questionId: question.id });
  const accessOf = (voter: NewAccount): TenantAccess => ({
    tenant: alpha,
    actor: { id: voter.userId, role: 'member' },
  });

  async function upvoteRows(questionId: string): Promise<string[]> {
    const rows = await app.db
      .selectFrom('upvotes')
      .select('voterId')
      .where('questionId', '=', questionId)
      .execute();
    return rows.map((row) => row.voterId).sort();
  }

  /** The events after `seqBefore`, checked to be numbered on from it without a gap, by their ids. */
  async function eventsAfter(seqBefore: number): Promise<Map<string, StoredEvent>> {
    const events = await eventsOf(app, app.tenantIds.alpha, seqBefore);
    expect(events.map((event) => event.seq)).toEqual(range(seqBefore + 1, seqBefore + events.length));
    expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(seqBefore + events.length);
    return new Map(events.map((event) => [String(event.seq), event]));
  }

  /** Each result's event is stored and reports the count the caller was given. */
  function expectOwnEvents(results: UpvoteResult[], events: Map<string, StoredEvent>): void {
    expect(new Set(results.map((result) => result.eventId)).size).toBe(results.length);
    for (const { eventId, questionId, upvoteCount } of results) {
      expect(events.get(eventId)).toMatchObject({
        type: 'question:upvoted',
        audience: 'all',
        data: { meetingId: ALPHA_MEETING.meetingId, questionId, upvoteCount },
      });
    }
  }

  it('gives each of many concurrent voters their own count and event, in commit order', async () => {
    const questions = await Promise.all([1, 2, 3].map((n) => ask(`Shall we vote on ${n}?`)));
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    const results = await Promise.all(
      crowd.flatMap(({ client }) => questions.map((q) => client.question.upvote.mutate(refTo(q)))),
    );

    const events = await eventsAfter(seqBefore);
    expect(events.size).toBe(results.length);
    expectOwnEvents(results, events);
    for (const question of questions) {
      const own = results.filter((result) => result.questionId === question.id);
      expect(own.every((result) => result.upvotedByMe)).toBe(true);
      expect(own.map((result) => result.upvoteCount).sort((x, y) => x - y)).toEqual(range(1, CROWD));
      const inOrder = [...events.values()].filter(
        (event) => (event.data as { questionId: string }).questionId === question.id,
      );
      expect(inOrder.map((event) => (event.data as { upvoteCount: number }).upvoteCount)).toEqual(
        range(1, CROWD),
      );
      expect(await upvoteRows(question.id)).toHaveLength(CROWD);
      expect((await author.question.get.query(refTo(question))).upvoteCount).toBe(CROWD);
    }
  }, 60_000);

  it('refuses a second upvote with CONFLICT while the removals racing it succeed', async () => {
    const question = await ask('Change your mind?');
    for (const { client } of crowd) await client.question.upvote.mutate(refTo(question));
    const leavers = crowd.slice(0, CROWD / 2);
    const stayers = crowd.slice(CROWD / 2);
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    const answers = await Promise.allSettled([
      ...leavers.map(({ client }) => client.question.removeUpvote.mutate(refTo(question))),
      ...stayers.map(({ client }) => client.question.upvote.mutate(refTo(question))),
    ]);

    const removed = fulfilled(answers);
    expect(removed.map((result) => result.upvoteCount).sort((x, y) => x - y)).toEqual(
      range(CROWD / 2, CROWD - 1),
    );
    expect(removed.every((result) => !result.upvotedByMe)).toBe(true);
    expect(answers.slice(CROWD / 2).map(answerOf)).toEqual(
      stayers.map(() => ({ code: 'CONFLICT', message: 'You have already upvoted this question' })),
    );
    const events = await eventsAfter(seqBefore);
    expect(events.size).toBe(CROWD / 2);
    expectOwnEvents(removed, events);
    expect(await upvoteRows(question.id)).toEqual(stayers.map(({ userId }) => userId).sort());
  }, 60_000);

  it('answers each request of one group on its own, with one announcement for the group', async () => {
    const question = await ask('Who is for it?');
    const gone = await ask('Asked, then withdrawn');
    await author.question.withdraw.mutate(refTo(gone));
    const [a, b, c, d] = crowd.map(accessOf) as [TenantAccess, TenantAccess, TenantAccess, TenantAccess];
    const announce = vi.fn(async (_tenantId: string) => {});
    const batcher = new VoteBatcher(app.db, announce);
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    const answers = await Promise.allSettled([
      batcher.upvote(a, refTo(question)),
      batcher.upvote(a, refTo(question)),
      batcher.upvote(b, refTo(gone)),
      batcher.removeUpvote(c, refTo(question)),
      batcher.upvote(c, refTo(question)),
      batcher.upvote(d, refTo(question)),
      batcher.removeUpvote(d, refTo(question)),
    ]);

    expect(answers.map(answerOf)).toEqual([
      { upvoteCount: 1, upvotedByMe: true },
      { code: 'CONFLICT', message: 'You have already upvoted this question' },
      { code: 'NOT_FOUND', message: 'Question not found' },
      { code: 'NOT_FOUND', message: 'You have not upvoted this question' },
      { upvoteCount: 2, upvotedByMe: true },
      { upvoteCount: 3, upvotedByMe: true },
      { upvoteCount: 2, upvotedByMe: false },
    ]);
    expect(announce.mock.calls).toEqual([[app.tenantIds.alpha]]);
    const events = await eventsAfter(seqBefore);
    expect(events.size).toBe(4);
    expectOwnEvents(fulfilled(answers), events);
    expect(await upvoteRows(question.id)).toEqual([a.actor.id, c.actor.id].sort());
  });

  it('refuses the vote on a question withdrawn while its group waits, and keeps the others', async () => {
    const kept = await ask('Still here');
    const withdrawn = await ask('Gone in a moment');
    const [a, b, c] = crowd.map(accessOf) as [TenantAccess, TenantAccess, TenantAccess];
    const announce = vi.fn(async (_tenantId: string) => {});
    const batcher = new VoteBatcher(app.db, announce);
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    // The group is submitted while the withdrawal holds the question: it commits after the withdrawal.
    const { votes } = await app.db.transaction().execute(async (trx) => {
      await lockQuestion(trx, app.tenantIds.alpha, withdrawn.id);
      await deleteQuestion(trx, withdrawn.id);
      return {
        votes: Promise.allSettled([
          batcher.upvote(a, refTo(kept)),
          batcher.upvote(b, refTo(withdrawn)),
          batcher.upvote(c, refTo(kept)),
        ]),
      };
    });
    const answers = await votes;

    expect(answers.map(answerOf)).toEqual([
      { upvoteCount: 1, upvotedByMe: true },
      { code: 'NOT_FOUND', message: 'Question not found' },
      { upvoteCount: 2, upvotedByMe: true },
    ]);
    const events = await eventsAfter(seqBefore);
    expect([...events.values()].map((event) => (event.data as { questionId: string }).questionId)).toEqual([
      kept.id,
      kept.id,
    ]);
    expect(announce).toHaveBeenCalledTimes(1);
  });

  it.runIf(dialect === 'postgres')(
    'runs a group again when PostgreSQL fails it to break a deadlock, and answers every vote',
    async () => {
      const [first, second] = [await ask('Locked first'), await ask('Locked second')].sort((x, y) =>
        x.id.localeCompare(y.id),
      ) as [Question, Question];
      const [a, b] = crowd.map(accessOf) as [TenantAccess, TenantAccess];
      const batcher = new VoteBatcher(app.db, async () => {});
      const lockWaits = async () => {
        const { rows } = await sql<{ waiting: number }>`
          select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(app.db);
        return rows[0]?.waiting ?? 0;
      };

      // The group locks its questions in id order; this transaction takes them the other way round.
      let votes: Promise<PromiseSettledResult<UpvoteResult>[]> | undefined;
      const crossing = app.db
        .transaction()
        .execute(async (trx) => {
          await lockQuestion(trx, app.tenantIds.alpha, second.id);
          votes = Promise.allSettled([batcher.upvote(a, refTo(first)), batcher.upvote(b, refTo(second))]);
          await waitFor(
            async () => (await lockWaits()) > 0,
            10_000,
            'the group to wait for the second question',
          );
          await lockQuestion(trx, app.tenantIds.alpha, first.id);
        })
        .catch((error: unknown) => error);
      await crossing;

      expect((await votes)?.map(answerOf)).toEqual([
        { upvoteCount: 1, upvotedByMe: true },
        { upvoteCount: 1, upvotedByMe: true },
      ]);
    },
  );

  it('fails every request of a group whose transaction fails, with the same error', async () => {
    const unreachable = await createTestDatabase(dialect);
    await unreachable.drop();
    const announce = vi.fn(async (_tenantId: string) => {});
    const batcher = new VoteBatcher(unreachable.db, announce);
    const question = { id: crypto.randomUUID() };

    const answers = await Promise.allSettled(
      crowd.slice(0, 3).map((voter) => batcher.upvote(accessOf(voter), refTo(question))),
    );

    const [first, ...others] = answers;
    expect(first?.status).toBe('rejected');
    expect(first?.status === 'rejected' && first.reason instanceof DomainError).toBe(false);
    for (const other of others) expect(other).toEqual(first);
    expect(announce).not.toHaveBeenCalled();
  });

  it('announces a vote once, and a refused one not at all', async () => {
    const question = await ask('Announced once?');
    const [voter] = crowd as [NewAccount];
    const announce = vi.spyOn(app.hub, 'announce');
    try {
      await voter.client.question.upvote.mutate(refTo(question));
      expect(announce.mock.calls).toEqual([[app.tenantIds.alpha]]);
      expect(await errorCodeOf(voter.client.question.upvote.mutate(refTo(question)))).toBe('CONFLICT');
      expect(announce).toHaveBeenCalledTimes(1);
      await voter.client.question.removeUpvote.mutate(refTo(question));
      expect(announce).toHaveBeenCalledTimes(2);
    } finally {
      announce.mockRestore();
    }
  });

  it("delivers a group's events to a live subscriber, ending at each question's final count", async () => {
    const questions = await Promise.all([1, 2].map((n) => ask(`Watched live ${n}`)));
    const [watcher] = crowd as [NewAccount];
    const stream = streams.add(subscribeTrpc(app, { cookie: watcher.cookie }, { tenant: 'alpha' }));
    await waitFor(() => stream.started > 0, undefined, 'the stream to start');
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    const results = await Promise.all(
      crowd.flatMap(({ client }) => questions.map((q) => client.question.upvote.mutate(refTo(q)))),
    );

    const last = String(seqBefore + results.length);
    await waitFor(() => stream.items.some((item) => item.id === last), undefined, `event ${last}`);
    const events = await eventsAfter(seqBefore);
    const received = stream.items.filter((item) => Number(item.id) > seqBefore);
    const ids = received.map((item) => Number(item.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    // The stream speaks version 1 of question:upvoted, which has no meetingId.
    for (const item of received) expect(events.get(item.id)?.data).toMatchObject(item.event.data);
    for (const question of questions) {
      const newest = received.findLast(
        (item) => (item.event.data as { questionId?: string }).questionId === question.id,
      );
      expect(newest?.event.data).toMatchObject({ upvoteCount: CROWD });
    }
  }, 60_000);
});
