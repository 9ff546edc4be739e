/**
 * Three API processes on one PostgreSQL database with EVENT_BUS=redis, behind nginx running the
 * deployment's own `deploy/nginx.conf` (round robin, no stickiness). Streams of both transports go
 * through nginx unbuffered; when the instance serving some of them is killed, every client resumes through
 * nginx on another instance from its last id, and receives every event once, in order.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:http2';
import { mutate, signIn } from '@pulsestage/test-harness/accounts';
import { hostOf, Nginx, UPSTREAM_HEADER, upstreamOf } from '@pulsestage/test-harness/nginx';
import { sleep, within } from '@pulsestage/test-harness/poll';
import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, killAllProcesses } from '@pulsestage/test-harness/process';
import { openEventStream, ResumingSubscriber } from '@pulsestage/test-harness/sse';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { TrpcSubscriber } from './trpc-subscriber.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
const enabled = Boolean(adminUrl && redisUrl);

if (!enabled) {
  console.warn(
    'TEST_DATABASE_URL and TEST_REDIS_URL are both needed for the tests of API instances behind nginx (PostgreSQL, EVENT_BUS=redis): skipped.',
  );
}

const TENANT = 'demo';
const STREAM_PATH = `/events?tenant=${TENANT}`;
const PLAIN_STREAMS = 12;
const TRPC_STREAMS = 6;
/** A bound on anything live, not a pace: waits end as soon as their condition holds. */
const LIVE_MS = 15_000;
const PRODUCER_INTERVAL_MS = 50;

interface Envelope {
  type: string;
  data: { id?: string };
}

interface Submission {
  body: string;
  /** The new question's id; unset when the call failed (it was in flight on the instance killed). */
  id?: string;
  error?: string;
  doneAt: number;
}

/** Questions submitted through nginx, one after another, as alice and bob in turn. */
class Producer {
  readonly submissions: Submission[] = [];
  private stopped = false;

  constructor(
    private readonly baseUrl: string,
    private readonly cookies: string[],
    private readonly meetingId: string,
  ) {}

  async submit(): Promise<void> {
    const index = this.submissions.length;
    const body = `Through nginx #${index + 1}: what changes next quarter?`;
    const submission: Submission = { body, doneAt: 0 };
    this.submissions.push(submission);
    try {
      const input = { tenant: TENANT, meetingId: this.meetingId, body };
      const cookie = this.cookies[index % this.cookies.length] ?? '';
      submission.id = (await mutate<{ id: string }>(this.baseUrl, 'question.submit', input, cookie)).id;
    } catch (error) {
      submission.error = (error as Error).message;
    }
    submission.doneAt = Date.now();
  }

  /** Submits one question every `intervalMs` until `stop`. */
  async run(intervalMs: number): Promise<void> {
    while (!this.stopped) {
      const next = Date.now() + intervalMs;
      await this.submit();
      await sleep(Math.max(0, next - Date.now()));
    }
  }

  stop(): void {
    this.stopped = true;
  }

  succeeded(): Submission[] {
    return this.submissions.filter((submission) => submission.id !== undefined);
  }
}

interface Http2Stream {
  protocol: string | false | undefined;
  status: number;
  headers: IncomingHttpHeaders;
  text(): string;
  ended(): boolean;
  close(): void;
}

/** A GET over HTTP/2 and TLS as a browser makes it, trusting nginx's self-signed certificate. */
async function openHttp2Stream(
  origin: string,
  path: string,
  headers: Record<string, string>,
): Promise<Http2Stream> {
  const session = connect(origin, { rejectUnauthorized: false });
  const request = session.request({ ':path': path, ...headers });
  let text = '';
  let ended = false;
  request.setEncoding('utf8');
  request.on('data', (chunk: string) => {
    text += chunk;
  });
  request.on('close', () => {
    ended = true;
  });
  const responseHeaders = await within(
    new Promise<IncomingHttpHeaders>((resolve, reject) => {
      request.once('response', resolve);
      request.once('error', reject);
      session.once('error', reject);
    }),
    LIVE_MS,
    `the HTTP/2 response to ${path}`,
  );
  return {
    protocol: session.alpnProtocol,
    status: Number(responseHeaders[':status']),
    headers: responseHeaders,
    text: () => text,
    ended: () => ended,
    close: () => session.destroy(),
  };
}

