/**
 * Conformance of the stream engine with tRPC's SSE protocol and its own promises, beyond what
 * stream.test.ts (the tRPC client against both producers) and events-endpoint.test.ts (GET /events)
 * already cover: the bytes on the wire against tRPC's own producer, keep-alive and the client's
 * inactivity reconnect, the server ending streams, and back-pressure.
 */

import { randomUUID } from 'node:crypto';
import { sleep } from '@pulsestage/test-harness/poll';
import { TcpProxy } from '@pulsestage/test-harness/proxy';
import { type WireFrame, wireFrames } from '@pulsestage/test-harness/sse';
import { TRPCClientError } from '@trpc/client';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Client, failureFrom, startTestApp, type TestApp, uniqueLabel } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING, BETA_MEETING } from '../../test-support/fixture.js';
import { lastSeqOf, trimEveryEvent } from '../../test-support/outbox.js';
import {
  appendBacklog,
  type BacklogEvent,
  type ConnectionAttempt,
  type Credentials,
  credentialHeaders,
  type Instance,
  inactivityRewrite,
  itemsBeforeSentinel,
  LIVE_WAIT_MS,
  mutationScript,
  newMember,
  OpenStreams,
  openRawStream,
  type RawStream,
  reconnectionDelayElapsed,
  type SubscribeInput,
  seqRange,
  sessionCredentials,
  startInstance,
  submitQuestions,
  subscribeTrpc,
  type TrpcStream,
  trpcStreamPath,
  waitFor,
} from '../../test-support/sse.js';
import { InProcessBus } from '../bus/in-process-bus.js';
import { EventHub, type FeedListener, type FeedSubscription } from './hub.js';
import { SSE_CLIENT_OPTIONS, SSE_PING_MS } from './trpc-sse.js';

const alpha = { tenant: 'alpha' } as const;

// Several tests wait out eventsource's 3 s reconnection delay.
vi.setConfig({ testTimeout: 30_000 });

const CONNECTED_FRAME: WireFrame = [
  ['event', 'connected'],
  ['data', JSON.stringify(SSE_CLIENT_OPTIONS)],
];
const PING_FRAME: WireFrame = [
  ['event', 'ping'],
  ['data', ''],
];
const isPing = (frame: WireFrame) => frame[0]?.[0] === 'event' && frame[0][1] === 'ping';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Frames with what two servers cannot share replaced by placeholders: the UUIDs each database
 * generates (named in order of first appearance, so references between events still have to match)
 * and clock readings. Field names, their order within a frame, every other value and the key order of
 * each JSON payload are kept. Pings are left out: when they come is timing.
 */
function comparable(frames: WireFrame[], names: Map<string, string>): WireFrame[] {
  const canonical = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (UUID.test(value)) {
        if (!names.has(value)) names.set(value, `<uuid ${names.size + 1}>`);
        return names.get(value);
      }
      return ISO_TIME.test(value) ? '<iso time>' : value;
    }
    if (key === 'timestamp' && Number.isSafeInteger(value) && (value as number) > 1e12) return '<epoch ms>';
    if (Array.isArray(value)) return value.map((item) => canonical(item));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, canonical(v, k)]));
    }
    return value;
  };
  return frames
    .filter((frame) => !isPing(frame))
    .map((frame) =>
      frame.map(([field, value]): [string, string] => {
        if (field !== 'data' || value === '') return [field, value];
        try {
          return [field, JSON.stringify(canonical(JSON.parse(value)))];
        } catch {
          return [field, value];
        }
      }),
    );
}

/** The `serialized-error` payload of a frame list, parsed. */
function serializedError(frames: WireFrame[]): { message: string; code: number; data: { code: string } } {
  const frame = frames.find((f) => f[0]?.[0] === 'event' && f[0][1] === 'serialized-error');
  const data = frame?.find(([field]) => field === 'data')?.[1];
  if (data === undefined) throw new Error(`no serialized-error frame in ${JSON.stringify(frames)}`);
  return JSON.parse(data);
}

/** The lastEventId a connection attempt asked for: the Last-Event-ID header, else the link's input. */
function resumedFrom(attempt: ConnectionAttempt | undefined): string | null {
  if (!attempt) return null;
  if (attempt.lastEventId !== null) return attempt.lastEventId;
  const input = new URL(attempt.url).searchParams.get('input');
  return (JSON.parse(input ?? '{}') as { lastEventId?: string | null }).lastEventId ?? null;
}

