import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Client, startTestApp, type TestApp, uniqueLabel } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING, BETA_MEETING } from '../test-support/fixture.js';
import { lastSeqOf, trimEveryEvent } from '../test-support/outbox.js';
import {
  type CollectedStream,
  type Credentials,
  credentialHeaders,
  type EventSourceStream,
  envelopesOf,
  expectEachSeqOnceWhenRacing,
  expectScriptDelivered,
  itemsBeforeSentinel,
  LIVE_WAIT_MS,
  mutationScript,
  newMember,
  newServiceToken,
  OpenStreams,
  openEventSource,
  openRawStream,
  RACE_TIMEOUT_MS,
  type RawStream,
  requestJson,
  seqRange,
  sessionCredentials,
  submitQuestions,
  subscribeTrpc,
  waitFor,
} from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;
const HEARTBEAT_MS = 200;

// Several tests wait out eventsource’s 3 s reconnection delay, or push thousands of events.
vi.setConfig({ testTimeout: 30_000 });

const idsOf = (stream: CollectedStream) => stream.items.map((item) => item.id);

describe.each(DIALECTS)('GET /events on %s', (dialect) => {
  let app: TestApp;
  let member2: Client;
  let moderator: Client;
  let admin: Client;
  let betaMember: Client;
  const streams = new OpenStreams();
  let cookies: Record<'member' | 'moderator' | 'betaMember', Credentials>;

  beforeAll(async () => {
    // No access sweep within the test run: streams must end because access changes are announced.
    app = await startTestApp(dialect, { heartbeatMs: HEARTBEAT_MS, accessSweepMs: 600_000 });
    [member2, moderator, admin, betaMember] = await app.clients(
      'member2',
      'moderator',
      'admin',
      'betaMember',
    );
    cookies = await sessionCredentials(app, 'member', 'moderator', 'betaMember');
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app.close());

  async function lastSeq(): Promise<number> {
    return lastSeqOf(app, app.tenantIds.alpha);
  }

  /** A raw stream that answered 200 and has written its first frame. */
  async function rawStream(
    credentials: Credentials,
    path = '/events?tenant=alpha',
    headers: Record<string, string> = {},
  ): Promise<RawStream> {
    const stream = streams.add(
      await openRawStream(app, path, { ...credentialHeaders(credentials), ...headers }),
    );
    expect(stream.status, stream.body).toBe(200);
    // Without a resume point a stream starts at the tenant's position, read after its first frame: it
    // is live once it says which (an `id:` frame). Events committed before that are not its own.
    const resumes = 'last-event-id' in headers || path.includes('lastEventId=');
    await waitFor(
      () => (resumes ? stream.frames.length > 0 : stream.frames.some((frame) => frame.id !== undefined)),
      5000,
      'the stream to start',
    );
    return stream;
  }

  async function eventSource(credentials: Credentials, path = '/events?tenant=alpha') {
    const stream = streams.add(openEventSource(app, path, credentials));
    await waitFor(() => stream.opens > 0 || stream.errors.length > 0, 5000, 'the EventSource to open');
    expect(stream.errors).toEqual([]);
    return stream;
  }

  async function received(stream: CollectedStream, count: number, timeoutMs = LIVE_WAIT_MS): Promise<void> {
    await waitFor(() => stream.items.length >= count, timeoutMs, `${count} events`);
    expect(stream.items).toHaveLength(count);
  }

  describe('live delivery', () => {
    it('streams each change as one id: line and one data: line, ids = tenant sequence, v1 payloads', async () => {
      const raw = await rawStream(cookies.member);
      expect(raw.headers['content-type']).toMatch(/^text\/event-stream/);
      expect(raw.headers['cache-control']).toContain('no-cache');
      const source = await eventSource(cookies.member);
      const base = await lastSeq();
      const run = await mutationScript(app, { author: member2, moderator });
      await received(raw, run.expected.length);
      await received(source, run.expected.length);
      expectScriptDelivered(raw.items, run, base + 1);
      expectScriptDelivered(source.items, run, base + 1);
      expect(source.items).toEqual(raw.items);

      const eventFrames = raw.frames.filter((frame) => frame.id !== undefined && frame.data !== undefined);
      expect(eventFrames).toHaveLength(run.expected.length);
      for (const frame of eventFrames) {
        expect(frame.event).toBeUndefined();
        expect(frame.data).toBeDefined();
      }
      expect(raw.body).toMatch(new RegExp(`id: ${base + 1}\\ndata: \\{[^\\n]*\\}\\n\\n`));
      const [rawBefore, sourceBefore] = await itemsBeforeSentinel(member2, [raw, source]);
      expect(rawBefore, 'no duplicate, no stray event').toHaveLength(run.expected.length);
      expect(sourceBefore, 'no duplicate, no stray event').toHaveLength(run.expected.length);
    });

    it('serves the same events in the same order with the same ids as events.subscribe', async () => {
      const raw = await rawStream(cookies.member);
      const trpc = streams.add(subscribeTrpc(app, cookies.member, alpha));
      await waitFor(() => trpc.started > 0, 5000, 'the tRPC subscription to start');
      const run = await mutationScript(app, { author: member2, moderator });
      await received(raw, run.expected.length);
      await received(trpc, run.expected.length);
      expect(trpc.items).toEqual(raw.items);
    });
  });

  describe('resuming', () => {
    it('starts a stream opened without Last-Event-ID with an id-only frame: its starting position', async () => {
      const raw = await rawStream(cookies.member);
      // A heartbeat (which has no id) may come first while the position is being read.
      const position = await waitFor(
        () => raw.frames.slice(1).find((frame) => !frame.data?.includes('"heartbeat"')),
        5000,
        'the first frame after the opening comment that is not a heartbeat',
      );
      expect(raw.frames[0]).toEqual({ comments: ['connected'] });
      expect(position).toEqual({ id: String(await lastSeq()), comments: [] });
      const resumed = await rawStream(cookies.member, '/events?tenant=alpha', { 'last-event-id': '0' });
      await itemsBeforeSentinel(member2, [resumed]);
      expect(resumed.frames.filter((frame) => frame.data === undefined && frame.id !== undefined)).toEqual(
        [],
      );
    });

    it('resumes from the Last-Event-ID header and from ?lastEventId= with exactly the missed events', async () => {
      const first = await rawStream(cookies.member);
      const base = await lastSeq();
      await submitQuestions(member2, 2);
      await received(first, 2);
      first.close();
      const lastSeen = first.items[1]?.id ?? '';
      expect(lastSeen).toBe(String(base + 2));

      await submitQuestions(member2, 3);
      const byHeader = await rawStream(cookies.member, '/events?tenant=alpha', { 'last-event-id': lastSeen });
      const byQuery = await eventSource(cookies.member, `/events?tenant=alpha&lastEventId=${lastSeen}`);
      await received(byHeader, 3);
      await received(byQuery, 3);
      expect(idsOf(byHeader)).toEqual(seqRange(base + 3, base + 5));
      expect(byQuery.items).toEqual(byHeader.items);

      await submitQuestions(member2, 1);
      await received(byHeader, 4);
      await received(byQuery, 4);
      expect(idsOf(byHeader)).toEqual(seqRange(base + 3, base + 6));
      expect(idsOf(byQuery)).toEqual(seqRange(base + 3, base + 6));
      const before = await itemsBeforeSentinel(member2, [byHeader, byQuery]);
      expect(before.map((items) => items.length)).toEqual([4, 4]);
    });

    it('lets an EventSource reconnect by itself after dropStreams, heartbeats not disturbing Last-Event-ID', async () => {
      const base = await lastSeq();
      await submitQuestions(member2, 1);
      // Opened with ?lastEventId=: on reconnection the newer Last-Event-ID header must win over it.
      const source = await eventSource(cookies.member, `/events?tenant=alpha&lastEventId=${base}`);
      const raw = await rawStream(cookies.member);
      await submitQuestions(member2, 1);
      await received(source, 2);
      const beats = source.heartbeats.length;
      await waitFor(() => source.heartbeats.length >= beats + 2, 3000, 'heartbeats after the events');

      app.dropStreams();
      await waitFor(() => raw.ended, 3000, 'the raw response to end');
      await submitQuestions(member2, 3);
      await waitFor(() => source.items.length >= 5, 8000, 'the missed events after reconnecting');
      await submitQuestions(member2, 1);
      await received(source, 6);

      expect(idsOf(source)).toEqual(seqRange(base + 1, base + 6));
      expect(source.attempts).toHaveLength(2);
      expect(source.attempts[0]?.lastEventId).toBeNull();
      expect(source.attempts[1]?.lastEventId).toBe(String(base + 2));
      expect(source.opens).toBe(2);
    });

    it(
      'yields each seq exactly once when changes race with opening a resumed stream',
      async () => {
        await expectEachSeqOnceWhenRacing(app, [member2, moderator, admin], async ({ from, submitted }) => {
          const [stream] = await Promise.all([
            openRawStream(app, '/events?tenant=alpha', {
              ...credentialHeaders(cookies.member),
              'last-event-id': String(from),
            }),
            submitted,
          ]);
          return streams.add(stream);
        });
      },
      RACE_TIMEOUT_MS,
    );

    it('sends stream:resync when the missed events were trimmed, then continues live', async () => {
      const base = await lastSeq();
      await submitQuestions(member2, 3);
      expect(await trimEveryEvent(app.db)).toBeGreaterThanOrEqual(3);
      const resumed = await rawStream(cookies.member, '/events?tenant=alpha', {
        'last-event-id': String(base + 1),
      });
      await received(resumed, 1);
      expect(resumed.items[0]).toMatchObject({
        id: String(base + 3),
        event: { type: 'stream:resync', tenantId: app.tenantIds.alpha, data: { reason: expect.any(String) } },
      });
      const [live] = await submitQuestions(member2, 1);
      await received(resumed, 2);
      expect(resumed.items[1]).toMatchObject({
        id: String(base + 4),
        event: { type: 'question:created', data: { id: live?.id } },
      });
    });
  });

  describe('errors before the stream starts', () => {
    const errorBody = (code: string) => ({ error: { code, message: expect.stringMatching(/\S/) } });

    it('refuses a malformed or future Last-Event-ID with 400 naming lastEventId', async () => {
      const ahead = String((await lastSeq()) + 50);
      const cases: { path: string; headers: Record<string, string> }[] = [
        { path: '/events?tenant=alpha', headers: { 'last-event-id': 'abc' } },
        { path: '/events?tenant=alpha', headers: { 'last-event-id': '-1' } },
        { path: '/events?tenant=alpha', headers: { 'last-event-id': '1.5' } },
        { path: '/events?tenant=alpha&lastEventId=abc', headers: {} },
        { path: '/events?tenant=alpha', headers: { 'last-event-id': ahead } },
        { path: `/events?tenant=alpha&lastEventId=${ahead}`, headers: {} },
      ];
      for (const { path, headers } of cases) {
        const response = await requestJson(app, path, {
          headers: { ...credentialHeaders(cookies.member), ...headers },
        });
        expect(response.status, `${path} ${JSON.stringify(headers)}`).toBe(400);
        expect(response.contentType).toMatch(/^application\/json/);
        expect(response.body).toEqual(errorBody('BAD_REQUEST'));
        expect((response.body as { error: { message: string } }).error.message).toContain('lastEventId');
      }

      const source = streams.add(
        openEventSource(app, '/events?tenant=alpha&lastEventId=abc', cookies.member),
      );
      await waitFor(() => source.errors.length > 0, 5000, 'the EventSource to fail');
      expect(source.errors[0]).toMatchObject({ code: 400, readyState: 2 });
      expect(source.opens).toBe(0);
    });

    it('answers 401, 403, 404, 400 and 405 with a JSON error body', async () => {
      const token = await newServiceToken(admin);
      const cases: {
        path: string;
        headers?: Record<string, string>;
        method?: string;
        status: number;
        code: string;
      }[] = [
        { path: '/events?tenant=alpha', status: 401, code: 'UNAUTHORIZED' },
        {
          path: '/events?tenant=alpha',
          headers: { authorization: 'Bearer pst_not-a-token' },
          status: 401,
          code: 'UNAUTHORIZED',
        },
        {
          path: '/events?tenant=alpha',
          headers: credentialHeaders(cookies.betaMember),
          status: 403,
          code: 'FORBIDDEN',
        },
        {
          path: '/events?tenant=beta',
          headers: credentialHeaders({ bearer: token.token }),
          status: 403,
          code: 'FORBIDDEN',
        },
        {
          path: '/events?tenant=no-such-org',
          headers: credentialHeaders(cookies.member),
          status: 404,
          code: 'NOT_FOUND',
        },
        { path: '/events', headers: credentialHeaders(cookies.member), status: 400, code: 'BAD_REQUEST' },
        {
          path: '/events?tenant=Not%20A%20Slug!',
          headers: credentialHeaders(cookies.member),
          status: 400,
          code: 'BAD_REQUEST',
        },
        {
          path: '/events?tenant=alpha',
          method: 'POST',
          headers: credentialHeaders(cookies.member),
          status: 405,
          code: 'METHOD_NOT_SUPPORTED',
        },
      ];
      for (const { path, headers = {}, method = 'GET', status, code } of cases) {
        const response = await requestJson(app, path, { method, headers });
        const what = `${method} ${path} ${JSON.stringify(headers)}`;
        expect(response.status, what).toBe(status);
        expect(response.contentType, what).toMatch(/^application\/json/);
        expect(response.body, what).toEqual(errorBody(code));
      }

      const outsider = streams.add(openEventSource(app, '/events?tenant=alpha', cookies.betaMember));
      await waitFor(() => outsider.errors.length > 0, 5000, 'the EventSource to fail');
      expect(outsider.errors[0]).toMatchObject({ code: 403, readyState: 2 });
      expect(outsider.items).toEqual([]);
    });
  });

  describe('audience', () => {
    it('shows question:pending to moderators only; the approval reaches everyone', async () => {
      await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
      try {
        const memberStream = await eventSource(cookies.member);
        const moderatorStream = await rawStream(cookies.moderator);
        const base = await lastSeq();
        const body = uniqueLabel('needs review');
        const pending = await member2.question.submit.mutate({ ...ALPHA_MEETING, body });
        await received(moderatorStream, 1);
        expect(moderatorStream.items[0]?.id).toBe(String(base + 1));
        expect(envelopesOf(moderatorStream.items)).toEqual([
          {
            type: 'question:pending',
            tenantId: app.tenantIds.alpha,
            data: { id: pending.id, body, teamId: null, submittedAt: pending.submittedAt },
          },
        ]);

        await moderator.question.approve.mutate({ ...ALPHA_MEETING, questionId: pending.id });
        await received(moderatorStream, 2);
        await received(memberStream, 1);
        expect(memberStream.items[0]).toMatchObject({
          id: String(base + 2),
          event: { type: 'question:created', data: { id: pending.id, status: 'OPEN' } },
        });
        expect(moderatorStream.items[1]).toEqual(memberStream.items[0]);

        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
        await received(memberStream, 3);
        expect(idsOf(memberStream)).toEqual(seqRange(base + 2, base + 4));
      } finally {
        await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
      }
    });
  });

  describe('access changes on open streams', () => {
    it('ends the stream of a removed member; the reconnection gets 403', async () => {
      const leaver = await newMember(app, admin);
      const raw = await rawStream({ cookie: leaver.cookie });
      const source: EventSourceStream = await eventSource({ cookie: leaver.cookie });
      const stayer = await rawStream(cookies.member);
      await submitQuestions(member2, 1);
      await received(raw, 1);
      await received(source, 1);

      await admin.tenant.removeMember.mutate({ ...alpha, userId: leaver.userId });
      await waitFor(() => raw.ended, 3000, 'the removed member’s response to end');
      await waitFor(
        () => source.errors.some((error) => error.code === 403),
        8000,
        'the reconnection to get 403',
      );
      expect(source.attempts).toHaveLength(2);
      expect(source.source.readyState).toBe(2);
      await itemsBeforeSentinel(member2, [stayer]);
      expect(raw.items).toHaveLength(1);
      expect(source.items).toHaveLength(1);
      const again = await requestJson(app, '/events?tenant=alpha', { headers: { cookie: leaver.cookie } });
      expect(again.status).toBe(403);
    });

    it('ends a stream opened with a service token when the token is revoked', async () => {
      const token = await newServiceToken(admin);
      const raw = await rawStream({ bearer: token.token });
      await submitQuestions(member2, 1);
      await received(raw, 1);
      await admin.tenant.revokeServiceToken.mutate({ ...alpha, tokenId: token.id });
      await waitFor(() => raw.ended, 3000, 'the service token’s response to end');
      const again = await requestJson(app, '/events?tenant=alpha', {
        headers: credentialHeaders({ bearer: token.token }),
      });
      expect(again.status).toBe(401);
    });

    it('ends a stream opened with a display link when the link is revoked', async () => {
      const link = await admin.tenant.createDisplayLink.mutate(alpha);
      const raw = await rawStream({ bearer: link.token });
      await submitQuestions(member2, 1);
      await received(raw, 1);
      await admin.tenant.revokeLink.mutate({ ...alpha, linkId: link.id });
      await waitFor(() => raw.ended, 3000, 'the display link’s response to end');
      const again = await requestJson(app, '/events?tenant=alpha', {
        headers: credentialHeaders({ bearer: link.token }),
      });
      expect(again.status).toBe(401);
    });

    it('ends the stream of a session that signs out', async () => {
      const leaver = await newMember(app, admin);
      const raw = await rawStream({ cookie: leaver.cookie });
      await submitQuestions(member2, 1);
      await received(raw, 1);
      const signedOut = await app.raw('POST', 'auth.signOut', undefined, { cookie: leaver.cookie });
      expect(signedOut.status).toBe(200);
      await waitFor(() => raw.ended, 3000, 'the signed-out session’s response to end');
      const again = await requestJson(app, '/events?tenant=alpha', { headers: { cookie: leaver.cookie } });
      expect(again.status).toBe(401);
    });

    it('shows question:pending on an open stream once its member becomes a moderator', async () => {
      const promoted = await newMember(app, admin);
      await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
      try {
        const source = await eventSource({ cookie: promoted.cookie });
        const base = await lastSeq();
        await member2.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('hidden') });
        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
        await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
        await received(source, 2);
        expect(idsOf(source)).toEqual(seqRange(base + 2, base + 3));

        await admin.tenant.setRole.mutate({ ...alpha, userId: promoted.userId, role: 'moderator' });
        const visible = await member2.question.submit.mutate({
          ...ALPHA_MEETING,
          body: uniqueLabel('visible'),
        });
        await received(source, 4);
        // The new role is announced first: the page loads what it may see now.
        expect(source.items[2]).toMatchObject({ id: String(base + 3), event: { type: 'stream:resync' } });
        expect(source.items[3]).toMatchObject({
          id: String(base + 4),
          event: { type: 'question:pending', data: { id: visible.id } },
        });
      } finally {
        await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
      }
    });
  });

  describe('heartbeat', () => {
    it('sends heartbeat data frames without id, shaped {type, tenantId, data: {timestamp}, timestamp}', async () => {
      const openedAt = Date.now();
      const raw = await rawStream(cookies.member);
      await waitFor(() => raw.heartbeats.length >= 2, 2000, 'two heartbeats');
      await submitQuestions(member2, 1);
      await received(raw, 1);
      const beats = raw.heartbeats.length;
      await waitFor(() => raw.heartbeats.length >= beats + 2, 2000, 'heartbeats after the event');
      const closedAt = Date.now();

      expect(raw.heartbeats.every((beat) => !beat.hadId)).toBe(true);
      for (const { data } of raw.heartbeats) {
        expect(data).toStrictEqual({
          type: 'heartbeat',
          tenantId: app.tenantIds.alpha,
          data: { timestamp: expect.any(Number) },
          timestamp: expect.any(Number),
        });
        const { timestamp } = data as { timestamp: number; data: { timestamp: number } };
        expect(Number.isInteger(timestamp)).toBe(true);
        expect(timestamp).toBeGreaterThanOrEqual(openedAt);
        expect(timestamp).toBeLessThanOrEqual(closedAt);
      }
      // Heartbeat frames are one data: line; the only id: lines are the starting position and events.
      const heartbeatFrames = raw.frames.filter((frame) => frame.data?.includes('"heartbeat"'));
      expect(heartbeatFrames.length).toBe(raw.heartbeats.length);
      for (const frame of heartbeatFrames) expect(frame).toEqual({ data: frame.data, comments: [] });
      expect(raw.frames.filter((frame) => frame.id !== undefined && frame.data !== undefined)).toHaveLength(
        1,
      );
      // Roughly every HEARTBEAT_MS, not more often.
      expect(raw.heartbeats.length).toBeLessThanOrEqual(Math.ceil((closedAt - openedAt) / HEARTBEAT_MS) + 1);
    });
  });

  describe('tenant isolation', () => {
    it('never shows alpha events on a beta stream', async () => {
      const alphaStream = await rawStream(cookies.member);
      const betaStream = await rawStream(cookies.betaMember, '/events?tenant=beta');
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
      for (const { data } of betaStream.heartbeats) {
        expect(data).toMatchObject({ tenantId: app.tenantIds.beta });
      }
      const [alphaBefore] = await itemsBeforeSentinel(member2, [alphaStream]);
      expect(alphaBefore).toHaveLength(run.expected.length);
    });
  });
});
