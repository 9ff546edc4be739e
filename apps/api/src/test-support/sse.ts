import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { type Question, type StreamEvent, streamEventSchema } from '@pulsestage/contracts';
import { sleep } from '@pulsestage/test-harness/poll';
import type { OpeningRewrite } from '@pulsestage/test-harness/proxy';
import { openEventStream, type RawEventStream } from '@pulsestage/test-harness/sse';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import { sql } from 'kysely';
import { expect, vi } from 'vitest';
import type { StreamEngine } from '../events/stream/engine.js';
import type { EventHub } from '../events/stream/hub.js';
import type { AppRouter } from '../router.js';
import {
  type Client,
  type NewAccount,
  startTestServer,
  type TestApp,
  type TestAppOptions,
  uniqueLabel,
} from './app.js';
import { type AccountName, ALPHA_MEETING } from './fixture.js';
import { lastSeqOf } from './outbox.js';

/**
 * How long a test waits for something live (an event, a refusal, a stream's end) before it fails. A
 * bound, not a pace: waits end as soon as the condition holds; on a loaded two-core machine running
 * other suites, a delivery that takes tens of milliseconds alone can take seconds.
 */
export const LIVE_WAIT_MS = 15_000;

/**
 * Waits through `vi.waitFor` until `probe` returns something truthy, and returns that; fails naming
 * `what` after `timeoutMs`.
 */
export function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = LIVE_WAIT_MS,
  what = 'the condition',
): Promise<NonNullable<T>> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (!value) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
      return value;
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

// ---------------------------------------------------------------------------------------------
// Credentials and what every stream client records
// ---------------------------------------------------------------------------------------------

export interface Credentials {
  cookie?: string;
  bearer?: string;
}

/** The session credentials of fixture accounts, signing each in on first use. */
export async function sessionCredentials<Name extends AccountName>(
  app: TestApp,
  ...accounts: Name[]
): Promise<Record<Name, Credentials>> {
  const credentials = {} as Record<Name, Credentials>;
  for (const account of accounts) credentials[account] = { cookie: await app.cookieOf(account) };
  return credentials;
}

export function credentialHeaders(credentials: Credentials): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credentials.cookie) headers.cookie = credentials.cookie;
  if (credentials.bearer) headers.authorization = `Bearer ${credentials.bearer}`;
  return headers;
}

/** One HTTP request an EventSource made: the first connection or a reconnection. */
export interface ConnectionAttempt {
  url: string;
  lastEventId: string | null;
}

/** eventsource v4's `fetch` option: adds the credentials and logs every connection attempt. */
function credentialFetch(credentials: Credentials, attempts: ConnectionAttempt[]): FetchLike {
  return (url, init) => {
    attempts.push({ url: String(url), lastEventId: init.headers['Last-Event-ID'] ?? null });
    return fetch(url, { ...init, headers: { ...init.headers, ...credentialHeaders(credentials) } });
  };
}

/** An event as a subscriber received it: the SSE id and the validated envelope. */
export interface Received {
  id: string;
  event: StreamEvent;
}

export interface CollectedStream {
  readonly items: Received[];
  /** What failed validation: an envelope off its published schema, a missing or malformed id. */
  readonly problems: string[];
  close(): void;
}

/**
 * Records one received event. Stream callbacks run outside the test's call stack, so a bad
 * payload is noted in `problems` (checked when the stream is closed) instead of thrown.
 */
function accept(
  stream: Pick<CollectedStream, 'items' | 'problems'>,
  id: string | undefined,
  data: unknown,
): void {
  const parsed = streamEventSchema.safeParse(data);
  if (!parsed.success) {
    stream.problems.push(`invalid envelope ${JSON.stringify(data)}: ${parsed.error.message}`);
    return;
  }
  if (!id || !/^\d+$/.test(id)) stream.problems.push(`event without a sequence id: ${JSON.stringify(data)}`);
  stream.items.push({ id: id ?? '', event: parsed.data });
}

/** Closes every stream a test opened and hands back what their payload checks found. */
export class OpenStreams {
  private readonly streams = new Set<{ close(): void; problems: string[] }>();

  add<S extends { close(): void; problems: string[] }>(stream: S): S {
    this.streams.add(stream);
    return stream;
  }

  closeAll(): string[] {
    const problems: string[] = [];
    for (const stream of this.streams) {
      stream.close();
      problems.push(...stream.problems);
    }
    this.streams.clear();
    return problems;
  }
}

