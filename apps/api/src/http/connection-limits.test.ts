import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { openEventStream, type RawEventStream } from '@pulsestage/test-harness/sse';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { StreamLimits } from '../events/stream/stream-limits.js';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { lastSeqOf } from '../test-support/outbox.js';
import {
  type Credentials,
  credentialHeaders,
  newServiceToken,
  submitQuestions,
  subscribeTrpc,
  trpcStreamPath,
  waitFor,
} from '../test-support/sse.js';
import { parseTrustedProxies } from './client-address.js';

vi.setConfig({ testTimeout: 60_000 });

type Transport = 'events' | 'trpc';
const TRANSPORTS: Transport[] = ['events', 'trpc'];
const PING_MS = 200;
const KEEP_ALIVE_MS = 3000;

/** How the server answered a stream request: admitted (kept open), or refused and why. */
interface Opened {
  stream: RawEventStream;
  refusal?: { status: number; code: string; message: string; retryAfter: string | undefined };
}

const pathOf = (transport: Transport) =>
  transport === 'events' ? '/events?tenant=alpha' : trpcStreamPath({ tenant: 'alpha' });

/** tRPC refuses inside a 200 stream, with a `serialized-error` event carrying the error shape. */
function trpcRefusal(stream: RawEventStream): Opened['refusal'] {
  const frame = stream.frames.find((candidate) => candidate.event === 'serialized-error');
  if (!frame) return undefined;
  const shape = JSON.parse(frame.data ?? '{}') as {
    message: string;
    data: { code: string; httpStatus: number; retryAfterSeconds?: number };
  };
  const { retryAfterSeconds } = shape.data;
  return {
    status: shape.data.httpStatus,
    code: shape.data.code,
    message: shape.message,
    retryAfter: retryAfterSeconds === undefined ? undefined : String(retryAfterSeconds),
  };
}

/**
 * Opens a stream and waits until it is clearly admitted or refused: on `/events` the status says so;
 * on the tRPC stream a ping (the stream lives on) or a `serialized-error` event (refused).
 */
async function open(
  app: TestApp,
  transport: Transport,
  credentials: Credentials,
  headers: Record<string, string> = {},
): Promise<Opened> {
  const url = `${app.url}${pathOf(transport)}`;
  const stream = await openEventStream(
    url,
    { ...credentialHeaders(credentials), ...headers },
    {
      responseTimeoutMs: 20_000,
    },
  );
  if (transport === 'events') {
    if (stream.status === 200) return { stream };
    await stream.finished;
    const { error } = JSON.parse(stream.body) as { error: { code: string; message: string } };
    const retryAfter = stream.headers['retry-after'];
    return { stream, refusal: { status: stream.status, ...error, retryAfter: retryAfter?.toString() } };
  }
  await waitFor(
    () => trpcRefusal(stream) || stream.frames.some((frame) => frame.event === 'ping'),
    20_000,
    'the stream to be admitted or refused',
  );
  return { stream, refusal: trpcRefusal(stream) };
}

