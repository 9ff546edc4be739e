import type { StreamEvent } from '@pulsestage/contracts';
import { openEventStream } from '@pulsestage/test-harness/sse';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestApp, type TestApp, uniqueLabel } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING, BETA_MEETING } from '../../test-support/fixture.js';
import {
  closeStreams,
  idsOnceReceived,
  type MeetingStream,
  openStream,
  plainPath,
  type Transport,
} from '../../test-support/meeting-streams.js';
import { lastSeqOf } from '../../test-support/outbox.js';
import {
  type Credentials,
  requestJson,
  sessionCredentials,
  startInstance,
  waitFor,
} from '../../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;
const TRANSPORTS: Transport[] = ['plain', 'trpc', 'trpc-client'];

const typesOf = (stream: MeetingStream) => stream.events.map(({ event }) => event.type);
const questionIdOf = (event: StreamEvent) => (event.data as { id?: string; questionId?: string }).id;

describe.each(DIALECTS)('meeting filter on %s', (dialect) => {
  let app: TestApp;
  let member: Client;
  let moderator: Client;
  let admin: Client;
  let credentials: Record<'member' | 'moderator' | 'admin', Credentials>;
  /** An open meeting of alpha besides the fixture's. */
  let other: { tenant: 'alpha'; meetingId: string };
  const open: MeetingStream[] = [];

  const position = async () => String(await lastSeqOf(app, app.tenantIds.alpha));
  async function stream(transport: Transport, input: { meetingId?: string; lastEventId?: string }) {
    const opened = await openStream(app.url, transport, credentials.member, { ...alpha, ...input });
    open.push(opened);
    return opened;
  }

  beforeAll(async () => {
    app = await startTestApp(dialect, { presenceIntervalMs: 100 });
    [member, moderator, admin] = await app.clients('member', 'moderator', 'admin');
    credentials = await sessionCredentials(app, 'member', 'moderator', 'admin');
    const created = await moderator.meeting.create.mutate({ ...alpha, title: 'Another room' });
    await moderator.meeting.open.mutate({ ...alpha, meetingId: created.id });
    other = { ...alpha, meetingId: created.id };
  });
  afterEach(() => {
    expect(closeStreams(open)).toEqual([]);
  });
  afterAll(() => app.close());

  it.each(TRANSPORTS)(
    'over %s, sends the meeting its own events and the tenant-wide ones, with tenant sequence ids',
    async (transport) => {
      const start = await position();
      const filtered = await stream(transport, { meetingId: ALPHA_MEETING.meetingId, lastEventId: start });
      const everything = await stream(transport, { lastEventId: start });

      const here = await member.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('here') });
      const there = await member.question.submit.mutate({ ...other, body: uniqueLabel('there') });
      await admin.tenant.updateSettings.mutate({ ...alpha, name: uniqueLabel('Alpha') });
      await moderator.question.upvote.mutate({ ...other, questionId: there.id });
      await moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: here.id });

      const all = await idsOnceReceived(everything, 5);
      const mine = await idsOnceReceived(filtered, 3);
      expect(typesOf(everything)).toEqual([
        'question:created',
        'question:created',
        'tenant:updated.v1',
        'question:upvoted',
        'question:upvoted',
      ]);
      expect(typesOf(filtered)).toEqual(['question:created', 'tenant:updated.v1', 'question:upvoted']);
      expect(mine).toEqual([all[0], all[2], all[4]]);
      expect(filtered.events.map(({ event }) => event)).toEqual(
        [0, 2, 4].map((i) => everything.events[i]?.event),
      );
      expect(questionIdOf(filtered.events[0]?.event as StreamEvent)).toBe(here.id);
    },
  );

  it.each(TRANSPORTS)(
    'over %s, resumes exactly with a filter, even from an id of another meeting',
    async (transport) => {
      const start = await position();
      const first = await member.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('a1') });
      await member.question.submit.mutate({ ...other, body: uniqueLabel('b1') });
      const otherMeetingId = await position();
      await member.question.submit.mutate({ ...other, body: uniqueLabel('b2') });
      const last = await member.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('a2') });
      const end = await position();

      const fromStart = await stream(transport, { meetingId: ALPHA_MEETING.meetingId, lastEventId: start });
      expect(await idsOnceReceived(fromStart, 2)).toEqual([String(Number(start) + 1), end]);
      expect(fromStart.events.map(({ event }) => questionIdOf(event))).toEqual([first.id, last.id]);

      const fromOther = await stream(transport, {
        meetingId: ALPHA_MEETING.meetingId,
        lastEventId: otherMeetingId,
      });
      expect(await idsOnceReceived(fromOther, 1)).toEqual([end]);

      // Nothing more arrives: the next event of the meeting comes right after the ones above.
      const next = await member.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('a3') });
      for (const resumed of [fromStart, fromOther]) {
        await waitFor(() => resumed.events.some(({ event }) => questionIdOf(event) === next.id));
      }
      expect(fromStart.events).toHaveLength(3);
      expect(fromOther.events).toHaveLength(2);
    },
  );

  it('filters the same in the events.subscribe resolver, as tRPC’s own producer runs it', async () => {
    const instance = await startInstance(app, { trpcStreams: 'trpc', presenceIntervalMs: 100 });
    try {
      const start = await position();
      const filtered = await openStream(instance.url, 'trpc-client', credentials.member, {
        ...ALPHA_MEETING,
        lastEventId: start,
      });
      open.push(filtered);
      await member.question.submit.mutate({ ...other, body: uniqueLabel('not here') });
      const here = await member.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('here') });
      await idsOnceReceived(filtered, 1);
      await waitFor(() => filtered.presence.length > 0);
      expect(filtered.events.map(({ event }) => questionIdOf(event))).toEqual([here.id]);
      expect(filtered.presence[0]).toBeGreaterThanOrEqual(1);
    } finally {
      await instance.close();
    }
  });

  it('resumes a plain stream from its Last-Event-ID header with the filter of its URL', async () => {
    const start = await position();
    await member.question.submit.mutate({ ...other, body: uniqueLabel('elsewhere') });
    const wanted = await member.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('wanted') });
    const withHeader = await openStreamWithHeader(start);
    await idsOnceReceived(withHeader, 1);
    expect(withHeader.events.map(({ event }) => questionIdOf(event))).toEqual([wanted.id]);
  });

  async function openStreamWithHeader(lastEventId: string): Promise<MeetingStream> {
    const events: MeetingStream['events'] = [];
    const raw = await openEventStream(
      `${app.url}${plainPath({ ...alpha, meetingId: ALPHA_MEETING.meetingId })}`,
      { cookie: credentials.member.cookie ?? '', 'last-event-id': lastEventId },
      {
        onMessage: ({ id, data }) => {
          const event = JSON.parse(data) as StreamEvent;
          if (id !== undefined) events.push({ id, event });
        },
      },
    );
    const opened = { events, presence: [], problems: [], errors: [], close: () => raw.close() };
    open.push(opened);
    return opened;
  }

  describe('refuses a meeting the tenant does not have, another tenant’s exactly like a random id', () => {
    const randomId = '7d9f6c3e-8a1b-4c2d-9e0f-123456789abc';

    it('on GET /events: 404, before the stream starts', async () => {
      const answers = await Promise.all(
        [BETA_MEETING.meetingId, randomId].map((meetingId) =>
          requestJson(app, plainPath({ ...alpha, meetingId }), {
            headers: { cookie: credentials.member.cookie ?? '' },
          }),
        ),
      );
      expect(answers[0]).toEqual({
        status: 404,
        contentType: expect.stringContaining('application/json'),
        body: { error: { code: 'NOT_FOUND', message: expect.any(String) } },
      });
      expect(answers[1]).toEqual(answers[0]);
    });

    it('on GET /events: 400 for a meetingId that is no id', async () => {
      const answer = await requestJson(app, `/events?tenant=alpha&meetingId=not-a-meeting`, {
        headers: { cookie: credentials.member.cookie ?? '' },
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('meetingId') },
      });
    });

    it.each(['trpc', 'trpc-client'] as const)('on %s: NOT_FOUND, the same for both', async (transport) => {
      const refusals = await Promise.all(
        [BETA_MEETING.meetingId, randomId].map(async (meetingId) => {
          const refused = await stream(transport, { meetingId });
          if (transport === 'trpc') {
            const raw = refused as MeetingStream & { raw: { frames: { event?: string; data?: string }[] } };
            await waitFor(() => raw.raw.frames.find((frame) => frame.event === 'serialized-error'));
            const frame = raw.raw.frames.find((candidate) => candidate.event === 'serialized-error');
            const error = JSON.parse(frame?.data ?? '{}') as { message: string; data: { code: string } };
            return { code: error.data.code, message: error.message };
          }
          await waitFor(() => refused.errors.length > 0);
          const [error] = refused.errors as { message: string; data?: { code?: string } }[];
          return { code: error?.data?.code, message: error?.message };
        }),
      );
      expect(refusals[0]).toEqual({ code: 'NOT_FOUND', message: expect.any(String) });
      expect(refusals[1]).toEqual(refusals[0]);
      for (const refused of open) expect(refused.events).toEqual([]);
    });
  });

  it('still tells a filtered stream when its role changes, and ends it when access ends', async () => {
    const account = await app.newAccount('filtered');
    const { code } = await admin.tenant.createJoinLink.mutate(alpha);
    await account.client.auth.joinWithCode.mutate({ code });
    const filtered = await openStream(
      app.url,
      'trpc-client',
      { cookie: account.cookie },
      { ...alpha, meetingId: ALPHA_MEETING.meetingId, lastEventId: await position() },
    );
    open.push(filtered);

    await admin.tenant.setRole.mutate({ ...alpha, userId: account.userId, role: 'moderator' });
    await waitFor(() => filtered.events.some(({ event }) => event.type === 'stream:resync'));

    await admin.tenant.removeMember.mutate({ ...alpha, userId: account.userId });
    await waitFor(() => filtered.errors.length > 0);
    expect((filtered.errors[0] as { data?: { code?: string } }).data?.code).toBe('FORBIDDEN');
  });
});