/** `count` consecutive sequence numbers after `after`. */
const range = (after: number, count: number) =>
  Array.from({ length: count }, (_, index) => after + 1 + index);

describe.skipIf(!enabled)('three API instances behind nginx (deploy/nginx.conf)', () => {
  let database: ScratchDatabase;
  let sql: pg.Client;
  let instances: ApiProcess[] = [];
  let nginx: Nginx;
  let tenantId: string;
  let meetingId: string;
  const cookies = {} as Record<'alice' | 'bob' | 'mod', string>;
  const diagnostics: (() => string)[] = [];

  const lastSeq = async (): Promise<number> => {
    const { rows } = await sql.query('select last_seq from event_sequences where tenant_id = $1', [tenantId]);
    return Number(rows[0]?.last_seq);
  };

  const instanceAt = (upstream: string | undefined) =>
    instances.find((instance) => hostOf(instance.url) === upstream)?.name ?? `unknown (${upstream})`;

  beforeAll(async () => {
    if (!adminUrl || !redisUrl) return;
    const started = Date.now();
    database = await createScratchDatabase(adminUrl);
    sql = new pg.Client({ connectionString: database.url });
    await sql.connect();
    const starting = ['A', 'B', 'C'].map((name) =>
      ApiProcess.start({
        name,
        databaseUrl: database.url,
        bus: 'redis',
        redisUrl,
        env: {
          // What deploy/nginx.conf asks of every instance behind it.
          TRUSTED_PROXIES: '127.0.0.1',
          // Every stream here is the moderator's; the per-session cap is not what these tests are about.
          STREAM_LIMIT_PER_CREDENTIAL: '100',
        },
      }),
    );
    const results = await Promise.allSettled(starting);
    instances = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    nginx = await Nginx.start({ upstreams: instances.map((instance) => instance.url), revealUpstream: true });
    console.log(`three API processes and nginx ready in ${Date.now() - started} ms`);

    const { rows } = await sql.query<{ id: string }>('select id from tenants where slug = $1', [TENANT]);
    tenantId = rows[0]?.id ?? '';
    const { rows: open } = await sql.query<{ id: string }>(
      "select id from meetings where tenant_id = $1 and state = 'open'",
      [tenantId],
    );
    meetingId = open[0]?.id ?? '';
    cookies.alice = await signIn(nginx.url, 'alice@demo.test');
    cookies.bob = await signIn(nginx.url, 'bob@demo.test');
    cookies.mod = await signIn(nginx.url, 'mod@demo.test');
  });

  beforeEach(({ onTestFailed }) => {
    diagnostics.length = 0;
    onTestFailed(() => {
      for (const describe of diagnostics) console.error(describe());
      console.error(`---- nginx ----\n${nginx?.logs().slice(-6000)}`);
      for (const instance of instances) {
        console.error(
          `---- ${instance.name} (${instance.describeExit()}) ----\n${instance.logs().slice(-4000)}`,
        );
      }
    });
  });

  afterAll(async () => {
    await nginx?.stop();
    killAllProcesses();
    await Promise.all(
      instances.map((instance) => within(instance.exited, 5000, `${instance.name} to exit`).catch(() => {})),
    );
    await sql?.end().catch(() => {});
    await database?.drop();
  }, 20_000);

  it('passes each event on while the stream is open, uncompressed, over HTTP/1.1 and over HTTP/2 with TLS', async () => {
    const from = await lastSeq();
    const headers = {
      accept: 'text/event-stream',
      'accept-encoding': 'gzip, br',
      cookie: cookies.mod,
      'last-event-id': String(from),
    };
    const http1 = await openEventStream(`${nginx.url}${STREAM_PATH}`, headers);
    const http2 = await openHttp2Stream(nginx.httpsUrl, STREAM_PATH, headers);
    try {
      expect(http2.protocol, 'nginx speaks HTTP/2 on its HTTPS port').toBe('h2');
      for (const response of [http1, http2]) {
        expect(response.status).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
        expect(response.headers['content-encoding'], 'event streams are never compressed').toBeUndefined();
      }

      const input = { tenant: TENANT, meetingId, body: 'Does nginx hold events back?' };
      const { id } = await mutate<{ id: string }>(nginx.url, 'question.submit', input, cookies.alice);
      await vi.waitFor(
        () => {
          expect(http1.body, 'the event, over HTTP/1.1').toContain(id);
          expect(http2.text(), 'the event, over HTTP/2').toContain(id);
        },
        { timeout: LIVE_MS },
      );
      expect(http1.ended, 'the HTTP/1.1 response is still open').toBe(false);
      expect(http2.ended(), 'the HTTP/2 response is still open').toBe(false);
    } finally {
      http1.close();
      http2.close();
    }
  });

  /** A client of either transport through nginx, starting after `from`. */
  function followThroughNginx(transport: 'plain' | 'tRPC', index: number, from: number): FollowedStream {
    const options = { cookie: cookies.mod, lastEventId: String(from), target: () => nginx.url };
    const stream =
      transport === 'plain'
        ? plainStream(new ResumingSubscriber({ ...options, path: STREAM_PATH, retryMs: 100 }))
        : trpcStream(new TrpcSubscriber({ ...options, tenant: TENANT }));
    const label = `${transport} #${index}`;
    diagnostics.push(
      () =>
        `${label}: ${JSON.stringify(
          stream.connections().map((connection) => ({ ...connection, on: instanceAt(connection.upstream) })),
        )}; ids ${stream.ids()[0]}..${stream.ids().at(-1)} (${stream.ids().length})`,
    );
    return { ...stream, label };
  }

  /** The outbox rows after `from` as clients see them: type and question id. */
  async function storedSince(from: number): Promise<{ seq: number; type: string; id?: string }[]> {
    const { rows } = await sql.query<{ seq: string; type: string; data: string }>(
      'select seq, type, data from events where tenant_id = $1 and seq > $2 order by seq',
      [tenantId, from],
    );
    return rows.map((row) => ({
      seq: Number(row.seq),
      type: row.type,
      id: (JSON.parse(row.data) as Envelope['data']).id,
    }));
  }

  it('kill -9 of the instance serving streams: each client resumes through nginx on another, nothing lost or repeated', async () => {
    const from = await lastSeq();
    const streams = [
      ...Array.from({ length: PLAIN_STREAMS }, (_, index) => followThroughNginx('plain', index, from)),
      ...Array.from({ length: TRPC_STREAMS }, (_, index) => followThroughNginx('tRPC', index, from)),
    ];
    await Promise.all(streams.map((stream) => stream.start()));
    const producer = new Producer(nginx.url, [cookies.alice, cookies.bob], meetingId);
    const producing = producer.run(PRODUCER_INTERVAL_MS);
    await Promise.all(streams.map((stream) => stream.waitForId(from + 10)));

    // Round robin spread the streams; the victim is the instance of the first one.
    const firstUpstream = (stream: FollowedStream) => stream.connections()[0]?.upstream;
    expect(new Set(streams.map(firstUpstream)), 'no stickiness').toEqual(
      new Set(instances.map((api) => hostOf(api.url))),
    );
    const victimHost = firstUpstream(streams[0] as FollowedStream);
    const victim = instances.find((api) => hostOf(api.url) === victimHost) as ApiProcess;
    const onVictim = streams.filter((stream) => firstUpstream(stream) === victimHost);
    expect(onVictim.map((stream) => stream.label).join(), `${victim.name} serves tRPC streams too`).toContain(
      'tRPC',
    );

    victim.kill('SIGKILL');
    const killedAt = Date.now();
    expect((await within(victim.exited, 5000, `${victim.name} to die`)).signal).toBe('SIGKILL');
    await vi.waitFor(
      () => {
        for (const stream of onVictim) expect(stream.connections().length, stream.label).toBeGreaterThan(1);
      },
      { timeout: LIVE_MS },
    );
    const resumedIn = Date.now() - killedAt;
    // Questions keep coming through nginx after every client is back, then a last one: events are ordered
    // per tenant, so once each client has it, anything due before it has come.
    const produced = producer.submissions.length;
    await vi.waitFor(() => expect(producer.submissions.length).toBeGreaterThan(produced + 10), {
      timeout: LIVE_MS,
    });
    producer.stop();
    await within(producing, LIVE_MS, 'the producer to stop');
    await producer.submit();
    const last = await lastSeq();
    await Promise.all(streams.map((stream) => stream.waitForId(last)));
    await Promise.all(streams.map((stream) => stream.stop()));
    console.log(
      `${victim.name} killed under ${onVictim.length} of ${streams.length} streams, all back within ${resumedIn} ms; ${last - from} events`,
    );

    // Only a submission in flight on the killed instance may have failed, with a 502 from nginx.
    const failures = producer.submissions.filter((submission) => submission.error !== undefined);
    expect(failures.length, JSON.stringify(failures)).toBeLessThanOrEqual(2);
    for (const failure of failures) expect(failure.error).toContain('502');
    const afterKill = producer.succeeded().filter((submission) => submission.doneAt > killedAt);
    expect(afterKill.length, 'questions kept coming through nginx after the kill').toBeGreaterThan(10);

    const stored = await storedSince(from);
    expect(stored.map((event) => event.seq)).toEqual(range(from, last - from));
    const storedIds = stored.map((event) => event.id);
    for (const submission of producer.succeeded()) expect(storedIds).toContain(submission.id);
    const expected = stored.map(({ type, id }) => ({ type, id }));
    const firstEnvelopes = streams[0]?.envelopes();
    for (const stream of streams) {
      expect(stream.ids(), `${stream.label}: every event once, in order`).toEqual(range(from, last - from));
      const envelopes = stream.envelopes();
      expect(
        envelopes.map(({ type, data }) => ({ type, id: data.id })),
        stream.label,
      ).toEqual(expected);
      expect(envelopes, `${stream.label}: the same events as every other client`).toEqual(firstEnvelopes);
      expectResumedAwayFrom(stream, onVictim.includes(stream) ? victimHost : undefined);
    }
  }, 60_000);
});