describe.each(DIALECTS)('open streams on %s', (dialect) => {
  let app: TestApp;
  const opened: Opened[] = [];
  const keep = (streams: Opened[]) => {
    opened.push(...streams);
    return streams;
  };
  const openMany = async (count: number, transport: Transport, credentials: Credentials) =>
    keep(await Promise.all(Array.from({ length: count }, () => open(app, transport, credentials))));
  const admitted = (streams: Opened[]) => streams.filter((stream) => !stream.refusal);
  const refused = (streams: Opened[]) => streams.filter((stream) => stream.refusal);

  /** Opens until one is admitted: a closed stream stops counting once the server has seen it close. */
  const openOnceRoom = (transport: Transport, credentials: Credentials) =>
    waitFor(
      async () => {
        const attempt = await open(app, transport, credentials);
        if (!attempt.refusal) return keep([attempt])[0];
        return undefined;
      },
      20_000,
      'a stream to be admitted again',
    );

  beforeAll(async () => {
    app = await startTestApp(dialect, { trpcPingMs: PING_MS, heartbeatMs: PING_MS, accessSweepMs: 600_000 });
  });
  afterEach(() => {
    for (const { stream } of opened.splice(0)) stream.close();
  });
  afterAll(async () => {
    await app?.close();
  });

  describe.each(TRANSPORTS)('on %s', (transport) => {
    it('admits ten streams of one session at once and refuses the other forty with 429, a reason and Retry-After', async () => {
      const member = { cookie: await app.cookieOf('member') };
      const streams = await openMany(50, transport, member);
      expect(admitted(streams)).toHaveLength(10);
      expect(refused(streams)).toHaveLength(40);
      for (const { refusal } of refused(streams)) {
        expect(refusal).toEqual({
          status: 429,
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many open streams for this session: close another tab',
          retryAfter: expect.stringMatching(/^[1-9]\d*$/),
        });
      }
      for (const { stream } of admitted(streams)) expect(stream.ended).toBe(false);

      const other = await open(app, transport, { cookie: await app.cookieOf('member2') });
      keep([other]);
      expect(other.refusal, 'another session has its own count').toBeUndefined();

      admitted(streams)[0]?.stream.close();
      await openOnceRoom(transport, member);
      expect((await open(app, transport, member)).refusal?.code).toBe('TOO_MANY_REQUESTS');
    });
  });

  it('counts both transports together, per service token too, and frees every slot when the server cuts its streams', async () => {
    const moderator = { cookie: await app.cookieOf('moderator') };
    const streams = [...(await openMany(6, 'events', moderator)), ...(await openMany(6, 'trpc', moderator))];
    expect(admitted(streams)).toHaveLength(10);

    const { token } = await newServiceToken(await app.as('admin'));
    const tokenStreams = await openMany(11, 'events', { bearer: token });
    expect(admitted(tokenStreams)).toHaveLength(10);
    expect(refused(tokenStreams)[0]?.refusal?.message).toBe(
      'Too many open streams for this service token: close one of them first',
    );

    app.dropStreams();
    await Promise.all(admitted(streams).map(({ stream }) => stream.finished));
    expect(admitted(await openMany(10, 'trpc', moderator))).toHaveLength(10);
  });

  it('gives a real tRPC client the refusal as TOO_MANY_REQUESTS, which it does not retry', async () => {
    const member = { cookie: await app.cookieOf('member') };
    const streams = await openMany(10, 'events', member);
    expect(admitted(streams)).toHaveLength(10);
    const client = subscribeTrpc(app, member, { tenant: 'alpha' });
    try {
      await waitFor(() => client.errors.length > 0, 20_000, 'the refusal');
      const [error] = client.errors;
      expect(error).toMatchObject({
        message: 'Too many open streams for this session: close another tab',
        data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429 },
      });
    } finally {
      client.close();
    }
  });

  it('refuses anonymous requests before counting them', async () => {
    const streams = await openMany(12, 'events', {});
    expect(refused(streams).map(({ refusal }) => refusal?.code)).toEqual(Array(12).fill('UNAUTHORIZED'));
    expect(admitted(await openMany(10, 'events', { cookie: await app.cookieOf('owner') }))).toHaveLength(10);
  });
});

describe('open streams per client address', () => {
  let app: TestApp;
  const streams: RawEventStream[] = [];

  beforeAll(async () => {
    app = await startTestApp('sqlite', {
      trpcPingMs: PING_MS,
      streamLimits: new StreamLimits({ perCredential: 10, perAddress: 3 }),
    });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await app?.close();
  });

  it('refuses the stream past the address ceiling, whoever asks, and admits again once one closes', async () => {
    const accounts = ['member', 'member2', 'moderator', 'admin'] as const;
    const answers: Opened[] = [];
    for (const account of accounts)
      answers.push(await open(app, 'events', { cookie: await app.cookieOf(account) }));
    streams.push(...answers.map(({ stream }) => stream));
    expect(answers.map(({ refusal }) => refusal?.status)).toEqual([undefined, undefined, undefined, 429]);
    expect(answers[3]?.refusal?.message).toBe(
      'Too many open streams from this network address: try again in a little while',
    );
    const trpc = await open(app, 'trpc', { cookie: await app.cookieOf('owner') });
    streams.push(trpc.stream);
    expect(trpc.refusal?.code).toBe('TOO_MANY_REQUESTS');

    answers[0]?.stream.close();
    const admin = { cookie: await app.cookieOf('admin') };
    const reopened = await waitFor(
      async () => {
        const attempt = await open(app, 'events', admin);
        streams.push(attempt.stream);
        return !attempt.refusal;
      },
      20_000,
      'room for one more stream',
    );
    expect(reopened).toBe(true);
  });
});