/** Everything a test opened, closed in afterEach in reverse order. */
class Resources {
  readonly streams = new OpenStreams();
  private readonly closers: (() => unknown)[] = [];

  add<T extends { close(): unknown }>(resource: T): T {
    this.closers.push(() => resource.close());
    return resource;
  }

  async closeAll(): Promise<string[]> {
    const problems = this.streams.closeAll();
    for (const close of this.closers.splice(0).reverse()) await close();
    return problems;
  }
}

/** Holds the opening of every tenant room until released: a slow first read of the outbox. */
class GatedHub extends EventHub {
  /** How many subscriptions reached the point of opening a room. */
  waiting = 0;
  private release: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  open(): void {
    this.release();
  }

  override async listen(tenantId: string, listener: FeedListener): Promise<FeedSubscription> {
    this.waiting += 1;
    await this.gate;
    return super.listen(tenantId, listener);
  }
}

/** A question:created as the outbox stores it, with a body of about 1.9 KB: ~2 KB per frame. */
function largeQuestion(): BacklogEvent {
  return {
    type: 'question:created',
    data: {
      id: randomUUID(),
      body: `${uniqueLabel('large')} ${'lorem ipsum '.repeat(158)}`,
      teamId: null,
      status: 'OPEN',
      upvoteCount: 0,
      submittedAt: new Date().toISOString(),
    },
  };
}