// ---------------------------------------------------------------------------------------------
// The three clients: tRPC httpSubscriptionLink, a plain EventSource, raw HTTP
// ---------------------------------------------------------------------------------------------

export type SubscribeInput = Parameters<Client['events']['subscribe']['subscribe']>[0];

export interface TrpcStream extends CollectedStream {
  readonly attempts: ConnectionAttempt[];
  /** Errors handed to `onError` (a TRPCClientError for a refusal). */
  readonly errors: unknown[];
  /** How many times `onStarted` was called. */
  started: number;
}

/** `events.subscribe` through the real tRPC client: splitLink → httpSubscriptionLink over eventsource v4. */
export function subscribeTrpc(
  app: Pick<TestApp, 'url'>,
  credentials: Credentials,
  input: SubscribeInput,
): TrpcStream {
  const attempts: ConnectionAttempt[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${app.url}/trpc`,
          EventSource,
          eventSourceOptions: { fetch: credentialFetch(credentials, attempts) },
        }),
        false: httpLink({ url: `${app.url}/trpc`, headers: () => credentialHeaders(credentials) }),
      }),
    ],
  });
  const stream: TrpcStream = {
    items: [],
    problems: [],
    attempts,
    errors: [],
    started: 0,
    close: () => subscription.unsubscribe(),
  };
  const subscription = client.events.subscribe.subscribe(input, {
    onStarted: () => {
      stream.started += 1;
    },
    // Presence comes untracked: the envelope itself, which `accept` reports for its missing id.
    onData: (received) =>
      'id' in received ? accept(stream, received.id, received.data) : accept(stream, undefined, received),
    onError: (error) => {
      stream.errors.push(error);
    },
  });
  return stream;
}

/**
 * Waits out eventsource's reconnection delay, measured instead of assumed: `control`, a started stream
 * of `app`, is dropped now (with every other stream of `app`) and waited on until it reconnects. A
 * client that was due to retry since before then has retried by the time this resolves.
 */
export async function reconnectionDelayElapsed(
  app: Pick<TestApp, 'dropStreams'>,
  control: TrpcStream,
): Promise<void> {
  const attempts = control.attempts.length;
  app.dropStreams();
  await waitFor(() => control.attempts.length > attempts, 10_000, 'the control stream to reconnect');
}

export interface EventSourceStream extends CollectedStream {
  readonly attempts: ConnectionAttempt[];
  /** Heartbeat messages, with the `lastEventId` the EventSource reported for each. */
  readonly heartbeats: { lastEventId: string; data: unknown }[];
  readonly errors: { code: number | undefined; message: string | undefined; readyState: number }[];
  opens: number;
  readonly source: EventSource;
}

/** A plain EventSource (eventsource v4) on `path`, such as `/events?tenant=alpha`. */
export function openEventSource(app: TestApp, path: string, credentials: Credentials): EventSourceStream {
  const attempts: ConnectionAttempt[] = [];
  const source = new EventSource(`${app.url}${path}`, { fetch: credentialFetch(credentials, attempts) });
  const stream: EventSourceStream = {
    items: [],
    problems: [],
    attempts,
    heartbeats: [],
    errors: [],
    opens: 0,
    source,
    close: () => source.close(),
  };
  source.addEventListener('open', () => {
    stream.opens += 1;
  });
  source.addEventListener('error', (event) => {
    stream.errors.push({ code: event.code, message: event.message, readyState: source.readyState });
  });
  source.addEventListener('message', (message) => {
    let data: unknown;
    try {
      data = JSON.parse(message.data);
    } catch {
      stream.problems.push(`data that is not JSON: ${message.data}`);
      return;
    }
    if ((data as { type?: unknown }).type === 'heartbeat') {
      stream.heartbeats.push({ lastEventId: message.lastEventId, data });
    } else {
      accept(stream, message.lastEventId, data);
    }
  });
  return stream;
}

export interface RawStream extends RawEventStream, CollectedStream {
  /** Heartbeat frames: whether each carried an `id:` line, and its JSON. */
  readonly heartbeats: { hadId: boolean; data: unknown }[];
}

/**
 * A GET on `path` over node:http that checks each message as it arrives: the plain stream of `/events`,
 * or tRPC's framing of `/trpc/events.subscribe`.
 */
export async function openRawStream(
  app: Pick<TestApp, 'url'>,
  path: string,
  headers: Record<string, string>,
): Promise<RawStream> {
  const received: Omit<RawStream, keyof RawEventStream> = { items: [], problems: [], heartbeats: [] };
  const stream = await openEventStream(`${app.url}${path}`, headers, {
    onMessage: ({ id, data }) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        received.problems.push(`data that is not JSON: ${data}`);
        return;
      }
      if ((parsed as { type?: unknown }).type === 'heartbeat') {
        received.heartbeats.push({ hadId: id !== undefined, data: parsed });
      } else {
        accept(received, id, parsed);
      }
    },
  });
  return Object.assign(stream, received);
}

/** A plain request that is expected to be answered (not streamed): status, content type and JSON body. */
export async function requestJson(
  app: TestApp,
  path: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const response = await fetch(`${app.url}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: the assertion on the body shows the text
  }
  return { status: response.status, contentType: response.headers.get('content-type'), body };
}

