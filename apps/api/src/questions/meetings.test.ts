import { type LatestEvent, type MeetingState, type Question, toVersion } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewMeeting } from '../meetings/repository.js';
import {
  type Client,
  errorCodeOf,
  failureOf,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING, addMeeting, BETA_MEETING } from '../test-support/fixture.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';
import {
  OpenStreams,
  sessionCredentials,
  subscribeTrpc,
  type TrpcStream,
  waitFor,
} from '../test-support/sse.js';

type InMeeting = { tenant: 'alpha'; meetingId: string };

describe.each(DIALECTS)('questions in meetings on %s', (dialect) => {
  let app: TestApp;
  let member: Client;
  let member2: Client;
  let moderator: Client;
  let admin: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [member, member2, moderator, admin] = await app.clients('member', 'member2', 'moderator', 'admin');
  });
  afterAll(() => app.close());

  /** A meeting of alpha's own for one test, open unless told otherwise. */
  async function newMeeting(overrides: Partial<NewMeeting> = {}): Promise<InMeeting> {
    return { tenant: 'alpha', meetingId: await addMeeting(app.db, app.tenantIds.alpha, overrides) };
  }

  async function setState(meeting: InMeeting, state: MeetingState): Promise<void> {
    await app.db.updateTable('meetings').set({ state }).where('id', '=', meeting.meetingId).execute();
  }

  function ask(client: Client, meeting: InMeeting, body = uniqueLabel('question')): Promise<Question> {
    return client.question.submit.mutate({ ...meeting, body });
  }

  async function listIds(client: Client, meeting: InMeeting, filters: { hidden?: boolean } = {}) {
    return (await client.question.list.query({ ...meeting, limit: 100, ...filters })).items.map((q) => q.id);
  }

  /** Runs `action` and returns it with the events it wrote to alpha's outbox, with their audiences. */
  async function recorded<T>(action: () => Promise<T>) {
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    const result = await action();
    const events = (await eventsOf(app, app.tenantIds.alpha, before)).map(({ type, audience, data }) => ({
      type,
      audience,
      data,
    }));
    return { result, events };
  }

  /** Fails unless the call is refused with this code and its message matches, changing nothing. */
  async function expectRefused(call: () => Promise<unknown>, code: string, message?: RegExp) {
    await app.expectNoChange(call, code);
    if (message) expect((await failureOf(call())).message).toMatch(message);
  }

  describe('each meeting has its own questions', () => {
    it('lists, finds, counts as mine and pins a question in its own meeting only', async () => {
      const [first, second] = [await newMeeting(), await newMeeting()];
      const inFirst = await ask(member, first);
      const inSecond = await ask(member, second);
      expect(inFirst.meetingId).toBe(first.meetingId);
      await moderator.question.pin.mutate({ ...first, questionId: inFirst.id, pinned: true });

      expect(await listIds(member2, first)).toEqual([inFirst.id]);
      expect(await listIds(member2, second)).toEqual([inSecond.id]);
      expect((await member.question.mine.query(second)).items.map((q) => q.id)).toEqual([inSecond.id]);
      expect((await member2.queue.state.query(first)).pinnedQuestionIds).toEqual([inFirst.id]);
      expect((await member2.queue.state.query(second)).pinnedQuestionIds).toEqual([]);
    });

    it('refuses a question named through another meeting exactly like an id that exists nowhere', async () => {
      const [first, second] = [await newMeeting(), await newMeeting()];
      const question = await ask(member, first);
      const through = { ...second, questionId: question.id };
      const nowhere = { ...second, questionId: crypto.randomUUID() };
      for (const ref of [through, nowhere]) {
        const refused = await failureOf(member2.question.get.query(ref));
        expect(refused).toMatchObject({ code: 'NOT_FOUND', message: 'Question not found' });
      }
      await expectRefused(() => member2.question.upvote.mutate(through), 'NOT_FOUND');
      await expectRefused(() => member.question.withdraw.mutate(through), 'NOT_FOUND');
      await expectRefused(
        () => moderator.question.answer.mutate({ ...through, responseText: 'x' }),
        'NOT_FOUND',
      );
      await expectRefused(() => moderator.question.edit.mutate({ ...through, body: 'Changed' }), 'NOT_FOUND');
      await expectRefused(() => moderator.question.hide.mutate(through), 'NOT_FOUND');
      await expectRefused(() => moderator.question.pin.mutate({ ...through, pinned: true }), 'NOT_FOUND');
    });

    it("refuses another tenant's meeting exactly like a meeting that does not exist", async () => {
      const foreign = { tenant: 'alpha', meetingId: BETA_MEETING.meetingId } as const;
      const nowhere = { tenant: 'alpha', meetingId: crypto.randomUUID() } as const;
      for (const meeting of [foreign, nowhere]) {
        for (const call of [
          () => member.question.list.query(meeting),
          () => member.question.mine.query(meeting),
          () => member.queue.state.query(meeting),
          () => ask(member, meeting),
          () => moderator.queue.freeze.mutate({ ...meeting, frozen: true }),
        ]) {
          await app.expectNoChange(call, 'NOT_FOUND');
          expect((await failureOf(call())).message).toBe('Meeting not found');
        }
      }
    });
  });

  describe('meeting states', () => {
    it.each(['scheduled', 'closed'] as const)(
      'refuses submits and votes in a %s meeting naming the state, while moderators still run it',
      async (state) => {
        const meeting = await newMeeting();
        const question = await ask(member, meeting);
        const voted = await ask(member, meeting);
        await member2.question.upvote.mutate({ ...meeting, questionId: voted.id });
        await setState(meeting, state);
        const naming = new RegExp(`^The meeting is ${state}: `);
        const ref = { ...meeting, questionId: question.id };

        await expectRefused(() => ask(member2, meeting), 'PRECONDITION_FAILED', naming);
        await expectRefused(() => ask(moderator, meeting), 'PRECONDITION_FAILED', naming);
        await expectRefused(() => member2.question.upvote.mutate(ref), 'PRECONDITION_FAILED', naming);
        await expectRefused(
          () => member2.question.removeUpvote.mutate({ ...meeting, questionId: voted.id }),
          'PRECONDITION_FAILED',
          naming,
        );
        await expectRefused(
          () => member.question.edit.mutate({ ...ref, body: 'My better wording' }),
          'PRECONDITION_FAILED',
          naming,
        );

        expect((await moderator.question.edit.mutate({ ...ref, body: 'Tidied up' })).body).toBe('Tidied up');
        expect((await moderator.question.answer.mutate({ ...ref, responseText: 'Follow-up' })).status).toBe(
          'ANSWERED',
        );
        expect((await moderator.question.reopen.mutate(ref)).status).toBe('OPEN');
        expect((await moderator.question.hide.mutate(ref)).hidden).toBe(true);
        expect((await moderator.question.restore.mutate(ref)).hidden).toBe(false);
        expect((await member2.question.list.query(meeting)).items.map((q) => q.id)).toContain(question.id);
      },
    );

    it('keeps a closed meeting as an archive its authors cannot withdraw from', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      await setState(meeting, 'closed');
      await expectRefused(
        () => member.question.withdraw.mutate({ ...meeting, questionId: question.id }),
        'PRECONDITION_FAILED',
        /^The meeting is closed: /,
      );
    });

    it('pauses submits but not votes, in that meeting only, announcing it with the meeting', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      const paused = await recorded(() => moderator.queue.freeze.mutate({ ...meeting, frozen: true }));
      expect(paused.result.frozen).toBe(true);
      expect(paused.events).toEqual([
        { type: 'question:frozen', audience: 'all', data: { meetingId: meeting.meetingId, frozen: true } },
      ]);
      expect((await member2.queue.state.query(meeting)).frozen).toBe(true);
      await expectRefused(() => ask(member2, meeting), 'PRECONDITION_FAILED', /^The meeting is paused: /);
      expect(
        (await member2.question.upvote.mutate({ ...meeting, questionId: question.id })).upvoteCount,
      ).toBe(1);
      expect((await member2.queue.state.query(ALPHA_MEETING)).frozen).toBe(false);
      expect((await ask(member2, ALPHA_MEETING)).status).toBe('OPEN');
      await moderator.queue.freeze.mutate({ ...meeting, frozen: false });
      expect((await ask(member2, meeting)).status).toBe('OPEN');
    });

    it("follows the meeting's own approval setting, and the tenant's when it has none", async () => {
      const reviewed = await newMeeting({ requireApproval: true });
      const unreviewed = await newMeeting({ requireApproval: false });
      const following = await newMeeting();
      expect((await ask(member, reviewed)).status).toBe('UNDER_REVIEW');
      expect((await ask(member, following)).status).toBe('OPEN');
      await admin.tenant.updateSettings.mutate({ tenant: 'alpha', requireApproval: true });
      try {
        expect((await ask(member, unreviewed)).status).toBe('OPEN');
        expect((await ask(member, following)).status).toBe('UNDER_REVIEW');
      } finally {
        await admin.tenant.updateSettings.mutate({ tenant: 'alpha', requireApproval: false });
      }
    });
  });

  describe('question.edit', () => {
    it('lets a moderator edit any question, announcing it to the audience of its status', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting, 'Wht about the roadmap?');
      const ref = { ...meeting, questionId: question.id };
      const edit = await recorded(() =>
        moderator.question.edit.mutate({ ...ref, body: '  What about the roadmap?  ' }),
      );
      expect(edit.result).toMatchObject({ body: 'What about the roadmap?', status: 'OPEN' });
      expect(Date.parse(edit.result.editedAt ?? '')).toBeGreaterThan(0);
      expect(edit.events).toEqual([
        {
          type: 'question:edited',
          audience: 'all',
          data: { meetingId: meeting.meetingId, questionId: question.id, body: 'What about the roadmap?' },
        },
      ]);
      expect(await member2.question.get.query(ref)).toMatchObject({ body: 'What about the roadmap?' });

      const reviewed = await newMeeting({ requireApproval: true });
      const pending = await ask(member, reviewed);
      const pendingEdit = await recorded(() =>
        moderator.question.edit.mutate({ ...reviewed, questionId: pending.id, body: 'Reworded' }),
      );
      expect(pendingEdit.result.status).toBe('UNDER_REVIEW');
      expect(pendingEdit.events.map((e) => [e.type, e.audience])).toEqual([
        ['question:edited', 'moderators'],
      ]);
    });

    it('lets the author edit an unanswered question, refusing others and answered questions', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      const ref = { ...meeting, questionId: question.id };
      expect((await member.question.edit.mutate({ ...ref, body: 'My clearer question' })).body).toBe(
        'My clearer question',
      );
      await expectRefused(() => member2.question.edit.mutate({ ...ref, body: 'Not mine' }), 'FORBIDDEN');
      await expectRefused(() => member.question.edit.mutate({ ...ref, body: ' ' }), 'BAD_REQUEST');
      await moderator.question.answer.mutate({ ...ref, responseText: 'Answered' });
      await expectRefused(
        () => member.question.edit.mutate({ ...ref, body: 'Too late' }),
        'PRECONDITION_FAILED',
        /answered/,
      );
    });

    it("sends an author's edit of a published question back to review when the meeting requires approval", async () => {
      const meeting = await newMeeting({ requireApproval: true });
      const question = await ask(member, meeting);
      const ref = { ...meeting, questionId: question.id };
      await moderator.question.approve.mutate(ref);
      expect(await listIds(member2, meeting)).toEqual([question.id]);

      const edit = await recorded(() =>
        member.question.edit.mutate({ ...ref, body: 'Something else entirely' }),
      );
      expect(edit.result).toMatchObject({ status: 'UNDER_REVIEW', body: 'Something else entirely' });
      expect(edit.events).toEqual([
        {
          type: 'question:removed',
          audience: 'all',
          data: { meetingId: meeting.meetingId, questionId: question.id },
        },
        {
          type: 'question:pending',
          audience: 'moderators',
          data: {
            meetingId: meeting.meetingId,
            id: question.id,
            body: 'Something else entirely',
            teamId: null,
            submittedAt: question.submittedAt,
          },
        },
      ]);
      expect(await listIds(member2, meeting)).toEqual([]);
      expect(await errorCodeOf(member2.question.get.query(ref))).toBe('NOT_FOUND');
      const review = await moderator.question.list.query({ ...meeting, status: 'UNDER_REVIEW' });
      expect(review.items.map((q) => q.id)).toEqual([question.id]);
    });
  });

  describe('question.hide and question.restore', () => {
    it('takes a question off every screen but the moderators’, and brings it back', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      const ref = { ...meeting, questionId: question.id };
      await moderator.question.pin.mutate({ ...ref, pinned: true });

      const hide = await recorded(() => moderator.question.hide.mutate(ref));
      expect(hide.result.hidden).toBe(true);
      expect(hide.events).toEqual([
        {
          type: 'question:hidden',
          audience: 'all',
          data: { meetingId: meeting.meetingId, questionId: question.id },
        },
      ]);
      for (const viewer of [member, member2]) {
        expect(await listIds(viewer, meeting)).toEqual([]);
        expect(await failureOf(viewer.question.get.query(ref))).toMatchObject({
          code: 'NOT_FOUND',
          message: 'Question not found',
        });
        expect((await viewer.queue.state.query(meeting)).pinnedQuestionIds).toEqual([]);
      }
      expect((await member.question.mine.query(meeting)).items).toEqual([]);
      await expectRefused(() => member2.question.upvote.mutate(ref), 'NOT_FOUND');
      await expectRefused(() => member2.question.list.query({ ...meeting, hidden: true }), 'FORBIDDEN');

      expect(await listIds(moderator, meeting)).toEqual([]);
      const hidden = await moderator.question.list.query({ ...meeting, hidden: true });
      expect(hidden.items.map((q) => [q.id, q.hidden])).toEqual([[question.id, true]]);
      expect((await moderator.queue.state.query(meeting)).pinnedQuestionIds).toEqual([question.id]);
      await expectRefused(() => admin.question.upvote.mutate(ref), 'PRECONDITION_FAILED', /hidden/i);
      await expectRefused(() => moderator.question.hide.mutate(ref), 'CONFLICT');

      const answer = await recorded(() =>
        moderator.question.answer.mutate({ ...ref, responseText: 'Later' }),
      );
      expect(answer.events.map((e) => [e.type, e.audience])).toEqual([['question:answered', 'moderators']]);

      const restore = await recorded(() => moderator.question.restore.mutate(ref));
      expect(restore.result.hidden).toBe(false);
      expect(restore.events).toEqual([
        {
          type: 'question:restored',
          audience: 'all',
          data: { meetingId: meeting.meetingId, questionId: question.id },
        },
      ]);
      expect(await member2.question.get.query(ref)).toMatchObject({
        status: 'ANSWERED',
        responseText: 'Later',
      });
      await expectRefused(() => moderator.question.restore.mutate(ref), 'CONFLICT');
    });

    it('refuses to hide a question under review: approve or reject it first', async () => {
      const meeting = await newMeeting({ requireApproval: true });
      const question = await ask(member, meeting);
      await expectRefused(
        () => moderator.question.hide.mutate({ ...meeting, questionId: question.id }),
        'PRECONDITION_FAILED',
        /approve or reject it first/,
      );
    });

    it('refuses members', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      await expectRefused(
        () => member.question.hide.mutate({ ...meeting, questionId: question.id }),
        'FORBIDDEN',
      );
    });
  });

  describe('answered live and question.reopen', () => {
    it('marks a question answered without text, then opens it again', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      const ref = { ...meeting, questionId: question.id };
      const live = await recorded(() => moderator.question.answer.mutate(ref));
      expect(live.result).toMatchObject({ status: 'ANSWERED', responseText: null });
      const answeredAt = live.result.answeredAt;
      expect(Date.parse(answeredAt ?? '')).toBeGreaterThan(0);
      const data = {
        meetingId: meeting.meetingId,
        id: question.id,
        status: 'ANSWERED',
        responseText: null,
        answeredAt,
        teamId: null,
      };
      expect(live.events).toEqual([{ type: 'question:answered', audience: 'all', data }]);
      const stored = { type: 'question:answered', data } as LatestEvent;
      expect(toVersion(stored, 1)).toEqual({ id: question.id, status: 'ANSWERED', responseText: '' });
      expect(toVersion(stored, 2)).toEqual({
        id: question.id,
        status: 'ANSWERED',
        responseText: '',
        answeredAt,
        teamId: null,
      });

      await expectRefused(() => member.question.reopen.mutate(ref), 'FORBIDDEN');
      const reopen = await recorded(() => moderator.question.reopen.mutate(ref));
      expect(reopen.result).toMatchObject({ status: 'OPEN', responseText: null, answeredAt: null });
      expect(reopen.events).toEqual([
        {
          type: 'question:reopened',
          audience: 'all',
          data: { meetingId: meeting.meetingId, questionId: question.id },
        },
      ]);
      expect(await listIds(member2, meeting)).toEqual([question.id]);
      expect((await member2.question.upvote.mutate(ref)).upvoteCount).toBe(1);
      await expectRefused(() => moderator.question.reopen.mutate(ref), 'PRECONDITION_FAILED', /answered/);
    });
  });

  describe('question.withdraw', () => {
    it('deletes the author’s open question with its upvotes and tags', async () => {
      const meeting = await newMeeting();
      const question = await ask(member, meeting);
      const ref = { ...meeting, questionId: question.id };
      const tag = await moderator.tag.create.mutate({
        tenant: 'alpha',
        name: uniqueLabel('tag'),
        color: '#123456',
      });
      await moderator.question.tag.mutate({ ...ref, tagId: tag.id });
      await member2.question.upvote.mutate(ref);
      await expectRefused(() => member2.question.withdraw.mutate(ref), 'FORBIDDEN');
      await expectRefused(() => moderator.question.withdraw.mutate(ref), 'FORBIDDEN');

      const withdraw = await recorded(() => member.question.withdraw.mutate(ref));
      expect(withdraw.result).toEqual({ questionId: question.id });
      expect(withdraw.events).toEqual([
        {
          type: 'question:removed',
          audience: 'all',
          data: { meetingId: meeting.meetingId, questionId: question.id },
        },
      ]);
      for (const table of ['questions', 'upvotes', 'questionTags'] as const) {
        const column = table === 'questions' ? 'id' : 'questionId';
        const rows = await app.db.selectFrom(table).select(column).where(column, '=', question.id).execute();
        expect(rows, table).toEqual([]);
      }
      expect((await member.question.mine.query(meeting)).items).toEqual([]);
    });

    it('withdraws a question under review for moderators only, and refuses answered ones', async () => {
      const reviewed = await newMeeting({ requireApproval: true });
      const pending = await ask(member, reviewed);
      const withdraw = await recorded(() =>
        member.question.withdraw.mutate({ ...reviewed, questionId: pending.id }),
      );
      expect(withdraw.events.map((e) => [e.type, e.audience])).toEqual([['question:removed', 'moderators']]);

      const meeting = await newMeeting();
      const answered = await ask(member, meeting);
      await moderator.question.answer.mutate({ ...meeting, questionId: answered.id });
      await expectRefused(
        () => member.question.withdraw.mutate({ ...meeting, questionId: answered.id }),
        'PRECONDITION_FAILED',
        /answered/,
      );
    });
  });

  describe('what the streams carry', () => {
    const streams = new OpenStreams();
    afterAll(() => expect(streams.closeAll()).toEqual([]));

    /** The types of the events that name the question, as the stream names them (new families end in `.v1`). */
    const mentions = (stream: TrpcStream, id: string) =>
      stream.items
        .filter((item) => JSON.stringify(item.event.data).includes(id))
        .map((item) => item.event.type);

    it('never sends a member anything about a hidden or pending question, and moderators everything', async () => {
      const meeting = await newMeeting();
      const reviewed = await newMeeting({ requireApproval: true });
      const hiddenOne = await ask(member, meeting);
      const from = String(await lastSeqOf(app, app.tenantIds.alpha));
      const credentials = await sessionCredentials(app, 'member2', 'moderator');
      const open = (who: 'member2' | 'moderator') =>
        streams.add(subscribeTrpc(app, credentials[who], { tenant: 'alpha', lastEventId: from }));
      const [memberStream, moderatorStream] = [open('member2'), open('moderator')];

      const hidden = { ...meeting, questionId: hiddenOne.id };
      await moderator.question.hide.mutate(hidden);
      await moderator.question.edit.mutate({ ...hidden, body: 'Edited while hidden' });
      await moderator.question.pin.mutate({ ...hidden, pinned: true });
      await moderator.question.answer.mutate(hidden);
      const pendingOne = await ask(member, reviewed);
      const pending = { ...reviewed, questionId: pendingOne.id };
      await moderator.question.edit.mutate({ ...pending, body: 'Edited while pending' });
      await member.question.withdraw.mutate(pending);
      const marker = await ask(member, meeting);

      for (const stream of [memberStream, moderatorStream]) {
        await waitFor(() => mentions(stream, marker.id).length > 0, 5000, 'the last question to arrive');
      }
      expect(mentions(memberStream, hiddenOne.id)).toEqual(['question:hidden.v1']);
      expect(mentions(memberStream, pendingOne.id)).toEqual([]);
      expect(mentions(moderatorStream, hiddenOne.id)).toEqual([
        'question:hidden.v1',
        'question:edited.v1',
        'question:pinned',
        'question:answered',
      ]);
      expect(mentions(moderatorStream, pendingOne.id)).toEqual([
        'question:pending',
        'question:edited.v1',
        'question:removed',
      ]);
    });
  });
});
