import { TRPCClientError } from '@trpc/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Client, failureFrom, startTestApp, type TestApp, uniqueLabel } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING, BETA_MEETING } from '../../test-support/fixture.js';
import { lastSeqOf, trimEveryEvent } from '../../test-support/outbox.js';
import {
  type Credentials,
  envelopesOf,
  expectEachSeqOnceWhenRacing,
  expectScriptDelivered,
  itemsBeforeSentinel,
  LIVE_WAIT_MS,
  mutationScript,
  newMember,
  newServiceToken,
  OpenStreams,
  RACE_TIMEOUT_MS,
  reconnectionDelayElapsed,
  type SubscribeInput,
  seqRange,
  sessionCredentials,
  submitQuestions,
  subscribeTrpc,
  type TrpcStream,
  waitFor,
} from '../../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;

// Several tests wait out eventsource’s 3 s reconnection delay, or push thousands of events.
vi.setConfig({ testTimeout: 30_000 });

/**
 * The stream engine writes events.subscribe itself; tRPC's own producer (TRPC_STREAMS=trpc) runs the
 * procedure's resolver over the same engine. Both must behave identically for a tRPC client.
 */
const VARIANTS = [
  ...DIALECTS.map((dialect) => ({ dialect, producer: 'engine' as const })),
  { dialect: 'sqlite' as const, producer: 'trpc' as const },
];

