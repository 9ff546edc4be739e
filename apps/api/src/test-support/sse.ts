import { type IncomingHttpHeaders, request } from 'node:http';
import { type Question, type StreamEvent, streamEventSchema } from '@pulsestage/contracts';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink } from '@trpc/client';
import { EventSource, type FetchLike } from 'eventsource';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { AppRouter } from '../router.js';
import { sessionCookieFrom, type TestApp } from './app.js';

export type Client = Awaited<ReturnType<TestApp['as']>>;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns something truthy, and returns that; fails after `timeoutMs`. */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  what = 'the condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

// ---------------------------------------------------------------------------------------------
// Credentials and what every stream client records
// ---------------------------------------------------------------------------------------------

export interface Credentials {
  cookie?: string;
  bearer?: string;
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
export function credentialFetch(credentials: Credentials, attempts: ConnectionAttempt[]): FetchLike {
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
function accept(stream: CollectedStream, id: string | undefined, data: unknown): void {
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
export function subscribeTrpc(app: TestApp, credentials: Credentials, input: SubscribeInput): TrpcStream {
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
    onData: ({ id, data }) => accept(stream, id, data),
    onError: (error) => {
      stream.errors.push(error);
    },
  });
  return stream;
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

/** One `text/event-stream` frame as written on the wire. */
export interface SseFrame {
  id?: string;
  data?: string;
  event?: string;
  comments: string[];
}

export interface RawStream extends CollectedStream {
  status: number;
  headers: IncomingHttpHeaders;
  /** Every frame, in order, heartbeats and comments included. */
  readonly frames: SseFrame[];
  /** Heartbeat frames: whether each carried an `id:` line, and its JSON. */
  readonly heartbeats: { hadId: boolean; data: unknown }[];
  /** The whole body received so far. */
  body: string;
  ended: boolean;
}

function parseFrame(block: string): SseFrame {
  const frame: SseFrame = { comments: [] };
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) {
      frame.comments.push(line.slice(1).trim());
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === 'id') frame.id = value;
    else if (field === 'event') frame.event = value;
  }
  return frame;
}

/** A GET on `path` over node:http that parses the `id:`/`data:` frames as they arrive. */
export function openRawStream(
  app: TestApp,
  path: string,
  headers: Record<string, string>,
): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${app.url}${path}`, { headers, agent: false }, (res) => {
      const stream: RawStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        items: [],
        problems: [],
        frames: [],
        heartbeats: [],
        body: '',
        ended: false,
        close: () => req.destroy(),
      };
      let pending = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.body += chunk;
        pending += chunk.replaceAll('\r\n', '\n');
        for (let end = pending.indexOf('\n\n'); end !== -1; end = pending.indexOf('\n\n')) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          if (block === '') continue;
          const frame = parseFrame(block);
          stream.frames.push(frame);
          if (frame.data === undefined) continue;
          let data: unknown;
          try {
            data = JSON.parse(frame.data);
          } catch {
            stream.problems.push(`data that is not JSON: ${frame.data}`);
            continue;
          }
          if ((data as { type?: unknown }).type === 'heartbeat') {
            stream.heartbeats.push({ hadId: frame.id !== undefined, data });
          } else {
            accept(stream, frame.id, data);
          }
        }
      });
      const ended = () => {
        stream.ended = true;
      };
      res.on('end', ended);
      res.on('close', ended);
      res.on('error', ended);
      resolve(stream);
    });
    req.on('error', reject);
    req.end();
  });
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
export interface Expected {
  type: string;
  tenantId: string;
  data: unknown;
}

export async function lastSeqOf(app: TestApp, tenantId: string): Promise<number> {
  const row = await app.db
    .selectFrom('eventSequences')
    .select('lastSeq')
    .where('tenantId', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.lastSeq);
}

/**
 * Appends `count` `question:frozen` events to alpha's outbox in one transaction, as appendEvent
 * would, without notifying anyone: a long backlog makes a resumed stream's backfill span several
 * outbox pages, which widens the window in which live changes race with it.
 */
export async function appendBacklog(app: TestApp, count: number): Promise<void> {
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
        type: 'question:frozen',
        audience: 'all' as const,
        data: JSON.stringify({ frozen: false }),
        timestamp,
      }));
      await trx.insertInto('events').values(rows).execute();
    }
  });
}

/** The ids `from`..`to` inclusive, as the stream writes them. */
export function seqRange(from: number, to: number): string[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => String(from + i));
}

export function envelopesOf(items: readonly Received[]): Expected[] {
  return items.map(({ event }) => ({ type: event.type, tenantId: event.tenantId, data: event.data }));
}

let labels = 0;
/** A short label unique within the test run, for bodies, tag and team names. */
export function uniqueLabel(prefix: string): string {
  labels += 1;
  return `${prefix}-${labels}-${Math.random().toString(36).slice(2, 6)}`;
}

export interface ScriptRun {
  expected: Expected[];
  question: Question;
  startedAt: number;
  finishedAt: number;
}

/**
 * One of every kind of change, made by `author` (submit) and `moderator` (the rest): submit, upvote,
 * answer, tag, pin, freeze, unfreeze. Returns the seven SPEC v1 envelopes a member must receive.
 */
export async function mutationScript(
  app: TestApp,
  actors: { author: Client; moderator: Client },
  label = uniqueLabel('script'),
): Promise<ScriptRun> {
  const tenantId = app.tenantIds.alpha;
  const startedAt = Date.now();
  const body = `What about ${label}?`;
  const question = await actors.author.question.submit.mutate({ ...alpha, body });
  await actors.moderator.question.upvote.mutate({ ...alpha, questionId: question.id });
  const responseText = `The answer to ${label}`;
  await actors.moderator.question.answer.mutate({ ...alpha, questionId: question.id, responseText });
  const tag = await actors.moderator.tag.create.mutate({ ...alpha, name: label, color: '#3366ff' });
  await actors.moderator.question.tag.mutate({ ...alpha, questionId: question.id, tagId: tag.id });
  await actors.moderator.question.pin.mutate({ ...alpha, questionId: question.id, pinned: true });
  await actors.moderator.queue.freeze.mutate({ ...alpha, frozen: true });
  await actors.moderator.queue.freeze.mutate({ ...alpha, frozen: false });
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
    questions.push(await author.question.submit.mutate({ ...alpha, body: `${label} #${i}` }));
  }
  return questions;
}

/** A new account that joined alpha as a member through a join link: its session cookie and user id. */
export async function newMember(app: TestApp, admin: Client): Promise<{ cookie: string; userId: string }> {
  const label = uniqueLabel('user');
  const { code } = await admin.tenant.createJoinLink.mutate(alpha);
  const response = await app.raw('POST', 'auth.signUp', {
    email: `${label}@stream.test`,
    password: 'stream password',
    name: label,
  });
  const cookie = sessionCookieFrom(response.headers);
  if (!cookie) throw new Error(`sign-up failed: ${JSON.stringify(response.body)}`);
  const client = app.client({ cookie });
  await client.auth.joinWithCode.mutate({ code });
  const me = await client.auth.me.query();
  if (!me) throw new Error('the new account is not signed in');
  return { cookie, userId: me.id };
}
