import {
  type EventType,
  eventCatalog,
  isEventType,
  type LatestEvent,
  schemaOf,
  toVersion,
} from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, errorCodeOf, startTestApp, type TestApp } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING, BETA_MEETING } from '../../test-support/fixture.js';
import { eventsOf, lastSeqOf, type StoredEvent } from '../../test-support/outbox.js';
import { snapshotData } from '../../test-support/snapshot.js';

/** What a mutation's event must be, sequence number and timestamp aside. */
type RecordedEvent = Pick<StoredEvent, 'type' | 'audience' | 'data'>;

const alpha = { tenant: 'alpha' } as const;

/** Asserts that a stored payload is valid for its type's newest version, and for every older one after conversion. */
function expectValidPayload(event: RecordedEvent): void {
  expect(isEventType(event.type), event.type).toBe(true);
  const type = event.type as EventType;
  const family = eventCatalog[type];
  const latest = schemaOf(type, family.latest);
  expect(latest).toBeDefined();
  expect(latest?.parse(event.data)).toEqual(event.data);
  for (const version of Object.keys(family.versions).map(Number)) {
    const payload = toVersion({ type, data: event.data } as LatestEvent, version);
    expect(schemaOf(type, version)?.safeParse(payload).success, `${type} v${version}`).toBe(true);
  }
}

async function signUpMembers(app: TestApp, count: number, prefix: string): Promise<Client[]> {
  const admin = await app.as('admin');
  const { code } = await admin.tenant.createJoinLink.mutate(alpha);
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { client } = await app.newAccount(`${prefix}-${i}`);
      expect(await client.auth.joinWithCode.mutate({ code })).toEqual({ tenant: 'alpha', meetingId: null });
      return client;
    }),
  );
}