// ---------------------------------------------------------------------------------------------
// Mutations that produce known events, and how to compare what arrived
// ---------------------------------------------------------------------------------------------

const alpha = { tenant: 'alpha' } as const;

/** What a subscriber should receive for one event, timestamp aside. */
interface Expected {
  type: string;
  tenantId: string;
  data: unknown;
}

/** An event as the outbox stores it (the latest version of its type). */
export interface BacklogEvent {
  type: string;
  data: unknown;
}

/**
 * Appends `count` copies of `event` (by default `question:frozen`) to alpha's outbox in one
 * transaction, as appendEvent would, without notifying anyone: a long backlog makes a resumed
 * stream's backfill span several outbox pages, which widens the window in which live changes race
 * with it; large events fill a socket's buffers quickly.
 */
export async function appendBacklog(
  app: TestApp,
  count: number,
  event: BacklogEvent = { type: 'question:frozen', data: { frozen: false } },
): Promise<void> {
  const tenantId = app.tenantIds.alpha;
  await app.db.transaction().execute(async (trx) => {
    const { lastSeq } = await trx
      .updateTable('eventSequences')
      .set({ lastSeq: sql`last_seq + ${count}` })
      .where('tenantId', '=', tenantId)
      .returning('lastSeq')
      .executeTakeFirstOrThrow();
    const first = Number(lastSeq) - count + 1;
    const timestamp = Date.now();
    for (let offset = 0; offset < count; offset += 500) {
      const rows = Array.from({ length: Math.min(500, count - offset) }, (_, i) => ({
        tenantId,
        seq: first + offset + i,
        type: event.type,
        audience: 'all' as const,
        data: JSON.stringify(event.data),
        timestamp,
      }));
      await trx.insertInto('events').values(rows).execute();
    }
  });
}

/** The race between a resumed stream's backfill and live changes: a backlog of several outbox pages. */
const RACE_ROUNDS = 4;
const RACE_BACKLOG = 2500;
/** What a round may take on a loaded machine, before a lost event fails it. */
const RACE_ROUND_MS = 30_000;
/** The bound of a whole race test: every round at its longest. */
export const RACE_TIMEOUT_MS = RACE_ROUNDS * RACE_ROUND_MS + 10_000;
const RACE_DELAYS_MS = [0, 1, 2, 4, 6, 8, 12, 16, 25, 40, 60, 90];

/** One round of the race: the stream resumes after `from`, while questions are being submitted. */
interface Race {
  from: number;
  /** Settles once every racing question is submitted. */
  submitted: Promise<unknown>;
}

/**
 * Rounds of: a backlog appended to alpha's outbox, then questions submitted by `authors` in turn at
 * staggered short delays while `openResumed` opens a stream resuming from before the backlog (it
 * resolves once the stream is open and `race.submitted` has settled). Each round's stream must deliver
 * every seq exactly once; it is closed after the round.
 */