describe('open streams per client address behind a trusted proxy', () => {
  let app: TestApp;
  const streams: RawEventStream[] = [];

  beforeAll(async () => {
    app = await startTestApp('sqlite', {
      trpcPingMs: PING_MS,
      trustedProxies: parseTrustedProxies('127.0.0.1'),
      streamLimits: new StreamLimits({ perCredential: 10, perAddress: 2 }),
    });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await app?.close();
  });

  it('counts the address the proxy names, not the proxy', async () => {
    const from = (account: 'member' | 'member2' | 'moderator' | 'admin', address: string) =>
      app.cookieOf(account).then(async (cookie) => {
        const answer = await open(app, 'events', { cookie }, { 'x-forwarded-for': address });
        streams.push(answer.stream);
        return answer.refusal?.status;
      });
    expect(await from('member', '203.0.113.7')).toBeUndefined();
    expect(await from('member2', '203.0.113.7')).toBeUndefined();
    expect(await from('moderator', '203.0.113.7')).toBe(429);
    expect(await from('admin', '198.51.100.4'), 'another address behind the same proxy').toBeUndefined();
  });
});

/** A raw TCP client: what the server wrote, and when it closed the connection. */
function rawConnection(url: string) {
  const { port } = new URL(url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  socket.on('error', () => {});
  const openedAt = Date.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - openedAt)));
  return { socket, closed, answer: () => Buffer.concat(received).toString('latin1') };
}

/** Writes `text` one byte a second while the connection stays open. */
function trickle(socket: Socket, text: string): () => void {
  let next = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || next >= text.length) return;
    socket.write(text[next] ?? '');
    next += 1;
  }, 1000);
  return () => clearInterval(timer);
}