describe.each(DIALECTS)('event outbox on %s', (dialect) => {
  describe('the events each mutation writes', () => {
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

    /**
     * Runs a mutation and returns the events it appended to alpha's outbox, after checking their
     * envelope fields: consecutive sequence numbers, alpha's tenant id, a timestamp taken during the call,
     * and a payload valid for its type.
     */
    async function recorded<T>(action: () => Promise<T>): Promise<{ result: T; events: RecordedEvent[] }> {
      const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);
      const betaSeqBefore = await lastSeqOf(app, app.tenantIds.beta);
      const started = Date.now();
      const result = await action();
      const finished = Date.now();
      const rows = await eventsOf(app, app.tenantIds.alpha, seqBefore);
      expect(rows.map((row) => row.seq)).toEqual(rows.map((_, i) => seqBefore + i + 1));
      expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(seqBefore + rows.length);
      expect(await lastSeqOf(app, app.tenantIds.beta)).toBe(betaSeqBefore);
      for (const row of rows) {
        expect(row.timestamp).toBeGreaterThanOrEqual(started);
        expect(row.timestamp).toBeLessThanOrEqual(finished);
        expectValidPayload(row);
      }
      return {
        result,
        events: rows.map(({ type, audience, data }) => ({ type, audience, data })),
      };
    }

    async function withApproval(body: () => Promise<void>): Promise<void> {
      await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
      try {
        await body();
      } finally {
        await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
      }
    }

    it('submit: question:created to all, with the v1 payload', async () => {
      const team = await moderator.team.create.mutate({ ...alpha, name: 'Engineering' });
      const { result: q, events } = await recorded(() =>
        member.question.submit.mutate({
          ...ALPHA_MEETING,
          body: '  Where are we heading?  ',
          teamId: team.id,
        }),
      );
      expect(events).toEqual([
        {
          type: 'question:created',
          audience: 'all',
          data: {
            meetingId: ALPHA_MEETING.meetingId,
            id: q.id,
            body: 'Where are we heading?',
            teamId: team.id,
            status: 'OPEN',
            upvoteCount: 0,
            submittedAt: q.submittedAt,
          },
        },
      ]);
      const { result: q2, events: withoutTeam } = await recorded(() =>
        member.question.submit.mutate({ ...ALPHA_MEETING, body: 'No team' }),
      );
      expect(withoutTeam).toEqual([
        {
          type: 'question:created',
          audience: 'all',
          data: {
            meetingId: ALPHA_MEETING.meetingId,
            id: q2.id,
            body: 'No team',
            teamId: null,
            status: 'OPEN',
            upvoteCount: 0,
            submittedAt: q2.submittedAt,
          },
        },
      ]);
    });

    it('submit under approval: question:pending to moderators; approve: question:created to all', async () => {
      await withApproval(async () => {
        const { result: q, events } = await recorded(() =>
          member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Pending question' }),
        );
        expect(q.status).toBe('UNDER_REVIEW');
        expect(events).toEqual([
          {
            type: 'question:pending',
            audience: 'moderators',
            data: {
              meetingId: ALPHA_MEETING.meetingId,
              id: q.id,
              body: 'Pending question',
              teamId: null,
              submittedAt: q.submittedAt,
            },
          },
        ]);

        const approval = await recorded(() =>
          moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        );
        expect(approval.events).toEqual([
          {
            type: 'question:created',
            audience: 'all',
            data: {
              meetingId: ALPHA_MEETING.meetingId,
              id: q.id,
              body: 'Pending question',
              teamId: null,
              status: 'OPEN',
              upvoteCount: 0,
              submittedAt: q.submittedAt,
            },
          },
        ]);
      });
    });

    it('tag and untag of a question under review go to moderators only', async () => {
      const tag = await moderator.tag.create.mutate({ ...alpha, name: 'Review', color: '#A0B0C0' });
      await withApproval(async () => {
        const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Tag me while pending' });
        const tagged = await recorded(() =>
          moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id }),
        );
        expect(tagged.events).toEqual([
          {
            type: 'question:tagged',
            audience: 'moderators',
            data: {
              meetingId: ALPHA_MEETING.meetingId,
              questionId: q.id,
              tag: { id: tag.id, name: 'Review', color: '#a0b0c0' },
            },
          },
        ]);
        const untagged = await recorded(() =>
          moderator.question.untag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id }),
        );
        expect(untagged.events).toEqual([
          {
            type: 'question:untagged',
            audience: 'moderators',
            data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, tagId: tag.id },
          },
        ]);
      });
    });

    it('reject of a pending question: question:removed to moderators', async () => {
      await withApproval(async () => {
        const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Reject me quietly' });
        const { events } = await recorded(() =>
          moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        );
        expect(events).toEqual([
          {
            type: 'question:removed',
            audience: 'moderators',
            data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id },
          },
        ]);
      });
    });

    it('reject of a published question: question:removed to all', async () => {
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Reject me publicly' });
      const { events } = await recorded(() =>
        moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: q.id }),
      );
      expect(events).toEqual([
        {
          type: 'question:removed',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id },
        },
      ]);
    });

    it('upvote and removeUpvote: question:upvoted to all with the new count', async () => {
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Vote on me' });
      const first = await recorded(() =>
        member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
      );
      expect(first.events).toEqual([
        {
          type: 'question:upvoted',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, upvoteCount: 1 },
        },
      ]);
      const second = await recorded(() =>
        moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
      );
      expect(second.events).toEqual([
        {
          type: 'question:upvoted',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, upvoteCount: 2 },
        },
      ]);
      const removed = await recorded(() =>
        member2.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
      );
      expect(removed.events).toEqual([
        {
          type: 'question:upvoted',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, upvoteCount: 1 },
        },
      ]);
    });

    it('answer and answer edit: question:answered to all with the v2 payload', async () => {
      const team = await moderator.team.create.mutate({ ...alpha, name: 'Sales' });
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Answer me', teamId: team.id });
      const answer = await recorded(() =>
        moderator.question.answer.mutate({
          ...ALPHA_MEETING,
          questionId: q.id,
          responseText: ' First answer ',
        }),
      );
      const answeredAt = answer.result.answeredAt;
      expect(answeredAt).toEqual(expect.any(String));
      expect(answer.events).toEqual([
        {
          type: 'question:answered',
          audience: 'all',
          data: {
            meetingId: ALPHA_MEETING.meetingId,
            id: q.id,
            status: 'ANSWERED',
            responseText: 'First answer',
            answeredAt,
            teamId: team.id,
          },
        },
      ]);
      const [stored] = answer.events;
      expect(toVersion({ type: 'question:answered', data: stored?.data } as LatestEvent, 1)).toEqual({
        id: q.id,
        status: 'ANSWERED',
        responseText: 'First answer',
      });

      const edit = await recorded(() =>
        admin.question.answer.mutate({ ...ALPHA_MEETING, questionId: q.id, responseText: 'Second answer' }),
      );
      expect(edit.events).toEqual([
        {
          type: 'question:answered',
          audience: 'all',
          data: {
            meetingId: ALPHA_MEETING.meetingId,
            id: q.id,
            status: 'ANSWERED',
            responseText: 'Second answer',
            answeredAt,
            teamId: team.id,
          },
        },
      ]);
    });

    it('tag and untag: question:tagged and question:untagged to all', async () => {
      const tag = await moderator.tag.create.mutate({ ...alpha, name: 'Roadmap', color: '#1F6FEB' });
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Tag me' });
      const tagged = await recorded(() =>
        moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id }),
      );
      expect(tagged.events).toEqual([
        {
          type: 'question:tagged',
          audience: 'all',
          data: {
            meetingId: ALPHA_MEETING.meetingId,
            questionId: q.id,
            tag: { id: tag.id, name: 'Roadmap', color: '#1f6feb' },
          },
        },
      ]);
      const untagged = await recorded(() =>
        moderator.question.untag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id }),
      );
      expect(untagged.events).toEqual([
        {
          type: 'question:untagged',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, tagId: tag.id },
        },
      ]);
    });

    it('pin and unpin: question:pinned to all', async () => {
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Pin me' });
      const pinned = await recorded(() =>
        moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: q.id, pinned: true }),
      );
      expect(pinned.events).toEqual([
        {
          type: 'question:pinned',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, pinned: true },
        },
      ]);
      const unpinned = await recorded(() =>
        moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: q.id, pinned: false }),
      );
      expect(unpinned.events).toEqual([
        {
          type: 'question:pinned',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, questionId: q.id, pinned: false },
        },
      ]);
    });

    it('freeze and unfreeze: question:frozen to all', async () => {
      const frozen = await recorded(() => moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true }));
      expect(frozen.events).toEqual([
        {
          type: 'question:frozen',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, frozen: true },
        },
      ]);
      const unfrozen = await recorded(() =>
        moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false }),
      );
      expect(unfrozen.events).toEqual([
        {
          type: 'question:frozen',
          audience: 'all',
          data: { meetingId: ALPHA_MEETING.meetingId, frozen: false },
        },
      ]);
    });

    it('writes no event for a refused mutation', async () => {
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Refusals target' });
      const answered = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Already answered' });
      await moderator.question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: answered.id,
        responseText: 'Yes',
      });
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      const tag = await moderator.tag.create.mutate({ ...alpha, name: 'Refusals', color: '#123456' });
      await moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id });
      const betaOwner = await app.as('betaOwner');
      const betaTag = await betaOwner.tag.create.mutate({
        tenant: 'beta',
        name: 'Beta tag',
        color: '#654321',
      });
      const betaTeam = await betaOwner.team.create.mutate({ tenant: 'beta', name: 'Beta team' });
      const betaQuestion = await (await app.as('betaMember')).question.submit.mutate({
        ...BETA_MEETING,
        body: 'Beta question',
      });
      let pending = '';
      await withApproval(async () => {
        pending = (await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Pending refusal target' }))
          .id;
      });

      const refusals: [string, string, () => Promise<unknown>][] = [
        [
          'BAD_REQUEST',
          'too long',
          () => member.question.submit.mutate({ ...ALPHA_MEETING, body: 'x'.repeat(2001) }),
        ],
        [
          'BAD_REQUEST',
          'beta team',
          () => member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Hi', teamId: betaTeam.id }),
        ],
        [
          'FORBIDDEN',
          'self upvote',
          () => member.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ],
        [
          'CONFLICT',
          'double upvote',
          () => member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ],
        [
          'PRECONDITION_FAILED',
          'answered',
          () => member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: answered.id }),
        ],
        [
          'NOT_FOUND',
          'absent upvote',
          () => moderator.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ],
        [
          'NOT_FOUND',
          'beta question',
          () => member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: betaQuestion.id }),
        ],
        [
          'FORBIDDEN',
          'member answer',
          () => member2.question.answer.mutate({ ...ALPHA_MEETING, questionId: q.id, responseText: 'No' }),
        ],
        [
          'PRECONDITION_FAILED',
          'answer pending',
          () =>
            moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId: pending, responseText: 'No' }),
        ],
        [
          'BAD_REQUEST',
          'long answer',
          () =>
            moderator.question.answer.mutate({
              ...ALPHA_MEETING,
              questionId: q.id,
              responseText: 'x'.repeat(10_001),
            }),
        ],
        [
          'CONFLICT',
          'duplicate tag',
          () => moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: tag.id }),
        ],
        [
          'NOT_FOUND',
          'beta tag',
          () => moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: q.id, tagId: betaTag.id }),
        ],
        [
          'NOT_FOUND',
          'absent untag',
          () => moderator.question.untag.mutate({ ...ALPHA_MEETING, questionId: answered.id, tagId: tag.id }),
        ],
        [
          'FORBIDDEN',
          'member pin',
          () => member2.question.pin.mutate({ ...ALPHA_MEETING, questionId: q.id, pinned: true }),
        ],
        [
          'PRECONDITION_FAILED',
          'pin pending',
          () => moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: pending, pinned: true }),
        ],
        [
          'PRECONDITION_FAILED',
          'approve open',
          () => moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ],
        [
          'FORBIDDEN',
          'member approve',
          () => member2.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending }),
        ],
        [
          'FORBIDDEN',
          'member reject',
          () => member2.question.reject.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ],
        [
          'NOT_FOUND',
          'beta reject',
          () => moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: betaQuestion.id }),
        ],
        ['FORBIDDEN', 'member freeze', () => member.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true })],
        [
          'UNAUTHORIZED',
          'anonymous submit',
          () => app.client().question.submit.mutate({ ...ALPHA_MEETING, body: 'Anon' }),
        ],
      ];
      const before = await snapshotData(app.db);
      for (const [code, label, call] of refusals) {
        expect(await errorCodeOf(call()), label).toBe(code);
      }
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
      const frozen = await snapshotData(app.db);
      expect(await errorCodeOf(member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Frozen out' }))).toBe(
        'PRECONDITION_FAILED',
      );
      expect(await snapshotData(app.db)).toEqual(frozen);
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });

      const after = await snapshotData(app.db);
      // Exactly the two freeze events (and their audit entries) were added; everything else is as it was.
      expect(after.events?.length).toBe((before.events?.length ?? 0) + 2);
      expect(after.audit_log?.length).toBe((before.audit_log?.length ?? 0) + 2);
      expect({ ...after, events: [], event_sequences: [], queue_states: [], audit_log: [] }).toEqual({
        ...before,
        events: [],
        event_sequences: [],
        queue_states: [],
        audit_log: [],
      });
      expect(after.queue_states).toEqual(before.queue_states);
    });
  });

  describe('sequence numbers', () => {
    let app: TestApp;
    /** 40 members who signed up and joined through a join link, made once for the concurrency tests. */
    let crowd: Client[] | undefined;
    beforeAll(async () => {
      app = await startTestApp(dialect);
    });
    afterAll(() => app.close());

    async function crowdOf40(): Promise<Client[]> {
      crowd ??= await signUpMembers(app, 40, 'crowd');
      return crowd;
    }

    it('start at 1 for each tenant and have no gaps; tenants are independent', async () => {
      const [member, member2, moderator, betaMember, betaOwner] = await app.clients(
        'member',
        'member2',
        'moderator',
        'betaMember',
        'betaOwner',
      );
      expect(await eventsOf(app, app.tenantIds.alpha)).toEqual([]);
      expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(0);

      const a1 = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Alpha one' });
      const b1 = await betaMember.question.submit.mutate({ ...BETA_MEETING, body: 'Beta one' });
      await member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: a1.id });
      await betaOwner.queue.freeze.mutate({ ...BETA_MEETING, frozen: true });
      await expect(
        errorCodeOf(member2.question.upvote.mutate({ ...ALPHA_MEETING, questionId: a1.id })),
      ).resolves.toBe('CONFLICT');
      await moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId: a1.id, responseText: 'Done' });
      await betaOwner.question.pin.mutate({ ...BETA_MEETING, questionId: b1.id, pinned: true });
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });

      const alphaEvents = await eventsOf(app, app.tenantIds.alpha);
      const betaEvents = await eventsOf(app, app.tenantIds.beta);
      expect(alphaEvents.map((e) => [e.seq, e.type])).toEqual([
        [1, 'question:created'],
        [2, 'question:upvoted'],
        [3, 'question:answered'],
        [4, 'question:frozen'],
      ]);
      expect(betaEvents.map((e) => [e.seq, e.type])).toEqual([
        [1, 'question:created'],
        [2, 'question:frozen'],
        [3, 'question:pinned'],
      ]);
      expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(4);
      expect(await lastSeqOf(app, app.tenantIds.beta)).toBe(3);
      const timestamps = alphaEvents.map((e) => e.timestamp);
      expect(timestamps).toEqual([...timestamps].sort((x, y) => x - y));
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
      expect((await eventsOf(app, app.tenantIds.alpha, 4)).map((e) => [e.seq, e.data])).toEqual([
        [5, { meetingId: ALPHA_MEETING.meetingId, frozen: false }],
      ]);
    });

    it('stay gap-free under concurrent writers, with upvote counts in commit order', async () => {
      const member = await app.as('member');
      const crowd = await crowdOf40();
      const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);
      const q = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Everybody upvote this' });

      const results = await Promise.all([
        ...crowd.map((client) => client.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id })),
        ...crowd
          .slice(0, 10)
          .map((client, i) =>
            client.question.submit.mutate({ ...ALPHA_MEETING, body: `Concurrent question ${i}` }),
          ),
      ]);
      const upvoteResults = results.slice(0, 40) as { upvoteCount: number }[];
      expect(upvoteResults.map((r) => r.upvoteCount).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );

      const all = await eventsOf(app, app.tenantIds.alpha);
      expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
      expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(all.length);
      const fresh = all.filter((e) => e.seq > seqBefore);
      expect(fresh).toHaveLength(1 + 40 + 10);
      for (const event of fresh) expectValidPayload(event);

      const upvoted = fresh.filter((e) => e.type === 'question:upvoted');
      expect(upvoted.map((e) => e.data)).toEqual(
        Array.from({ length: 40 }, (_, i) => ({
          meetingId: ALPHA_MEETING.meetingId,
          questionId: q.id,
          upvoteCount: i + 1,
        })),
      );
      const created = fresh.filter((e) => e.type === 'question:created');
      expect(created).toHaveLength(11);
      expect(new Set(created.map((e) => (e.data as { id: string }).id)).size).toBe(11);

      const rows = await app.db
        .selectFrom('upvotes')
        .select('voterId')
        .where('questionId', '=', q.id)
        .execute();
      expect(rows).toHaveLength(40);
      expect((await member.question.get.query({ ...ALPHA_MEETING, questionId: q.id })).upvoteCount).toBe(40);
    }, 60_000);

    it('report counts consistent with commit order when upvotes and removals race', async () => {
      const member = await app.as('member');
      const crowd = await crowdOf40();
      const q = await member.question.submit.mutate({
        ...ALPHA_MEETING,
        body: 'Half of you change your mind',
      });
      const leavers = crowd.slice(0, 20);
      const joiners = crowd.slice(20);
      for (const client of leavers)
        await client.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id });
      const seqBefore = await lastSeqOf(app, app.tenantIds.alpha);

      await Promise.all([
        ...leavers.map((client) =>
          client.question.removeUpvote.mutate({ ...ALPHA_MEETING, questionId: q.id }),
        ),
        ...joiners.map((client) => client.question.upvote.mutate({ ...ALPHA_MEETING, questionId: q.id })),
      ]);

      const fresh = await eventsOf(app, app.tenantIds.alpha, seqBefore);
      expect(fresh.map((e) => e.seq)).toEqual(fresh.map((_, i) => seqBefore + i + 1));
      expect(fresh).toHaveLength(40);
      let count = 20;
      let ups = 0;
      let downs = 0;
      for (const event of fresh) {
        expect(event).toMatchObject({ type: 'question:upvoted', audience: 'all' });
        const data = event.data as { questionId: string; upvoteCount: number };
        expect(data.questionId).toBe(q.id);
        expect(Math.abs(data.upvoteCount - count)).toBe(1);
        if (data.upvoteCount > count) ups++;
        else downs++;
        count = data.upvoteCount;
      }
      expect([ups, downs, count]).toEqual([20, 20, 20]);
      const rows = await app.db
        .selectFrom('upvotes')
        .select('voterId')
        .where('questionId', '=', q.id)
        .execute();
      expect(rows).toHaveLength(20);
    }, 60_000);
  });
});