export async function expectEachSeqOnceWhenRacing(
  app: TestApp,
  authors: [Client, ...Client[]],
  openResumed: (race: Race) => Promise<CollectedStream & { errors?: readonly unknown[] }>,
): Promise<void> {
  for (let round = 0; round < RACE_ROUNDS; round++) {
    const from = await lastSeqOf(app, app.tenantIds.alpha);
    await appendBacklog(app, RACE_BACKLOG);
    const submitted = Promise.all(
      RACE_DELAYS_MS.map(async (delay, i) => {
        await sleep(delay);
        await authors[i % authors.length]?.question.submit.mutate({
          ...ALPHA_MEETING,
          body: uniqueLabel(`race ${round}`),
        });
      }),
    );
    const stream = await openResumed({ from, submitted });
    const total = RACE_BACKLOG + RACE_DELAYS_MS.length;
    const errors = stream.errors ?? [];
    await waitFor(() => stream.items.length >= total || errors.length > 0, RACE_ROUND_MS, `${total} events`);
    expect(errors).toEqual([]);
    const [before = []] = await itemsBeforeSentinel(authors[0], [stream]);
    const ids = before.map((item) => item.id);
    expect(ids.length, `round ${round}: duplicates or strays`).toBe(total);
    expect(ids).toEqual(seqRange(from + 1, from + total));
    stream.close();
  }
}

/** The ids `from`..`to` inclusive, as the stream writes them. */
export function seqRange(from: number, to: number): string[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i));
}

export function envelopesOf(items: readonly Received[]): Expected[] {
  return items.map(({ event }) => ({ type: event.type, tenantId: event.tenantId, data: event.data }));
}

interface ScriptRun {
  expected: Expected[];
  question: Question;
  startedAt: number;
  finishedAt: number;
}

/**
 * One of every kind of change, made by `author` (submit) and `moderator` (the rest): submit, upvote,
 * answer, tag, pin, freeze, unfreeze. Returns the seven v1 envelopes a member must receive.
 */
export async function mutationScript(
  app: TestApp,
  actors: { author: Client; moderator: Client },
  label = uniqueLabel('script'),
): Promise<ScriptRun> {
  const tenantId = app.tenantIds.alpha;
  const startedAt = Date.now();
  const body = `What about ${label}?`;
  const question = await actors.author.question.submit.mutate({ ...ALPHA_MEETING, body });
  await actors.moderator.question.upvote.mutate({ ...ALPHA_MEETING, questionId: question.id });
  const responseText = `The answer to ${label}`;
  await actors.moderator.question.answer.mutate({ ...ALPHA_MEETING, questionId: question.id, responseText });
  const tag = await actors.moderator.tag.create.mutate({ ...alpha, name: label, color: '#3366ff' });
  await actors.moderator.question.tag.mutate({ ...ALPHA_MEETING, questionId: question.id, tagId: tag.id });
  await actors.moderator.question.pin.mutate({ ...ALPHA_MEETING, questionId: question.id, pinned: true });
  await actors.moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
  await actors.moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
  const finishedAt = Date.now();
  const expected: Expected[] = [
    {
      type: 'question:created',
      tenantId,
      data: {
        id: question.id,
        body,
        teamId: null,
        status: 'OPEN',
        upvoteCount: 0,
        submittedAt: question.submittedAt,
      },
    },
    { type: 'question:upvoted', tenantId, data: { questionId: question.id, upvoteCount: 1 } },
    { type: 'question:answered', tenantId, data: { id: question.id, status: 'ANSWERED', responseText } },
    {
      type: 'question:tagged',
      tenantId,
      data: { questionId: question.id, tag: { id: tag.id, name: label, color: '#3366ff' } },
    },
    { type: 'question:pinned', tenantId, data: { questionId: question.id, pinned: true } },
    { type: 'question:frozen', tenantId, data: { frozen: true } },
    { type: 'question:frozen', tenantId, data: { frozen: false } },
  ];
  return { expected, question, startedAt, finishedAt };
}

/** Asserts that `items` are exactly the script's events, with consecutive ids from `firstSeq`. */
export function expectScriptDelivered(items: readonly Received[], run: ScriptRun, firstSeq: number): void {
  expect(items.map((item) => item.id)).toEqual(seqRange(firstSeq, firstSeq + run.expected.length - 1));
  expect(envelopesOf(items)).toEqual(run.expected);
  for (const { event } of items) {
    expect(event.timestamp).toBeGreaterThanOrEqual(run.startedAt);
    expect(event.timestamp).toBeLessThanOrEqual(run.finishedAt);
  }
}

/** `count` questions submitted one after the other; each is one `question:created` event. */
export async function submitQuestions(author: Client, count: number, label = uniqueLabel('q')) {
  const questions: Question[] = [];
  for (let i = 0; i < count; i++) {
    questions.push(await author.question.submit.mutate({ ...ALPHA_MEETING, body: `${label} #${i}` }));
  }
  return questions;
}