describe('request timeouts', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('sqlite', {
      trpcPingMs: PING_MS,
      requestTimeouts: { headersMs: 1000, requestMs: 2000, keepAliveMs: KEEP_ALIVE_MS },
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('cuts a client that sends its headers a byte a second, within seconds', async () => {
    const client = rawConnection(app.url);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    const stop = trickle(client.socket, 'X-Slow: '.padEnd(200, 'a'));
    const lifetime = await client.closed;
    stop();
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(lifetime).toBeLessThan(15_000);
  });

  it('cuts a connection that never sends anything', async () => {
    const client = rawConnection(app.url);
    const lifetime = await client.closed;
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(lifetime).toBeLessThan(15_000);
  });

  it('cuts a client that sends its body a byte a second, within seconds', async () => {
    const client = rawConnection(app.url);
    const body = JSON.stringify({ email: 'member@alpha.test', password: 'x'.repeat(100) });
    client.socket.write(
      `POST /trpc/auth.signIn HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    );
    const stop = trickle(client.socket, body);
    const lifetime = await client.closed;
    stop();
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408 /);
    expect(lifetime).toBeLessThan(15_000);
  });

  it('keeps an idle connection for the next request past the headers timeout, until the keep-alive timeout', async () => {
    const client = rawConnection(app.url);
    const healthz = 'GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n';
    const answers = () => client.answer().match(/HTTP\/1\.1 200 /g)?.length ?? 0;
    client.socket.write(healthz);
    await waitFor(() => answers() === 1, 20_000, 'the first answer');
    // Idle for twice the headers timeout: a proxy's next request must still find the connection open.
    await sleep(2000);
    expect(client.socket.destroyed).toBe(false);
    client.socket.write(healthz);
    await waitFor(() => answers() === 2, 20_000, 'the second answer on the same connection');
    const answeredAt = Date.now();
    await client.closed;
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 100);
  });

  it('never cuts an event stream: the timeouts are about receiving the request', async () => {
    const member = { cookie: await app.cookieOf('member') };
    const stream = await openEventStream(
      `${app.url}${trpcStreamPath({ tenant: 'alpha' })}`,
      credentialHeaders(member),
    );
    try {
      const pings = () => stream.frames.filter((frame) => frame.event === 'ping').length;
      // Pings every 200 ms: 25 of them span twice the request timeout and more.
      await waitFor(() => pings() >= 25 || stream.ended, 30_000, '25 pings');
      expect(stream.ended).toBe(false);
      expect(pings()).toBeGreaterThanOrEqual(25);
    } finally {
      stream.close();
    }
  });
});

describe('configuration', () => {
  it('reads the stream limits and timeouts, with the defaults of the security model', () => {
    expect(loadConfig({})).toMatchObject({
      streamLimits: { perCredential: 10, perAddress: 2000 },
      requestTimeouts: { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 65_000 },
    });
    const configured = loadConfig({
      STREAM_LIMIT_PER_CREDENTIAL: '4',
      STREAM_LIMIT_PER_ADDRESS: '500',
      HEADERS_TIMEOUT_SECONDS: '5',
      REQUEST_TIMEOUT_SECONDS: '20',
      KEEP_ALIVE_TIMEOUT_SECONDS: '75',
    });
    expect(configured).toMatchObject({
      streamLimits: { perCredential: 4, perAddress: 500 },
      requestTimeouts: { headersMs: 5000, requestMs: 20_000, keepAliveMs: 75_000 },
    });
  });

  it('keeps idle connections open longer than the shipped nginx config keeps its own to the instances', () => {
    const nginxConfig = readFileSync(new URL('../../../../deploy/nginx.conf', import.meta.url), 'utf8');
    const upstream = /upstream pulsestage_api \{[^}]*\}/.exec(nginxConfig)?.[0] ?? '';
    const nginxSeconds = Number(/keepalive_timeout (\d+)s;/.exec(upstream)?.[1]);
    expect(nginxSeconds).toBeGreaterThan(0);
    expect(loadConfig({}).requestTimeouts.keepAliveMs).toBeGreaterThan(nginxSeconds * 1000);
  });

  it('refuses limits and timeouts that make no sense, naming the setting', () => {
    expect(() => loadConfig({ STREAM_LIMIT_PER_CREDENTIAL: '0' })).toThrow(/STREAM_LIMIT_PER_CREDENTIAL/);
    expect(() => loadConfig({ STREAM_LIMIT_PER_ADDRESS: 'many' })).toThrow(/STREAM_LIMIT_PER_ADDRESS/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_SECONDS: '-1' })).toThrow(/HEADERS_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ KEEP_ALIVE_TIMEOUT_SECONDS: '0' })).toThrow(/KEEP_ALIVE_TIMEOUT_SECONDS/);
    expect(() => loadConfig({ HEADERS_TIMEOUT_SECONDS: '40' })).toThrow(
      /HEADERS_TIMEOUT_SECONDS cannot be longer than REQUEST_TIMEOUT_SECONDS/,
    );
  });
});

describe("with tRPC's own stream producer", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp('sqlite', { trpcStreams: 'trpc' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('counts its streams the same way and frees a slot when a client leaves', async () => {
    const member = { cookie: await app.cookieOf('member') };
    const streams = Array.from({ length: 11 }, () => subscribeTrpc(app, member, { tenant: 'alpha' }));
    try {
      await waitFor(() => streams.some((stream) => stream.errors.length > 0), 20_000, 'a refusal');
      const refused = streams.filter((stream) => stream.errors.length > 0);
      expect(refused).toHaveLength(1);
      expect(refused[0]?.errors[0]).toMatchObject({
        message: 'Too many open streams for this session: close another tab',
        data: { code: 'TOO_MANY_REQUESTS' },
      });

      // A stream resuming from before a new question gets it once admitted, however late it subscribed.
      const [author] = await app.clients('member2');
      const from = String(await lastSeqOf(app, app.tenantIds.alpha));
      await submitQuestions(author, 1);
      streams.find((stream) => stream.errors.length === 0)?.close();
      const admitted = await waitFor(
        async () => {
          const attempt = subscribeTrpc(app, member, { tenant: 'alpha', lastEventId: from });
          streams.push(attempt);
          await waitFor(() => attempt.items.length > 0 || attempt.errors.length > 0, 20_000, 'an answer');
          return attempt.items.length > 0;
        },
        20_000,
        'a stream admitted again',
      );
      expect(admitted).toBe(true);
    } finally {
      for (const stream of streams) stream.close();
    }
  });
});