describe.each(DIALECTS)('the stream engine on %s', (dialect) => {
  /** Served by the stream engine (the default). */
  let app: TestApp;
  /** Served by tRPC's own producer over the same engine (TRPC_STREAMS=trpc): the reference. */
  let reference: TestApp;
  let member2: Client;
  let admin: Client;
  let cookies: Record<'member' | 'member2' | 'moderator' | 'betaMember', Credentials>;
  const open = new Resources();

  beforeAll(async () => {
    [app, reference] = await Promise.all([
      startTestApp(dialect),
      startTestApp(dialect, { trpcStreams: 'trpc' }),
    ]);
    [member2, admin] = await app.clients('member2', 'admin');
    cookies = await sessionCredentials(app, 'member', 'member2', 'moderator', 'betaMember');
  });
  afterEach(async () => {
    expect(await open.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(async () => {
    await app?.close();
    await reference?.close();
  });

  const lastSeq = (on: TestApp = app) => lastSeqOf(on, on.tenantIds.alpha);

  /** A raw HTTP read of a stream that answered 200 and wrote its first frame. */
  async function rawStream(
    server: { url: string },
    path: string,
    headers: Record<string, string>,
  ): Promise<RawStream> {
    const stream = open.streams.add(await openRawStream(server, path, headers));
    expect(stream.status, stream.body).toBe(200);
    await waitFor(() => stream.frames.length > 0, 5000, 'the first frame');
    return stream;
  }

  async function received(
    stream: RawStream | TrpcStream,
    count: number,
    timeoutMs = LIVE_WAIT_MS,
  ): Promise<void> {
    const errors = 'errors' in stream ? stream.errors : [];
    await waitFor(() => stream.items.length >= count || errors.length > 0, timeoutMs, `${count} events`);
    expect(errors).toEqual([]);
    expect(stream.items).toHaveLength(count);
  }

  /** A tRPC client subscription (httpSubscriptionLink over eventsource) that has started. */
  async function started(
    server: { url: string },
    credentials: Credentials,
    input: SubscribeInput = alpha,
  ): Promise<TrpcStream> {
    const stream = open.streams.add(subscribeTrpc(server, credentials, input));
    await waitFor(() => stream.started > 0 || stream.errors.length > 0, 5000, 'the subscription to start');
    expect(stream.errors).toEqual([]);
    return stream;
  }

  async function refusal(stream: TrpcStream, timeoutMs = 8000): Promise<string> {
    await waitFor(() => stream.errors.length > 0, timeoutMs, 'the subscription to fail');
    expect(stream.errors).toHaveLength(1);
    expect(stream.errors[0]).toBeInstanceOf(TRPCClientError);
    return failureFrom(stream.errors[0]).code;
  }

  const instance = async (options: Parameters<typeof startInstance>[1] = {}): Promise<Instance> =>
    open.add(await startInstance(app, options));
  const proxy = async (...args: Parameters<typeof TcpProxy.start>): Promise<TcpProxy> =>
    open.add(await TcpProxy.start(...args));

  describe("the wire, against tRPC's own producer", () => {
    // Both apps get the same mutations in the same order, so their sequence numbers are the same.
    // Only frames are compared: the headers differ harmlessly (the engine adds `charset=utf-8`, tRPC
    // adds `vary`), and tRPC ends every frame with one more blank line, which a parser skips.
    const sides = () => [
      { name: 'engine', app },
      { name: 'tRPC', app: reference },
    ];

    it('writes the same frames for the same events: live, with versions, backfilled and resynced', async () => {
      const label = uniqueLabel('wire');
      const bodies: Record<string, Record<string, string>> = {};
      for (const { name, app: side } of sides()) {
        const [author, mod] = await side.clients('member2', 'moderator');
        const member = { cookie: await side.cookieOf('member') };
        const base = await lastSeq(side);
        const live = await rawStream(side, trpcStreamPath(alpha), credentialHeaders(member));
        const v2 = await rawStream(
          side,
          trpcStreamPath({ ...alpha, versions: { 'question:answered': 2 } }),
          credentialHeaders({ cookie: await side.cookieOf('moderator') }),
        );
        const run = await mutationScript(side, { author, moderator: mod }, label);
        await received(live, run.expected.length);
        await received(v2, run.expected.length);
        const backfilled = await rawStream(
          side,
          trpcStreamPath({ ...alpha, lastEventId: String(base) }),
          credentialHeaders(member),
        );
        const byHeader = await rawStream(side, trpcStreamPath(alpha), {
          ...credentialHeaders(member),
          'last-event-id': String(base + 3),
        });
        await received(backfilled, run.expected.length);
        await received(byHeader, run.expected.length - 3);
        expect(await trimEveryEvent(side.db)).toBeGreaterThan(0);
        const resynced = await rawStream(
          side,
          trpcStreamPath({ ...alpha, lastEventId: String(base) }),
          credentialHeaders(member),
        );
        await received(resynced, 1);
        // Every stream's body is complete once a later event has reached them all.
        await itemsBeforeSentinel(author, [live, v2, backfilled, byHeader, resynced], {
          body: `${label} sentinel`,
        });
        bodies[name] = {
          live: live.body,
          v2: v2.body,
          backfilled: backfilled.body,
          byHeader: byHeader.body,
          resynced: resynced.body,
        };

        if (name === 'engine') {
          // The engine's own framing, spelled out: connected first, then `data:` before `id:`.
          for (const body of Object.values(bodies[name] ?? {})) {
            const [first, ...rest] = wireFrames(body);
            expect(first).toEqual(CONNECTED_FRAME);
            for (const frame of rest) {
              expect(frame.map(([field]) => field)).toEqual(['data', 'id']);
            }
          }
          expect(
            wireFrames(live.body)
              .slice(1)
              .map((frame) => frame[1]?.[1]),
          ).toEqual(seqRange(base + 1, base + run.expected.length + 1));
        }
      }
      const engineNames = new Map<string, string>();
      const trpcNames = new Map<string, string>();
      for (const kind of ['live', 'v2', 'backfilled', 'byHeader', 'resynced']) {
        const engine = comparable(wireFrames(bodies.engine?.[kind] ?? ''), engineNames);
        const trpc = comparable(wireFrames(bodies.tRPC?.[kind] ?? ''), trpcNames);
        expect(engine.length, kind).toBeGreaterThan(1);
        expect(engine, kind).toEqual(trpc);
      }
    });

    it('refuses a subscription with the same serialized-error as tRPC, whatever the reason', async () => {
      const cases: { why: string; as: Caller; input: unknown; code: string }[] = [
        { why: 'signed out', as: 'anonymous', input: alpha, code: 'UNAUTHORIZED' },
        { why: 'an unknown bearer token', as: 'bad token', input: alpha, code: 'UNAUTHORIZED' },
        { why: 'a member of another tenant', as: 'betaMember', input: alpha, code: 'FORBIDDEN' },
        { why: 'an unknown tenant', as: 'member', input: { tenant: 'no-such-org' }, code: 'NOT_FOUND' },
        {
          why: 'a tenant that is no slug',
          as: 'member',
          input: { tenant: 'Not A Slug' },
          code: 'BAD_REQUEST',
        },
        {
          why: 'a malformed lastEventId',
          as: 'member',
          input: { ...alpha, lastEventId: 'abc' },
          code: 'BAD_REQUEST',
        },
        {
          why: 'a lastEventId ahead of the stream',
          as: 'member',
          input: { ...alpha, lastEventId: 'ahead' },
          code: 'BAD_REQUEST',
        },
        {
          why: 'a lastEventId longer than the input allows',
          as: 'member',
          input: { ...alpha, lastEventId: '1'.repeat(40) },
          code: 'BAD_REQUEST',
        },
        {
          why: 'an unknown event type in versions',
          as: 'member',
          input: { ...alpha, versions: { 'question:exploded': 1 } },
          code: 'BAD_REQUEST',
        },
        {
          why: 'an unknown version in versions',
          as: 'member',
          input: { ...alpha, versions: { 'question:answered': 4 } },
          code: 'BAD_REQUEST',
        },
        {
          why: 'a meeting of another tenant',
          as: 'member',
          input: { ...alpha, meetingId: BETA_MEETING.meetingId },
          code: 'NOT_FOUND',
        },
        {
          why: 'a meeting id that is no id',
          as: 'member',
          input: { ...alpha, meetingId: 'x' },
          code: 'BAD_REQUEST',
        },
      ];
      await expectSameRefusals(cases);
      // A malformed Last-Event-ID header, as an EventSource would resend it.
      await expectSameRefusals(
        [{ why: 'a malformed Last-Event-ID header', as: 'member', input: alpha, code: 'BAD_REQUEST' }],
        { 'last-event-id': 'abc' },
      );
    });

    // tRPC's procedure (tenantProcedure) checks who is asking before it parses the rest of its input,
    // so a caller without access learns that first, whatever else is wrong with the request.
    it('refuses a caller without access by who they are before looking at the rest of the input, as tRPC does', async () => {
      await expectSameRefusals([
        {
          why: 'a member of another tenant, with an unknown event type in versions',
          as: 'betaMember',
          input: { ...alpha, versions: { 'question:exploded': 1 } },
          code: 'FORBIDDEN',
        },
        {
          why: 'signed out, with an unknown version in versions',
          as: 'anonymous',
          input: { ...alpha, versions: { 'question:answered': 4 } },
          code: 'UNAUTHORIZED',
        },
        {
          why: 'signed out, with a lastEventId longer than the input allows',
          as: 'anonymous',
          input: { ...alpha, lastEventId: '1'.repeat(40) },
          code: 'UNAUTHORIZED',
        },
      ]);
    });

    it('ends a stream whose access ends with the same frames as tRPC', async () => {
      const bodies: string[] = [];
      for (const { app: side } of sides()) {
        const sideAdmin = await side.as('admin');
        const leaver = await newMember(side, sideAdmin);
        const stream = await rawStream(
          side,
          trpcStreamPath(alpha),
          credentialHeaders({ cookie: leaver.cookie }),
        );
        await submitQuestions(await side.as('member2'), 1, 'before the removal');
        await received(stream, 1);
        await sideAdmin.tenant.removeMember.mutate({ ...alpha, userId: leaver.userId });
        await waitFor(() => stream.ended, 3000, 'the stream to end');
        bodies.push(stream.body);
      }
      const [engine, trpc] = bodies.map((body) => comparable(wireFrames(body), new Map()));
      expect(engine?.map((frame) => frame.map(([field]) => field))).toEqual([
        ['event', 'data'],
        ['data', 'id'],
        ['event', 'data'],
      ]);
      expect(serializedError(wireFrames(bodies[0] ?? '')).data.code).toBe('FORBIDDEN');
      expect(engine).toEqual(trpc);
    });

    type Caller = 'member' | 'betaMember' | 'anonymous' | 'bad token';

    /**
     * Opens each case on both servers over raw HTTP and compares every frame of the two answers; all
     * cases are checked before the one assertion, so a failure lists every case that differs.
     */
    async function expectSameRefusals(
      cases: { why: string; as: Caller; input: unknown; code: string }[],
      extraHeaders: Record<string, string> = {},
    ): Promise<void> {
      const actual: unknown[] = [];
      const expected: unknown[] = [];
      for (const { why, as, input, code } of cases) {
        const frames: WireFrame[][] = [];
        for (const { app: side } of sides()) {
          const credentials: Credentials =
            as === 'anonymous'
              ? {}
              : as === 'bad token'
                ? { bearer: 'pst_not-a-token' }
                : { cookie: await side.cookieOf(as) };
          const resolved = JSON.parse(
            JSON.stringify(input).replace('"ahead"', `"${(await lastSeq(side)) + 50}"`),
          ) as SubscribeInput;
          const stream = await rawStream(side, trpcStreamPath(resolved), {
            ...credentialHeaders(credentials),
            ...extraHeaders,
          });
          await waitFor(() => stream.ended, 5000, `the refusal of ${why} to end the response`);
          frames.push(wireFrames(stream.body));
        }
        const [engine = [], trpc = []] = frames;
        // tRPC's own answer is the reference; the code it gives is the one the case expects.
        expect(serializedError(trpc).data.code, why).toBe(code);
        actual.push({ why, frames: comparable(engine, new Map()) });
        expected.push({ why, frames: comparable(trpc, new Map()) });
        expect(engine[0], why).toEqual(CONNECTED_FRAME);
        expect(
          engine.map((frame) => frame.map(([field]) => field)),
          why,
        ).toEqual([
          ['event', 'data'],
          ['event', 'data'],
        ]);
      }
      expect(actual).toEqual(expected);
    }
  });

  describe('keep-alive and the client’s inactivity timeout', () => {
    // What is proven here. The tRPC client takes reconnectAfterInactivityMs only from the server's
    // `connected` frame (40 s in production, too long to wait for in a test). So: (1) the engine's
    // connected frame carries the production value and its ping timer writes `event: ping` frames
    // (an instance built with trpcPingMs 100); (2) through a TCP proxy that rewrites that value to
    // 600 ms on the first connection only, the real client stays on one connection while pings keep
    // coming, and once the proxy silences the stream (bytes still read from the server, never passed
    // on, socket open) the client gives up on it by itself, reconnects with its last id and misses
    // nothing. The 40 s production value works the same way, with SSE_PING_MS (15 s) below it.

    it('sends `event: ping` frames from its timer to every tRPC stream, and none to GET /events', async () => {
      expect(SSE_PING_MS).toBeLessThan(SSE_CLIENT_OPTIONS.reconnectAfterInactivityMs);
      expect(SSE_CLIENT_OPTIONS).toEqual({ reconnectAfterInactivityMs: 40_000 });
      const pinging = await instance({ trpcPingMs: 100 });
      const stream = await rawStream(pinging, trpcStreamPath(alpha), credentialHeaders(cookies.member));
      const beta = await rawStream(
        pinging,
        trpcStreamPath({ tenant: 'beta' }),
        credentialHeaders(cookies.betaMember),
      );
      const plain = await rawStream(pinging, '/events?tenant=alpha', credentialHeaders(cookies.member));
      const pings = (raw: RawStream) => wireFrames(raw.body).filter(isPing).length;
      await waitFor(() => pings(stream) >= 3 && pings(beta) >= 3, 3000, 'three pings on each tRPC stream');
      const base = await lastSeq();
      await submitQuestions(member2, 1);
      await received(stream, 1);
      const before = pings(stream);
      await waitFor(() => pings(stream) >= before + 2, 3000, 'pings after the event');

      const frames = wireFrames(stream.body);
      expect(frames[0]).toEqual(CONNECTED_FRAME);
      for (const frame of frames.slice(1)) {
        if (isPing(frame)) expect(frame).toEqual(PING_FRAME);
        else
          expect(frame).toEqual([
            ['data', expect.any(String)],
            ['id', String(base + 1)],
          ]);
      }
      expect(stream.items.map((item) => item.id)).toEqual([String(base + 1)]);
      expect(plain.frames.some((frame) => frame.event !== undefined)).toBe(false);
      expect(stream.ended || beta.ended || plain.ended).toBe(false);
    });

    it('keeps a pinged tRPC client on one connection, and reconnects it with nothing lost after silence', async () => {
      const pinging = await instance({ trpcPingMs: 100 });
      const INACTIVITY_MS = 600;
      const wire = await proxy(pinging.url, {
        rewriteOpening: (index) => (index === 0 ? inactivityRewrite(INACTIVITY_MS) : undefined),
      });
      const author = pinging.client(cookies.member2);
      const stream = await started({ url: wire.url }, cookies.member);
      const base = await lastSeq();
      await submitQuestions(author, 2);
      await received(stream, 2);

      // Idle for more than twice the inactivity timeout: the pings alone keep the connection.
      await sleep(3 * INACTIVITY_MS);
      expect(stream.attempts).toHaveLength(1);
      expect(wire.connections).toHaveLength(1);

      // Silence: the server keeps writing (the events below, pings), the client hears nothing.
      const [first] = wire.connections;
      first?.stall();
      await submitQuestions(author, 3);
      await waitFor(
        () => stream.items.length >= 5,
        3 * INACTIVITY_MS + 3000,
        'the events missed while silent',
      );
      await submitQuestions(author, 1);
      await received(stream, 6);

      expect(stream.items.map((item) => item.id)).toEqual(seqRange(base + 1, base + 6));
      expect(stream.attempts).toHaveLength(2);
      expect(resumedFrom(stream.attempts[1])).toBe(String(base + 2));
      // The client dropped the silent connection itself; neither the server nor the proxy closed it.
      expect(first?.closedBy).toBe('client');
      // The server had written (at least the first of) the missed events on it: lost in transit.
      expect(first?.held).toContain(`id: ${base + 3}\n`);
      expect(stream.errors).toEqual([]);
    });
  });

  describe('the server ending streams', () => {
    it('engine.close() cuts every stream; the tRPC client resumes on another instance with nothing lost', async () => {
      const first = await instance();
      const second = await instance();
      const balancer = await proxy(first.url);
      const stream = await started({ url: balancer.url }, cookies.member, {
        ...alpha,
        versions: { 'question:answered': 2 },
      });
      const base = await lastSeq();
      const [question] = await submitQuestions(first.client(cookies.member2), 2);
      await received(stream, 2);

      // The first instance stops as main.ts stops it: no new connections, then every stream is cut.
      first.server.close();
      first.engine.close();
      balancer.retarget(second.url);
      await waitFor(() => balancer.connections[0]?.closedBy, 3000, 'the stream to be cut');
      expect(balancer.connections[0]?.closedBy).toBe('server');

      const writer = second.client(cookies.member2);
      await submitQuestions(writer, 2);
      await second.client(cookies.moderator).question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: question?.id ?? '',
        responseText: 'Answered while you were away',
      });
      await waitFor(() => stream.items.length >= 5, 8000, 'the missed events after reconnecting');
      await submitQuestions(writer, 1);
      await received(stream, 6);

      expect(stream.items.map((item) => item.id)).toEqual(seqRange(base + 1, base + 6));
      expect(stream.attempts).toHaveLength(2);
      expect(resumedFrom(stream.attempts[1])).toBe(String(base + 2));
      expect(balancer.connections).toHaveLength(2);
      // The resumed stream kept the versions the subscription asked for.
      expect(stream.items[4]?.event).toMatchObject({
        type: 'question:answered.v2',
        data: { id: question?.id, responseText: 'Answered while you were away' },
      });
    });

    it('ends with a typed error, and no more attempts, a client whose access ended while it was away', async () => {
      const removed = await newMember(app, admin);
      const signedOut = await newMember(app, admin);
      const removedStream = await started(app, { cookie: removed.cookie });
      const signedOutStream = await started(app, { cookie: signedOut.cookie });
      const base = await lastSeq();
      await submitQuestions(member2, 1);
      await received(removedStream, 1);
      await received(signedOutStream, 1);

      app.dropStreams();
      await admin.tenant.removeMember.mutate({ ...alpha, userId: removed.userId });
      expect((await app.raw('POST', 'auth.signOut', undefined, { cookie: signedOut.cookie })).status).toBe(
        200,
      );

      // The reconnection (3 s later) is refused before the stream starts.
      expect(await refusal(removedStream)).toBe('FORBIDDEN');
      expect(await refusal(signedOutStream)).toBe('UNAUTHORIZED');
      await reconnectionDelayElapsed(app, await started(app, cookies.member));
      for (const stream of [removedStream, signedOutStream]) {
        expect(stream.attempts).toHaveLength(2);
        expect(resumedFrom(stream.attempts[1])).toBe(String(base + 1));
        expect(stream.errors).toHaveLength(1);
        expect(stream.items.map((item) => item.id)).toEqual([String(base + 1)]);
      }
    });
  });

  describe('opening a stream', () => {
    // A tRPC client treats `connected` (onStarted) as "subscribed": anything committed after it must
    // reach the stream. The hub below holds the first read of the outbox for the tenant's room, as a
    // slow database would. tRPC's own producer writes `connected` only once the subscriber is in
    // the room, and the engine must not write it any earlier.
    it.each([
      { producer: 'engine' as const, writer: 'the engine' },
      { producer: 'trpc' as const, writer: "tRPC's own producer" },
    ])(
      'delivers every event committed after $writer wrote `connected`, however slowly the room opens',
      async ({ producer }) => {
        const hub = new GatedHub(app.db, new InProcessBus(), {
          pollIntervalMs: 200,
          accessSweepMs: 1000,
          log: () => {},
        });
        const gated = await instance({ hub, trpcStreams: producer });
        const author = gated.client(cookies.member2);
        let stream: RawStream | undefined;
        const opening = openRawStream(gated, trpcStreamPath(alpha), credentialHeaders(cookies.member)).then(
          (opened) => {
            stream = open.streams.add(opened);
            return opened;
          },
        );
        const sawConnected = () => stream?.frames.some((frame) => frame.event === 'connected') ?? false;
        await waitFor(() => hub.waiting > 0, 5000, 'the subscription to open the room');
        await sleep(300);
        const afterConnected: string[] = [];
        if (sawConnected()) {
          const [early] = await submitQuestions(
            author,
            1,
            uniqueLabel('after connected, before the room opened'),
          );
          afterConnected.push(early?.id ?? '');
        }
        hub.open();
        const opened = await opening;
        await waitFor(sawConnected, 5000, 'the connected frame');
        const [late] = await submitQuestions(author, 1, uniqueLabel('after the room opened'));
        afterConnected.push(late?.id ?? '');
        const ids = () => opened.items.map((item) => (item.event.data as { id?: string }).id);
        await waitFor(() => ids().includes(late?.id), 5000, 'the last question');
        expect(ids()).toEqual(afterConnected);
      },
    );
  });
});

// Back-pressure lives in HttpSink and the engine's dispatch, after the database has handed over the
// events, so these run on SQLite only: PostgreSQL would add only time. SQLite is also the sharper
// case, since its reads finish without yielding to I/O.
describe('back-pressure on sqlite', () => {
  const BOUND = 64 * 1024;
  let app: TestApp;
  let member2: Client;
  let cookies: Record<'member', Credentials>;
  const open = new Resources();

  beforeAll(async () => {
    app = await startTestApp('sqlite', { maxBufferedBytes: BOUND });
    member2 = await app.as('member2');
    cookies = await sessionCredentials(app, 'member');
  });
  afterEach(async () => {
    expect(await open.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app?.close());

  const lastSeq = () => lastSeqOf(app, app.tenantIds.alpha);

  async function rawStream(
    server: { url: string },
    headers: Record<string, string> = {},
  ): Promise<RawStream> {
    const stream = open.streams.add(
      await openRawStream(server, trpcStreamPath(alpha), {
        ...credentialHeaders(cookies.member),
        ...headers,
      }),
    );
    expect(stream.status).toBe(200);
    await waitFor(() => stream.frames.length > 0, 5000, 'the connected frame');
    return stream;
  }

  const idsOf = (stream: RawStream) => stream.items.map((item) => item.id);

  it('cuts a consumer that stops reading, not the one that reads, and the cut one resumes with nothing lost', async () => {
    // startTestApp's app has the same bound but hides its server; this instance (same database, same
    // bound) lets the test see the server's end of each socket, to tell "stalled" from "cut".
    const server = open.add(await startInstance(app, { maxBufferedBytes: BOUND }));
    const author = server.client({ cookie: await app.cookieOf('member2') });
    const fast = await rawStream(server);
    const slow = await rawStream(server);
    slow.pause();
    const slowSocket = server.socketOf(slow.localPort);
    expect(slowSocket).toBeDefined();
    const base = await lastSeq();
    const fastHasAll = async (what: string) => {
      const last = await lastSeq();
      await waitFor(() => fast.items.length >= last - base, 10_000, what);
      expect(fast.items.at(-1)?.id).toBe(String(last));
    };

    // 1. Fill the kernel's buffers of the slow connection in steps smaller than the bound, until
    //    unsent data starts to queue in the server process. On loopback the kernel takes megabytes
    //    (about 4 MB here) before that, so the filler is appended to the outbox directly: as
    //    thousands of real submits it would take far longer and prove nothing more.
    for (let step = 0; (slowSocket?.writableLength ?? 0) === 0 && !slowSocket?.destroyed; step++) {
      expect(step, 'the slow socket never backed up').toBeLessThan(600);
      await appendBacklog(app, 24, largeQuestion());
      await server.hub.announce(app.tenantIds.alpha);
      await fastHasAll('the fast reader to take each step');
    }
    expect(slowSocket?.destroyed).toBe(false);

    // 2. The slow consumer is stalled but still connected: real mutations keep reaching the fast one.
    let deliveredWhileStalled = 0;
    for (let i = 0; !slowSocket?.destroyed; i++) {
      expect(i, 'the slow consumer was never cut').toBeLessThan(200);
      await author.question.submit.mutate({
        ...ALPHA_MEETING,
        body: `${uniqueLabel('stalled')} ${'x'.repeat(1900)}`,
      });
      await fastHasAll('the fast reader to get the question');
      if (!slowSocket?.destroyed) deliveredWhileStalled += 1;
    }
    expect(deliveredWhileStalled).toBeGreaterThan(0);

    // 3. After the cut, the fast one goes on.
    await submitQuestions(author, 3, 'after the cut');
    await fastHasAll('the events after the cut');
    const last = await lastSeq();
    expect(idsOf(fast)).toEqual(seqRange(base + 1, last));
    expect(fast.ended).toBe(false);

    // 4. The slow one reads what reached it before the cut, sees the end, and resumes from there.
    slow.resume();
    await waitFor(() => slow.ended, 10_000, 'the slow connection to end');
    const lastSeen = Number(slow.items.at(-1)?.id ?? base);
    expect(idsOf(slow)).toEqual(seqRange(base + 1, lastSeen));
    expect(lastSeen).toBeLessThan(last);
    const resumed = await rawStream(server, { 'last-event-id': String(lastSeen) });
    await waitFor(() => resumed.items.length >= last - lastSeen, 10_000, 'the rest after resuming');
    const [live] = await submitQuestions(author, 1, 'after resuming');
    await waitFor(() => resumed.items.length > last - lastSeen, 5000, 'the live event after resuming');
    expect(idsOf(resumed)).toEqual(seqRange(lastSeen + 1, last + 1));
    expect(resumed.items.at(-1)?.event).toMatchObject({ type: 'question:created', data: { id: live?.id } });
  });

  // The engine writes a whole batch at once (and Node corks it until the next tick), so a reader's
  // buffer may pass the bound for a moment without the reader being slow: only what earlier writes
  // left unsent may count against it.
  it('does not cut a reader that keeps up when one batch of events is bigger than the bound', async () => {
    const reader = await rawStream(app);
    const base = await lastSeq();
    await appendBacklog(app, 100, largeQuestion());
    await app.hub.announce(app.tenantIds.alpha);
    await waitFor(() => reader.items.length >= 100 || reader.ended, 5000, 'the batch');
    expect(reader.ended).toBe(false);
    expect(idsOf(reader)).toEqual(seqRange(base + 1, base + 100));
  });

  // The same for a backfill: were a client resuming over a backlog bigger than the bound cut, it
  // would get nothing, resume from the same id and be cut again, forever.
  it('lets a tRPC client resume over a backlog bigger than the bound', async () => {
    const base = await lastSeq();
    await appendBacklog(app, 100, largeQuestion());
    await submitQuestions(member2, 1, 'after the backlog');
    const stream = open.streams.add(
      subscribeTrpc(app, cookies.member, { ...alpha, lastEventId: String(base) }),
    );
    await waitFor(() => stream.items.length >= 101 || stream.errors.length > 0, 7000, 'the backlog').catch(
      () => {},
    );
    expect(stream.errors).toEqual([]);
    expect({ received: stream.items.length, attempts: stream.attempts.length }).toEqual({
      received: 101,
      attempts: 1,
    });
    expect(stream.items.map((item) => item.id)).toEqual(seqRange(base + 1, base + 101));
  });
});
