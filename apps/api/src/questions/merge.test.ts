import type { Question } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  errorCodeOf,
  type NewAccount,
  startTestApp,
  type TestApp,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { addMeeting } from '../test-support/fixture.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';
import { newMember } from '../test-support/sse.js';

describe.each(DIALECTS)('merging a duplicate question on %s', (dialect) => {
  let app: TestApp;
  let moderator: Client;
  let targetAuthor: Client;
  let duplicateAuthor: Client;
  let voters: NewAccount[];

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const [admin] = await app.clients('admin');
    [moderator, targetAuthor, duplicateAuthor] = await app.clients('moderator', 'member', 'member2');
    voters = await Promise.all([1, 2, 3].map(() => newMember(app, admin)));
  });
  afterAll(() => app.close());

  async function newMeeting(requireApproval: boolean | null = null) {
    return { tenant: 'alpha', meetingId: await addMeeting(app.db, app.tenantIds.alpha, { requireApproval }) };
  }
  type Where = Awaited<ReturnType<typeof newMeeting>>;

  async function pair(where: Where) {
    const target = await targetAuthor.question.submit.mutate({
      ...where,
      body: 'When does the canteen open?',
    });
    const duplicate = await duplicateAuthor.question.submit.mutate({
      ...where,
      body: 'Canteen opening time?',
    });
    return { target, duplicate };
  }
  const upvote = (caller: Client, where: Where, question: Question) =>
    caller.question.upvote.mutate({ ...where, questionId: question.id });
  const mergeInput = (where: Where, duplicate: Question, target: Question) => ({
    ...where,
    questionId: duplicate.id,
    intoQuestionId: target.id,
  });

  async function upvotersOf(questionId: string): Promise<string[]> {
    const rows = await app.db
      .selectFrom('upvotes')
      .select('voterId')
      .where('questionId', '=', questionId)
      .execute();
    return rows.map(({ voterId }) => voterId).sort();
  }

  it('moves the upvotes and the duplicate’s author to the target, nobody twice, never the target’s author', async () => {
    const where = await newMeeting();
    const { target, duplicate } = await pair(where);
    const [both, onlyDuplicate] = voters.map((voter) => voter.client);
    if (!both || !onlyDuplicate) throw new Error('voters missing');
    await upvote(both, where, target);
    await upvote(both, where, duplicate);
    await upvote(onlyDuplicate, where, duplicate);
    await upvote(targetAuthor, where, duplicate);
    const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

    const merged = await moderator.question.merge.mutate(mergeInput(where, duplicate, target));

    const expected = [voters[0]?.userId, voters[1]?.userId, app.userIds.member2].sort();
    expect(await upvotersOf(target.id)).toEqual(expected);
    expect(merged).toMatchObject({ id: target.id, upvoteCount: 3, status: 'OPEN' });
    expect(await upvotersOf(duplicate.id)).toEqual([]);
    const events = await eventsOf(app, app.tenantIds.alpha, seqBefore);
    expect(events.map(({ type, audience, data }) => ({ type, audience, data }))).toEqual([
      {
        type: 'question:removed',
        audience: 'all',
        data: { meetingId: where.meetingId, questionId: duplicate.id },
      },
      {
        type: 'question:upvoted',
        audience: 'all',
        data: { meetingId: where.meetingId, questionId: target.id, upvoteCount: 3 },
      },
    ]);
  });

  it('takes the duplicate away for everyone but its author, who finds it merged with the target named', async () => {
    const where = await newMeeting();
    const { target, duplicate } = await pair(where);
    await moderator.question.merge.mutate(mergeInput(where, duplicate, target));

    for (const caller of [moderator, targetAuthor]) {
      const listed = (await caller.question.list.query(where)).items.map(({ id }) => id);
      expect(listed).toEqual([target.id]);
      const ref = { ...where, questionId: duplicate.id };
      expect(await errorCodeOf(caller.question.get.query(ref))).toBe('NOT_FOUND');
    }
    expect(await errorCodeOf(upvote(targetAuthor, where, duplicate))).toBe('NOT_FOUND');
    // Like a rejected or withdrawn question's, its text is gone from the stream a client replays.
    const created = (await eventsOf(app, app.tenantIds.alpha)).find(
      (event) => event.type === 'question:created' && (event.data as { id: string }).id === duplicate.id,
    );
    expect(created?.data).toMatchObject({ id: duplicate.id, body: '' });

    const [own] = (await duplicateAuthor.question.mine.query(where)).items;
    expect(own).toMatchObject({
      id: duplicate.id,
      mergedInto: { id: target.id, body: 'When does the canteen open?', answered: false },
    });
    expect(own?.mergedAt).toEqual(own?.rejectedAt);
    expect(own?.mergedAt).not.toBeNull();
    // Answered, the target is found on the Answered tab, which is where the merged question points.
    await moderator.question.answer.mutate({ ...where, questionId: target.id, responseText: 'At eight.' });
    const [afterAnswer] = (await duplicateAuthor.question.mine.query(where)).items;
    expect(afterAnswer?.mergedInto).toEqual({
      id: target.id,
      body: 'When does the canteen open?',
      answered: true,
    });
    // Once the target is hidden, its author may not read it: the merged question no longer names it.
    await moderator.question.hide.mutate({ ...where, questionId: target.id });
    const [afterHiding] = (await duplicateAuthor.question.mine.query(where)).items;
    expect(afterHiding).toMatchObject({ id: duplicate.id, mergedInto: null });
    expect(afterHiding?.mergedAt).not.toBeNull();
  });

  it('is recorded in the audit log without the text or its authors', async () => {
    const where = await newMeeting();
    const { target, duplicate } = await pair(where);
    await moderator.question.merge.mutate(mergeInput(where, duplicate, target));
    const entry = await app.db
      .selectFrom('auditLog')
      .selectAll()
      .where('action', '=', 'question.merge')
      .where('targetId', '=', duplicate.id)
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actorId: app.userIds.moderator, targetType: 'question' });
    expect(JSON.parse(entry.summary)).toEqual({ into: target.id });
  });

  it('refuses a merge into itself, across meetings, and from or into a question that is not open and shown', async () => {
    const where = await newMeeting();
    const reviewed = await newMeeting(true);
    const elsewhere = await newMeeting();
    const { target, duplicate } = await pair(where);
    const ask = (at: Where, body: string) => targetAuthor.question.submit.mutate({ ...at, body });
    const rejected = await ask(where, 'Rejected one');
    await moderator.question.reject.mutate({ ...where, questionId: rejected.id });
    const hidden = await ask(where, 'Hidden one');
    await moderator.question.hide.mutate({ ...where, questionId: hidden.id });
    const answered = await ask(where, 'Answered one');
    await moderator.question.answer.mutate({ ...where, questionId: answered.id, responseText: null });
    const mergedAway = await ask(where, 'Merged one');
    await moderator.question.merge.mutate(mergeInput(where, mergedAway, target));
    const pending = await ask(reviewed, 'Waiting for review');
    const inReview = await ask(reviewed, 'Open one of a reviewed meeting');
    await moderator.question.approve.mutate({ ...reviewed, questionId: inReview.id });
    const otherMeeting = await ask(elsewhere, 'In another meeting');
    const nowhere = { ...target, id: crypto.randomUUID() };

    const refusals: [string, Where, Question, Question, string][] = [
      ['itself', where, duplicate, duplicate, 'BAD_REQUEST'],
      ['another meeting', where, duplicate, otherMeeting, 'BAD_REQUEST'],
      ['into nowhere', where, duplicate, nowhere, 'NOT_FOUND'],
      ['into rejected', where, duplicate, rejected, 'NOT_FOUND'],
      ['from rejected', where, rejected, target, 'NOT_FOUND'],
      ['into merged', where, duplicate, mergedAway, 'NOT_FOUND'],
      ['from merged', where, mergedAway, target, 'NOT_FOUND'],
      ['into hidden', where, duplicate, hidden, 'PRECONDITION_FAILED'],
      ['from hidden', where, hidden, target, 'PRECONDITION_FAILED'],
      ['into answered', where, duplicate, answered, 'PRECONDITION_FAILED'],
      ['from answered', where, answered, target, 'PRECONDITION_FAILED'],
      ['into under review', reviewed, inReview, pending, 'PRECONDITION_FAILED'],
      ['from under review', reviewed, pending, inReview, 'PRECONDITION_FAILED'],
    ];
    for (const [label, at, from, into, code] of refusals) {
      const refused = app.expectNoChange(
        () => moderator.question.merge.mutate(mergeInput(at, from, into)),
        code,
      );
      await expect(refused, label).resolves.toBeUndefined();
    }
    await app.expectNoChange(
      () => targetAuthor.question.merge.mutate(mergeInput(where, duplicate, target)),
      'FORBIDDEN',
    );
  });

  it('says why it refuses, naming the field when the input is at fault', async () => {
    const where = await newMeeting();
    const { target, duplicate } = await pair(where);
    await expect(moderator.question.merge.mutate(mergeInput(where, duplicate, duplicate))).rejects.toThrow(
      'intoQuestionId: a question cannot be merged into itself',
    );
    await moderator.question.hide.mutate({ ...where, questionId: target.id });
    await expect(moderator.question.merge.mutate(mergeInput(where, duplicate, target))).rejects.toThrow(
      'The question to merge into is hidden: restore it first',
    );
  });
});