const isCreationOf = (questionId: string) => (item: Received) =>
  item.event.type === 'question:created' && (item.event.data as { id?: unknown }).id === questionId;

/**
 * Submits a sentinel: a question in `meeting` (whose questions need no approval) that every member may
 * see, and waits until each of `streams` has received it. Events are ordered per tenant, so by then
 * anything due earlier on those streams (a duplicate, a stray event) has arrived. Returns what each
 * stream received before the sentinel.
 */
export async function itemsBeforeSentinel(
  author: Client,
  streams: readonly CollectedStream[],
  {
    meeting = ALPHA_MEETING,
    body = uniqueLabel('sentinel'),
  }: { meeting?: { tenant: string; meetingId: string }; body?: string } = {},
): Promise<Received[][]> {
  const sentinel = await author.question.submit.mutate({ ...meeting, body });
  return Promise.all(
    streams.map(async (stream) => {
      const { index } = await waitFor(
        () => {
          const index = stream.items.findIndex(isCreationOf(sentinel.id));
          return index >= 0 ? { index } : undefined;
        },
        5000,
        `the sentinel question ${sentinel.id}`,
      );
      return stream.items.slice(0, index);
    }),
  );
}

/** A new member-role service token of alpha, with its secret. */
export function newServiceToken(admin: Client) {
  return admin.tenant.createServiceToken.mutate({ ...alpha, name: uniqueLabel('bot'), role: 'member' });
}

/** A new account that joined alpha as a member through a join link. */
export async function newMember(app: TestApp, admin: Client): Promise<NewAccount> {
  const { code } = await admin.tenant.createJoinLink.mutate(alpha);
  const member = await app.newAccount('new-member');
  await member.client.auth.joinWithCode.mutate({ code });
  return member;
}

// ---------------------------------------------------------------------------------------------
// The wire itself: frames field by field, other instances, and a TCP proxy between client and server
// ---------------------------------------------------------------------------------------------

/** The path of `events.subscribe` as httpSubscriptionLink requests it. */
export function trpcStreamPath(input: SubscribeInput): string {
  return `/trpc/events.subscribe?input=${encodeURIComponent(JSON.stringify(input))}`;
}

type InstanceOptions = TestAppOptions;

/** Another API process over the test app's database, whose server, engine and sockets a test can reach. */
export interface Instance {
  url: string;
  server: Server;
  hub: EventHub;
  engine: StreamEngine;
  dropStreams(): void;
  /** The server's end of a client connection, found by the client's local port. */
  socketOf(clientPort: number | undefined): Socket | undefined;
  /** A typed tRPC client of this instance. */
  client(credentials: Credentials): Client;
  close(): Promise<void>;
}

/**
 * Starts one more instance of the API (its own hub, stream engine and HTTP server, as main.ts wires
 * them) over `app`'s database, so sign-ins and fixture data of `app` are valid on it. Announcements of
 * one instance do not reach the others' hubs (each has its own in-process bus); their poll catches up.
 */
export async function startInstance(app: TestApp, options: InstanceOptions = {}): Promise<Instance> {
  const { url, server, hub, engine, dropStreams } = await startTestServer(app.db, options);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => sockets.add(socket));
  let closed: Promise<void> | undefined;
  return {
    url,
    server,
    hub,
    engine,
    dropStreams,
    socketOf: (clientPort) => [...sockets].find((socket) => socket.remotePort === clientPort),
    client: (credentials) =>
      createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${url}/trpc`, headers: () => credentialHeaders(credentials) })],
      }),
    close: () => {
      closed ??= (async () => {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
        await engine.close();
        await hub.close();
      })();
      return closed;
    },
  };
}

const CLIENT_OPTIONS_PATTERN = /"reconnectAfterInactivityMs":(\d+)(?=[,}])/;

/**
 * For a `TcpProxy`: rewrites the `reconnectAfterInactivityMs` of the server's `connected` frame to `ms`
 * (no longer than the original, padded with JSON whitespace, so the HTTP chunk sizes stay right).
 */
export function inactivityRewrite(ms: number): OpeningRewrite {
  return (received) => {
    const match = CLIENT_OPTIONS_PATTERN.exec(received);
    if (!match) return undefined;
    const digits = match[1] ?? '';
    const value = String(ms);
    if (value.length > digits.length) return received;
    return received.replace(match[0], `"reconnectAfterInactivityMs":${value.padStart(digits.length, ' ')}`);
  };
}