interface StreamConnection {
  /** The instance that answered, as nginx named it. */
  upstream: string | undefined;
  lastEventIdSent: string | undefined;
  at: number;
}

/** One client's stream, either transport, through every connection it made. */
interface FollowedStream {
  label: string;
  start(): Promise<void> | void;
  waitForId(seq: number): Promise<void>;
  ids(): number[];
  envelopes(): Envelope[];
  /** Each id received and when. */
  events(): { id: string; receivedAt: number }[];
  connections(): StreamConnection[];
  stop(): Promise<void> | void;
}

function plainStream(sub: ResumingSubscriber): Omit<FollowedStream, 'label'> {
  return {
    start: () => sub.start(LIVE_MS),
    waitForId: (seq) => sub.waitForId(seq, LIVE_MS),
    ids: () => sub.ids(),
    envelopes: () => sub.events.map((event) => JSON.parse(event.data) as Envelope),
    events: () => sub.events,
    connections: () =>
      sub.connections.map((connection) => ({
        upstream: upstreamOf(connection.headers[UPSTREAM_HEADER]),
        lastEventIdSent: connection.lastEventIdSent,
        at: connection.openedAt,
      })),
    stop: () => sub.stop(),
  };
}

function trpcStream(sub: TrpcSubscriber): Omit<FollowedStream, 'label'> {
  return {
    start: () => sub.start(),
    waitForId: (seq) => sub.waitForId(seq, LIVE_MS),
    ids: () => sub.ids(),
    envelopes: () => sub.events.map((event) => event.data as Envelope),
    events: () => sub.events,
    connections: () =>
      sub.requests.map((request) => ({
        upstream: upstreamOf(request.responseHeaders?.get(UPSTREAM_HEADER)),
        lastEventIdSent: request.lastEventIdHeader,
        at: request.at,
      })),
    stop: () => sub.stop(),
  };
}

/**
 * A stream that was on `victimHost` reconnected to other instances only, each time from the last id it
 * had received; any other stream never dropped.
 */
function expectResumedAwayFrom(stream: FollowedStream, victimHost: string | undefined): void {
  const [, ...reconnections] = stream.connections();
  if (!victimHost) {
    expect(reconnections, `${stream.label} was not on the killed instance: never dropped`).toEqual([]);
    return;
  }
  for (const connection of reconnections) {
    expect(connection.upstream, `${stream.label} reconnected elsewhere`).not.toBe(victimHost);
    const lastBefore = stream
      .events()
      .filter((event) => event.receivedAt < connection.at)
      .at(-1)?.id;
    expect(connection.lastEventIdSent, `${stream.label} resumed from its last id`).toBe(lastBefore);
  }
}