describe.each(VARIANTS)(
  'events.subscribe over tRPC SSE on $dialect, written by the $producer',
  ({ dialect, producer }) => {
    let app: TestApp;
    let member: Client;
    let member2: Client;
    let moderator: Client;
    let admin: Client;
    let betaMember: Client;
    const streams = new OpenStreams();
    let cookies: Record<'member' | 'member2' | 'moderator' | 'betaMember', Credentials>;

    beforeAll(async () => {
      app = await startTestApp(dialect, { trpcStreams: producer });
      [member, member2, moderator, admin, betaMember] = await app.clients(
        'member',
        'member2',
        'moderator',
        'admin',
        'betaMember',
      );
      cookies = await sessionCredentials(app, 'member', 'member2', 'moderator', 'betaMember');
    });
    afterEach(() => {
      expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
    });
    afterAll(() => app.close());

    function subscribe(credentials: Credentials, input: SubscribeInput = alpha): TrpcStream {
      return streams.add(subscribeTrpc(app, credentials, input));
    }

    /** Opens a subscription and waits until the server has started streaming it. */
    async function started(credentials: Credentials, input: SubscribeInput = alpha): Promise<TrpcStream> {
      const stream = subscribe(credentials, input);
      await waitFor(() => stream.started > 0 || stream.errors.length > 0, 5000, 'the subscription to start');
      expect(stream.errors).toEqual([]);
      return stream;
    }

    async function received(stream: TrpcStream, count: number, what = `${count} events`): Promise<void> {
      await waitFor(() => stream.items.length >= count || stream.errors.length > 0, LIVE_WAIT_MS, what);
      expect(stream.errors).toEqual([]);
      expect(stream.items).toHaveLength(count);
    }

    /** Waits until the stream is refused and returns the error code the client saw. */
    async function refusal(stream: TrpcStream, timeoutMs = LIVE_WAIT_MS): Promise<string> {
      await waitFor(() => stream.errors.length > 0, timeoutMs, 'the subscription to fail');
      expect(stream.errors).toHaveLength(1);
      expect(stream.errors[0]).toBeInstanceOf(TRPCClientError);
      return failureFrom(stream.errors[0]).code;
    }

    async function lastSeq(): Promise<number> {
      return lastSeqOf(app, app.tenantIds.alpha);
    }

    describe('live delivery', () => {
      it('delivers every kind of mutation by other users in order, ids = tenant sequence, v1 payloads', async () => {
        const stream = await started(cookies.member);
        const base = await lastSeq();
        const run = await mutationScript(app, { author: member2, moderator });
        await received(stream, run.expected.length);
        expectScriptDelivered(stream.items, run, base + 1);
        expect(await lastSeq()).toBe(base + run.expected.length);
        const [before] = await itemsBeforeSentinel(member2, [stream]);
        expect(before, 'no duplicate, no stray event').toHaveLength(run.expected.length);
      });
    });

    describe('resuming', () => {
      it('resumes from lastEventId with exactly the missed events, then continues live', async () => {
        const first = await started(cookies.member);
        const base = await lastSeq();
        await submitQuestions(member2, 2);
        await received(first, 2);
        first.close();
        const lastSeen = first.items[1]?.id;
        expect(lastSeen).toBe(String(base + 2));

        const missed = await submitQuestions(member2, 3);
        const resumed = await started(cookies.member, { ...alpha, lastEventId: lastSeen });
        await received(resumed, 3);
        expect(resumed.items.map((item) => item.id)).toEqual(seqRange(base + 3, base + 5));
        expect(resumed.items.map((item) => (item.event.data as { id: string }).id)).toEqual(
          missed.map((question) => question.id),
        );

        const [live] = await submitQuestions(member2, 1);
        await received(resumed, 4);
        expect(resumed.items[3]).toMatchObject({ id: String(base + 6), event: { data: { id: live?.id } } });
        const [before] = await itemsBeforeSentinel(member2, [resumed]);
        expect(before).toHaveLength(4);
      });

      it('reconnects by itself after the server drops every stream, and ends with every seq once', async () => {
        const base = await lastSeq();
        const [answerLater] = await submitQuestions(member2, 1);
        // Opened as a resumed subscription: on reconnection the newer Last-Event-ID must win over this.
        const stream = await started(cookies.member, {
          ...alpha,
          lastEventId: String(base),
          versions: { 'question:answered': 2 },
        });
        await submitQuestions(member2, 1);
        await received(stream, 2);

        app.dropStreams();
        // Changes made while the client is disconnected (eventsource waits 3 s before reconnecting).
        await submitQuestions(member2, 2);
        await moderator.question.answer.mutate({
          ...ALPHA_MEETING,
          questionId: answerLater?.id ?? '',
          responseText: 'While you were away',
        });
        await waitFor(() => stream.items.length >= 5, 8000, 'the missed events after reconnecting');
        await submitQuestions(member2, 1);
        await received(stream, 6);

        expect(stream.items.map((item) => item.id)).toEqual(seqRange(base + 1, base + 6));
        expect(stream.attempts).toHaveLength(2);
        expect(stream.attempts[1]?.lastEventId).toBe(String(base + 2));
        // The reconnection kept the requested versions.
        expect(stream.items[4]?.event).toMatchObject({
          type: 'question:answered.v2',
          data: { id: answerLater?.id, responseText: 'While you were away' },
        });
        expect(stream.errors).toEqual([]);
      });

      it(
        'yields each seq exactly once when changes race with opening a resumed subscription',
        async () => {
          await expectEachSeqOnceWhenRacing(app, [member2, moderator, admin], async ({ from, submitted }) => {
            const stream = subscribe(cookies.member, { ...alpha, lastEventId: String(from) });
            await submitted;
            return stream;
          });
        },
        RACE_TIMEOUT_MS,
      );
    });

    describe('resync', () => {
      it('sends stream:resync when the missed events were trimmed, then continues live', async () => {
        const first = await started(cookies.member);
        const base = await lastSeq();
        await submitQuestions(member2, 1);
        await received(first, 1);
        first.close();
        await submitQuestions(member2, 2);
        expect(await trimEveryEvent(app.db)).toBeGreaterThanOrEqual(3);

        const resumedAt = Date.now();
        const resumed = await started(cookies.member, { ...alpha, lastEventId: String(base + 1) });
        await received(resumed, 1);
        const [resync] = resumed.items;
        expect(resync?.id).toBe(String(base + 3));
        expect(resync?.event).toMatchObject({ type: 'stream:resync', tenantId: app.tenantIds.alpha });
        expect(resync?.event.data).toStrictEqual({ reason: expect.stringMatching(/\S/) });
        expect(resync?.event.timestamp).toBeGreaterThanOrEqual(resumedAt);

        const [live] = await submitQuestions(member2, 1);
        await received(resumed, 2);
        expect(resumed.items[1]).toMatchObject({
          id: String(base + 4),
          event: { type: 'question:created', data: { id: live?.id } },
        });
      });

      it('sends stream:resync when only part of the missed events was trimmed', async () => {
        const base = await lastSeq();
        await submitQuestions(member2, 3);
        await app.db
          .deleteFrom('events')
          .where('tenantId', '=', app.tenantIds.alpha)
          .where('seq', '<=', base + 2)
          .execute();
        const resumed = await started(cookies.member, { ...alpha, lastEventId: String(base) });
        await received(resumed, 1);
        expect(resumed.items[0]).toMatchObject({ id: String(base + 3), event: { type: 'stream:resync' } });
      });

      it('does not resync a client that missed nothing, even with an empty outbox', async () => {
        await submitQuestions(member2, 1);
        await trimEveryEvent(app.db);
        const base = await lastSeq();
        const resumed = await started(cookies.member, { ...alpha, lastEventId: String(base) });
        await submitQuestions(member2, 1);
        await received(resumed, 1);
        expect(resumed.items[0]).toMatchObject({ id: String(base + 1), event: { type: 'question:created' } });
      });
    });

    describe('refusals', () => {
      it('refuses a malformed or future lastEventId with BAD_REQUEST and does not reconnect', async () => {
        const malformed = subscribe(cookies.member, { ...alpha, lastEventId: 'abc' });
        const ahead = subscribe(cookies.member, { ...alpha, lastEventId: String((await lastSeq()) + 50) });
        for (const stream of [malformed, ahead]) {
          expect(await refusal(stream)).toBe('BAD_REQUEST');
          expect((stream.errors[0] as Error).message).toContain('lastEventId');
        }
        await reconnectionDelayElapsed(app, await started(cookies.member));
        for (const stream of [malformed, ahead]) {
          expect(stream.attempts).toHaveLength(1);
          expect(stream.started).toBeLessThanOrEqual(1);
          expect(stream.errors).toHaveLength(1);
          expect(stream.items).toEqual([]);
        }
      });

      it('refuses a non-member with FORBIDDEN, sends no data and does not reconnect', async () => {
        const outsider = subscribe(cookies.betaMember);
        const anonymous = subscribe({});
        expect(await refusal(outsider)).toBe('FORBIDDEN');
        expect(await refusal(anonymous)).toBe('UNAUTHORIZED');
        const stayer = await started(cookies.member);
        await itemsBeforeSentinel(member2, [stayer]);
        await reconnectionDelayElapsed(app, stayer);
        for (const stream of [outsider, anonymous]) {
          expect(stream.items).toEqual([]);
          expect(stream.attempts).toHaveLength(1);
          expect(stream.errors).toHaveLength(1);
        }
      });

      it('refuses an unknown event type or version in `versions` with BAD_REQUEST', async () => {
        const unknownType = subscribe(cookies.member, { ...alpha, versions: { 'question:exploded': 1 } });
        const unknownVersion = subscribe(cookies.member, { ...alpha, versions: { 'question:answered': 4 } });
        const v2OfV1Only = subscribe(cookies.member, { ...alpha, versions: { 'question:edited': 2 } });
        for (const stream of [unknownType, unknownVersion, v2OfV1Only]) {
          expect(await refusal(stream)).toBe('BAD_REQUEST');
          expect(stream.items).toEqual([]);
        }
      });
    });

    describe('audience', () => {
      it('shows question:pending to moderators only; the approval reaches everyone', async () => {
        await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
        try {
          const display = await admin.tenant.createDisplayLink.mutate(alpha);
          const memberStream = await started(cookies.member);
          const moderatorStream = await started(cookies.moderator);
          const displayStream = await started({ bearer: display.token });
          const base = await lastSeq();
          const body = uniqueLabel('needs review');
          const pending = await member2.question.submit.mutate({ ...ALPHA_MEETING, body });
          expect(pending.status).toBe('UNDER_REVIEW');
          await received(moderatorStream, 1);
          expect(envelopesOf(moderatorStream.items)).toEqual([
            {
              type: 'question:pending',
              tenantId: app.tenantIds.alpha,
              data: { id: pending.id, body, teamId: null, submittedAt: pending.submittedAt },
            },
          ]);
          expect(moderatorStream.items[0]?.id).toBe(String(base + 1));

          await moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id });
          await received(moderatorStream, 2);
          await received(memberStream, 1);
          const created = {
            type: 'question:created',
            tenantId: app.tenantIds.alpha,
            data: {
              id: pending.id,
              body,
              teamId: null,
              status: 'OPEN',
              upvoteCount: 0,
              submittedAt: pending.submittedAt,
            },
          };
          expect(envelopesOf(memberStream.items)).toEqual([created]);
          expect(memberStream.items[0]?.id).toBe(String(base + 2));
          await received(displayStream, 1);
          expect(displayStream.items).toEqual(memberStream.items);
          expect(moderatorStream.items.map((item) => item.id)).toEqual(seqRange(base + 1, base + 2));

          // Later events still reach the member, whose stream skipped base + 1.
          await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
          await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
          await received(memberStream, 3);
          expect(memberStream.items.map((item) => item.id)).toEqual([
            String(base + 2),
            String(base + 3),
            String(base + 4),
          ]);

          // A member resuming from before the pending event skips it in the backfill too.
          const resumed = await started(cookies.member, { ...alpha, lastEventId: String(base) });
          await received(resumed, 3);
          expect(resumed.items.map((item) => item.id)).toEqual(memberStream.items.map((item) => item.id));

          // Anything else about a question under review stays with the moderators too.
          const tag = await moderator.tag.create.mutate({
            ...alpha,
            name: uniqueLabel('tag'),
            color: '#112233',
          });
          const second = await member2.question.submit.mutate({
            ...ALPHA_MEETING,
            body: uniqueLabel('second'),
          });
          await moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: second.id, tagId: tag.id });
          await moderator.question.reject.mutate({ ...ALPHA_MEETING, questionId: second.id });
          await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
          await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
          await received(moderatorStream, 9);
          expect(moderatorStream.items.slice(4).map((item) => [item.id, item.event.type])).toEqual([
            [String(base + 5), 'question:pending'],
            [String(base + 6), 'question:tagged'],
            [String(base + 7), 'question:removed'],
            [String(base + 8), 'question:frozen'],
            [String(base + 9), 'question:frozen'],
          ]);
          const seenByMembers = [base + 2, base + 3, base + 4, base + 8, base + 9].map(String);
          for (const stream of [memberStream, displayStream, resumed]) {
            await received(stream, seenByMembers.length);
            expect(stream.items.map((item) => item.id)).toEqual(seenByMembers);
          }
        } finally {
          await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
        }
      });
    });

    describe('versions', () => {
      it('gives a v1 and a v2 subscriber of question:answered their own shape of the same change', async () => {
        const v1 = await started(cookies.member);
        const v2 = await started(cookies.member2, { ...alpha, versions: { 'question:answered': 2 } });
        const team = await moderator.team.create.mutate({ ...alpha, name: uniqueLabel('team') });
        const question = await member.question.submit.mutate({
          ...ALPHA_MEETING,
          body: uniqueLabel('versioned'),
          teamId: team.id,
        });
        const answered = await moderator.question.answer.mutate({
          ...ALPHA_MEETING,
          questionId: question.id,
          responseText: 'Forty-two',
        });
        await received(v1, 2);
        await received(v2, 2);
        expect(v1.items.map((item) => item.id)).toEqual(v2.items.map((item) => item.id));
        // Types without a requested version stay at version 1.
        expect(v2.items[0]?.event.type).toBe('question:created');

        expect(v1.items[1]?.event.type).toBe('question:answered');
        expect(v1.items[1]?.event.data).toStrictEqual({
          id: question.id,
          status: 'ANSWERED',
          responseText: 'Forty-two',
        });
        expect(v2.items[1]?.event.type).toBe('question:answered.v2');
        expect(v2.items[1]?.event.data).toStrictEqual({
          id: question.id,
          status: 'ANSWERED',
          responseText: 'Forty-two',
          answeredAt: answered.answeredAt,
          teamId: team.id,
        });
        expect(v2.items[1]?.event.timestamp).toBe(v1.items[1]?.event.timestamp);
      });
    });

    describe('access changes on open streams', () => {
      it('ends the stream of a member who is removed, with FORBIDDEN', async () => {
        const leaver = await newMember(app, admin);
        const stream = await started({ cookie: leaver.cookie });
        const stayer = await started(cookies.member);
        await submitQuestions(member2, 1);
        await received(stream, 1);
        const removedAt = Date.now();
        await admin.tenant.removeMember.mutate({ ...alpha, userId: leaver.userId });
        expect(await refusal(stream, 3000)).toBe('FORBIDDEN');
        expect(Date.now() - removedAt).toBeLessThan(3000);
        await itemsBeforeSentinel(member2, [stayer]);
        expect(stream.items).toHaveLength(1);
        // A new subscription with the same session is refused before it starts.
        expect(await refusal(subscribe({ cookie: leaver.cookie }))).toBe('FORBIDDEN');
        // The client does not keep reconnecting to a stream that refused it.
        await reconnectionDelayElapsed(app, stayer);
        expect(stream.attempts).toHaveLength(1);
        expect(stream.errors).toHaveLength(1);
      });

      it('ends a stream opened with a service token when the token is revoked', async () => {
        const token = await newServiceToken(admin);
        const stream = await started({ bearer: token.token });
        await submitQuestions(member2, 1);
        await received(stream, 1);
        await admin.tenant.revokeServiceToken.mutate({ ...alpha, tokenId: token.id });
        expect(await refusal(stream, 3000)).toBe('FORBIDDEN');
        expect(await refusal(subscribe({ bearer: token.token }))).toBe('UNAUTHORIZED');
      });

      it('ends a stream opened with a display link when the link is revoked', async () => {
        const link = await admin.tenant.createDisplayLink.mutate(alpha);
        const stream = await started({ bearer: link.token });
        await submitQuestions(member2, 1);
        await received(stream, 1);
        await admin.tenant.revokeLink.mutate({ ...alpha, linkId: link.id });
        expect(await refusal(stream, 3000)).toBe('FORBIDDEN');
      });

      it('shows question:pending on an open stream once its member becomes a moderator', async () => {
        const promoted = await newMember(app, admin);
        await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
        try {
          const stream = await started({ cookie: promoted.cookie });
          const base = await lastSeq();
          const hidden = await member2.question.submit.mutate({
            ...ALPHA_MEETING,
            body: uniqueLabel('hidden'),
          });
          await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
          await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
          await received(stream, 2);
          expect(stream.items.map((item) => item.id)).toEqual([String(base + 2), String(base + 3)]);

          await admin.tenant.setRole.mutate({ ...alpha, userId: promoted.userId, role: 'moderator' });
          const visible = await member2.question.submit.mutate({
            ...ALPHA_MEETING,
            body: uniqueLabel('visible'),
          });
          await received(stream, 4);
          // The new role is announced first: the page loads what it may see now.
          expect(stream.items[2]).toMatchObject({ id: String(base + 3), event: { type: 'stream:resync' } });
          expect(stream.items[3]).toMatchObject({
            id: String(base + 4),
            event: { type: 'question:pending', data: { id: visible.id } },
          });
          expect(stream.items.map((item) => (item.event.data as { id?: string }).id)).not.toContain(
            hidden.id,
          );
        } finally {
          await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
        }
      });
    });

    describe('tenant isolation', () => {
      it('never shows alpha events to a beta member', async () => {
        const alphaStream = await started(cookies.member);
        const betaStream = await started(cookies.betaMember, { tenant: 'beta' });
        const run = await mutationScript(app, { author: member2, moderator });
        await received(alphaStream, run.expected.length);

        // Beta's own question, submitted after alpha's script, is the first and only thing beta receives.
        const betaBase = await lastSeqOf(app, app.tenantIds.beta);
        const betaQuestion = await betaMember.question.submit.mutate({ ...BETA_MEETING, body: 'Beta only' });
        await received(betaStream, 1);
        expect(betaStream.items[0]).toMatchObject({
          id: String(betaBase + 1),
          event: { type: 'question:created', tenantId: app.tenantIds.beta, data: { id: betaQuestion.id } },
        });
        const [alphaBefore] = await itemsBeforeSentinel(member2, [alphaStream]);
        expect(alphaBefore).toHaveLength(run.expected.length);
        expect(alphaStream.items.every((item) => item.event.tenantId === app.tenantIds.alpha)).toBe(true);
      });
    });
  },
);
