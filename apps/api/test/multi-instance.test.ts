/**
 * Nothing lost or duplicated across API instances, against real processes and servers:
 * several `src/main.ts` processes on one PostgreSQL database, sharing the live stream through
 * EVENT_BUS=postgres (LISTEN/NOTIFY) or EVENT_BUS=redis (pub/sub). Clients read the plain `GET /events`
 * stream and resume with `Last-Event-ID` as an EventSource does; every id is checked against the outbox.
 */

import { mutate, signIn } from '@pulsestage/test-harness/accounts';
import { sleep, within } from '@pulsestage/test-harness/poll';
import { adminQuery, createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, type BusKind, killAllProcesses } from '@pulsestage/test-harness/process';
import { TcpProxy } from '@pulsestage/test-harness/proxy';
import { ResumingSubscriber } from '@pulsestage/test-harness/sse';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrpcSubscriber } from './trpc-subscriber.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

if (!adminUrl) {
  console.warn(
    'TEST_DATABASE_URL is not set: the multi-instance tests (real API processes on PostgreSQL, EVENT_BUS=postgres|redis) are skipped.',
  );
} else if (!redisUrl) {
  console.warn(
    'TEST_REDIS_URL is not set: the EVENT_BUS=redis variant of the multi-instance tests is skipped.',
  );
}

type NetworkedBus = Exclude<BusKind, 'memory'>;

const BUSES: { bus: NetworkedBus; enabled: boolean }[] = [
  { bus: 'postgres', enabled: Boolean(adminUrl) },
  { bus: 'redis', enabled: Boolean(adminUrl && redisUrl) },
];

/** What an API process logs when its bus fails to reconnect (ioredis logs every failed attempt). */
const REFUSED_RECONNECTION: Record<NetworkedBus, string> = {
  postgres: 'event bus could not listen yet',
  redis: 'event bus connection to Redis failed',
};

const STREAM_PATH = '/events?tenant=demo';
const TENANT = 'demo';
const TEST_TIMEOUT_MS = 30_000;

type Member = 'alice' | 'bob';
const MEMBERS: Member[] = ['alice', 'bob'];
const other = (member: Member): Member => (member === 'alice' ? 'bob' : 'alice');

interface Envelope {
  type: string;
  tenantId: string;
  data: Record<string, unknown>;
  timestamp: number;
}

interface DoneMutation {
  kind: 'submit' | 'upvote';
  by: Member;
  questionId: string;
  /** What the event must report: the body of a new question, or the upvote count after the vote. */
  body?: string;
  upvoteCount?: number;
  doneAt: number;
}

/** `count` consecutive sequence numbers after `after`. */
const range = (after: number, count: number) =>
  Array.from({ length: count }, (_, index) => after + 1 + index);

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Mutations by alice and bob through one instance, recording what each event must say. */
class Workload {
  readonly done: DoneMutation[] = [];
  private readonly questions: { id: string; author: Member; upvotedBy: Set<Member> }[] = [];
  private counter = 0;

  constructor(
    private readonly baseUrl: () => string,
    private readonly cookies: Record<Member, string>,
    private readonly label: string,
    private readonly meetingId: string,
  ) {}

  async submit(by: Member): Promise<string> {
    this.counter += 1;
    const body = `${this.label} #${this.counter} from ${by}: what happens next?`;
    const created = await mutate<{ id: string; body: string }>(
      this.baseUrl(),
      'question.submit',
      { tenant: TENANT, meetingId: this.meetingId, body },
      this.cookies[by],
    );
    this.questions.push({ id: created.id, author: by, upvotedBy: new Set() });
    this.done.push({ kind: 'submit', by, questionId: created.id, body, doneAt: Date.now() });
    return created.id;
  }

  async upvote(by: Member, questionId: string): Promise<void> {
    const question = this.questions.find((candidate) => candidate.id === questionId);
    question?.upvotedBy.add(by);
    const result = await mutate<{ questionId: string; upvoteCount: number }>(
      this.baseUrl(),
      'question.upvote',
      { tenant: TENANT, meetingId: this.meetingId, questionId },
      this.cookies[by],
    );
    this.done.push({ kind: 'upvote', by, questionId, upvoteCount: result.upvoteCount, doneAt: Date.now() });
  }

  /** The `index`-th step of a mix: every third one upvotes someone else's question, the rest submit. */
  async step(index: number): Promise<void> {
    const by = MEMBERS[index % 2] ?? 'alice';
    if (index % 3 === 2) {
      const target = this.questions.find((question) => question.author !== by && !question.upvotedBy.has(by));
      if (target) return this.upvote(by, target.id);
    }
    await this.submit(by);
  }

  /** `count` steps one after another, paced at one every `intervalMs`. */
  async flow(count: number, intervalMs: number): Promise<void> {
    const start = Date.now();
    for (let index = 0; index < count; index += 1) {
      await this.step(index);
      const wait = start + (index + 1) * intervalMs - Date.now();
      if (wait > 0) await sleep(wait);
    }
  }
}

describe.each(BUSES)('API processes sharing one PostgreSQL with EVENT_BUS=$bus', ({ bus, enabled }) => {
  describe.skipIf(!enabled)('nothing lost across instances', () => {
    let database: ScratchDatabase;
    let sql: pg.Client;
    let redis: Redis | undefined;
    /** With EVENT_BUS=redis, A reaches Redis through this proxy so a test can cut A's bus alone. */
    let redisProxy: TcpProxy | undefined;
    /** A: the subscribers' instance (killed with -9 near the end); B: takes the writes; C: gets SIGTERM. */
    let a: ApiProcess;
    let b: ApiProcess;
    let c: ApiProcess;
    let processes: ApiProcess[] = [];
    let tenantId: string;
    /** The demo tenant's open meeting, where the workloads ask and vote. */
    let meetingId: string;
    const cookies = {} as Record<Member | 'mod', string>;
    const diagnostics: (() => string)[] = [];

    const lastSeq = async (): Promise<number> => {
      const { rows } = await sql.query('select last_seq from event_sequences where tenant_id = $1', [
        tenantId,
      ]);
      return Number(rows[0]?.last_seq);
    };

    const subscriber = (lastEventId: number, target: () => string, maxAttempts = 100): ResumingSubscriber => {
      const created = new ResumingSubscriber({
        path: STREAM_PATH,
        cookie: cookies.mod,
        lastEventId: String(lastEventId),
        target,
        retryMs: 100,
        maxAttempts,
      });
      diagnostics.push(
        () =>
          `subscriber connections: ${JSON.stringify(
            created.connections.map((connection) => ({
              ...connection,
              ids: `${connection.ids[0]}..${connection.ids.at(-1)} (${connection.ids.length})`,
            })),
          )}\nfailed attempts: ${JSON.stringify(created.failedAttempts)}`,
      );
      return created;
    };

    const workload = (via: ApiProcess, label: string) =>
      new Workload(() => via.url, { alice: cookies.alice, bob: cookies.bob }, `[${bus}] ${label}`, meetingId);

    /**
     * The subscriber received exactly the events after `from`, once each and in order, each with a
     * consecutive id; they are the outbox rows written since, and each mutation has its event.
     */
    async function expectExactly(
      sub: ResumingSubscriber,
      from: number,
      mutations: DoneMutation[],
    ): Promise<void> {
      const ids = sub.ids();
      expect(new Set(ids).size, 'no event arrives twice').toBe(ids.length);
      expect(ids, 'consecutive ids, in order, none missing').toEqual(range(from, mutations.length));

      const { rows } = await sql.query<{ seq: string; type: string }>(
        'select seq, type from events where tenant_id = $1 and seq > $2 order by seq',
        [tenantId, from],
      );
      expect(ids, 'the ids are exactly the new outbox rows').toEqual(rows.map((row) => Number(row.seq)));

      const envelopes = sub.events.map((event) => JSON.parse(event.data) as Envelope);
      expect(envelopes.map((envelope) => envelope.type)).toEqual(rows.map((row) => row.type));
      for (const envelope of envelopes) expect(envelope.tenantId).toBe(tenantId);

      const created = envelopes
        .filter((envelope) => envelope.type === 'question:created')
        .map((envelope) => ({ id: envelope.data.id, body: envelope.data.body }));
      const submitted = mutations
        .filter((mutation) => mutation.kind === 'submit')
        .map((mutation) => ({ id: mutation.questionId, body: mutation.body }));
      expect(sortById(created)).toEqual(sortById(submitted));

      const upvoted = envelopes
        .filter((envelope) => envelope.type === 'question:upvoted')
        .map((envelope) => ({ id: envelope.data.questionId, upvoteCount: envelope.data.upvoteCount }));
      const upvotes = mutations
        .filter((mutation) => mutation.kind === 'upvote')
        .map((mutation) => ({ id: mutation.questionId, upvoteCount: mutation.upvoteCount }));
      expect(sortById(upvoted)).toEqual(sortById(upvotes));
    }

    /** Every reconnection asked to resume from the last id of the connection before it. */
    function expectResumedFromLastId(sub: ResumingSubscriber, from: number): void {
      let previous = String(from);
      for (const connection of sub.connections) {
        expect(connection.lastEventIdSent, `Last-Event-ID of the connection to ${connection.url}`).toBe(
          previous,
        );
        previous = connection.ids.at(-1) ?? previous;
      }
    }

    /** Milliseconds from each mutation's response to its event's arrival (negative: event came first). */
    function latencies(sub: ResumingSubscriber, from: number, mutations: DoneMutation[]): number[] {
      return mutations.map((mutation, index) => {
        const event = sub.events.find((candidate) => Number(candidate.id) === from + 1 + index);
        return (event?.receivedAt ?? Number.POSITIVE_INFINITY) - mutation.doneAt;
      });
    }

    /** Cuts instance `api`'s own bus connection from the server side; returns how many were cut. */
    async function dropBusConnection(api: ApiProcess): Promise<number> {
      if (bus === 'postgres') {
        const ports = api.localPortsTo(Number(new URL(database.url).port || 5432));
        const { rows } = await sql.query<{ terminated: boolean }>(
          `select pg_terminate_backend(pid) as terminated from pg_stat_activity
           where datname = $1 and query ilike 'LISTEN%' and ($2::int[] is null or client_port = any($2::int[]))`,
          [database.name, ports ? [...ports] : null],
        );
        return rows.filter((row) => row.terminated).length;
      }
      const subscribers = await pubsubClients(api);
      for (const client of subscribers) await redis?.call('CLIENT', 'KILL', 'ID', client.id);
      return subscribers.length;
    }

    /** The Redis pub/sub connections of `api` (all of them when /proc is unavailable). */
    async function pubsubClients(api: ApiProcess): Promise<{ id: string; port: number }[]> {
      if (!redis || !redisUrl) throw new Error('no Redis connection');
      const ports =
        api === a && redisProxy
          ? redisProxy.upstreamPorts()
          : api.localPortsTo(Number(new URL(redisUrl).port || 6379));
      const list = String(await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
      return list
        .split('\n')
        .map((line) => ({
          id: /(?:^| )id=(\d+)/.exec(line)?.[1] ?? '',
          port: Number(/(?:^| )addr=\S+:(\d+)/.exec(line)?.[1]),
        }))
        .filter((client) => client.id && (!ports || ports.has(client.port)));
    }

    async function busConnected(api: ApiProcess): Promise<boolean> {
      if (bus === 'redis') return (await pubsubClients(api)).length > 0;
      const ports = api.localPortsTo(Number(new URL(database.url).port || 5432));
      const { rows } = await sql.query<{ listening: string }>(
        `select count(*) as listening from pg_stat_activity
         where datname = $1 and query ilike 'LISTEN%' and ($2::int[] is null or client_port = any($2::int[]))`,
        [database.name, ports ? [...ports] : null],
      );
      return Number(rows[0]?.listening) > 0;
    }

    /**
     * A subscriber on A (never reconnecting) from the newest event, and a workload `label` through B
     * whose first question has reached the subscriber: A's hub follows the tenant, so that the
     * latencies measured from then on are live ones.
     */
    async function liveOnA(
      label: string,
    ): Promise<{ from: number; sub: ResumingSubscriber; work: Workload }> {
      const from = await lastSeq();
      const sub = subscriber(from, () => a.url, 1);
      await sub.start();
      const work = workload(b, label);
      await afterSentinel(work, from, sub);
      return { from, sub, work };
    }

    /**
     * Submits one more question through B and waits until each subscriber has it: events are ordered
     * per tenant, so a duplicate or stray event due before it has arrived by then.
     */
    async function afterSentinel(
      work: Workload,
      from: number,
      ...subs: Pick<ResumingSubscriber, 'waitForId'>[]
    ): Promise<void> {
      await work.submit('alice');
      await Promise.all(subs.map((sub) => sub.waitForId(from + work.done.length, 8000)));
    }

    /**
     * Once A's bus connection is back (after `what` took it down), mutations through B reach the
     * subscriber on A live again; then the subscriber must have every event since `from`, once each.
     */
    async function expectLiveOnceBusIsBack(
      sub: ResumingSubscriber,
      from: number,
      work: Workload,
      what: string,
    ): Promise<void> {
      await expect
        .poll(() => busConnected(a), {
          message: `A's bus connection to come back after ${what}`,
          timeout: 8000,
          interval: 100,
        })
        .toBe(true);
      const afterwards = work.done.length;
      for (let index = 0; index < 6; index += 1) {
        await work.submit(MEMBERS[index % 2] ?? 'alice');
        await sleep(120);
      }
      await sub.waitForId(from + work.done.length, 5000);
      await afterSentinel(work, from, sub);
      await sub.stop();

      await expectExactly(sub, from, await mutationsInSequenceOrder(from, work.done));
      const live = latencies(sub, from + afterwards, work.done.slice(afterwards));
      expect(median(live), `latencies after ${what}: ${live.join(', ')} ms`).toBeLessThan(250);
    }

    beforeAll(async () => {
      if (!adminUrl) return;
      const started = Date.now();
      database = await createScratchDatabase(adminUrl);
      sql = new pg.Client({ connectionString: database.url });
      await sql.connect();
      let proxiedRedisUrl = redisUrl;
      if (bus === 'redis' && redisUrl) {
        redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
        const target = new URL(redisUrl);
        redisProxy = await TcpProxy.start(`tcp://${target.hostname}:${target.port || 6379}`);
        target.hostname = '127.0.0.1';
        target.port = String(redisProxy.port);
        proxiedRedisUrl = target.toString();
      }
      // Three processes start at once on the empty database: they race to migrate and seed it.
      const starting = ['A', 'B', 'C'].map((name) =>
        ApiProcess.start({
          name,
          databaseUrl: database.url,
          bus,
          redisUrl: name === 'A' ? proxiedRedisUrl : redisUrl,
        }),
      );
      const results = await Promise.allSettled(starting);
      processes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw failed.reason;
      [a, b, c] = processes as [ApiProcess, ApiProcess, ApiProcess];
      console.log(`[${bus}] three API processes ready in ${Date.now() - started} ms`);

      const { rows } = await sql.query<{ id: string }>('select id from tenants where slug = $1', [TENANT]);
      tenantId = rows[0]?.id ?? '';
      expect(tenantId, 'the demo tenant was seeded once').toMatch(/^[0-9a-f-]{36}$/);
      const { rows: open } = await sql.query<{ id: string }>(
        "select id from meetings where tenant_id = $1 and state = 'open'",
        [tenantId],
      );
      meetingId = open[0]?.id ?? '';
      const { rows: tenants } = await sql.query('select slug from tenants order by slug');
      expect(tenants.map((row) => row.slug)).toEqual(['acme', 'demo']);
      const { rows: questions } = await sql.query(
        'select count(*) as count from questions where meeting_id = $1',
        [meetingId],
      );
      expect(Number(questions[0]?.count), "the open meeting's demo questions were seeded once").toBe(20);
      const seeders = processes.filter((api) => api.logs().includes('Seeded the demo tenants'));
      expect(seeders, 'exactly one of the racing processes seeded').toHaveLength(1);

      // Sessions live in the shared database: sign in on one instance, use the cookie on any.
      cookies.alice = await signIn(a.url, 'alice@demo.test');
      cookies.bob = await signIn(b.url, 'bob@demo.test');
      cookies.mod = await signIn(b.url, 'mod@demo.test');
    });

    beforeEach(({ onTestFailed }) => {
      diagnostics.length = 0;
      onTestFailed(() => {
        for (const describe of diagnostics) console.error(`[${bus}] ${describe()}`);
        for (const api of processes) {
          console.error(
            `[${bus}] ---- ${api.name} (pid ${api.child.pid}, ${api.describeExit()}) output ----\n${api.logs().slice(-6000)}`,
          );
        }
      });
    });

    afterAll(async () => {
      killAllProcesses();
      await Promise.all(
        processes.map((api) => within(api.exited, 5000, `${api.name} to exit`).catch(() => {})),
      );
      redis?.disconnect();
      await redisProxy?.close();
      await sql?.end().catch(() => {});
      await database?.drop();
    }, 20_000);

    it(
      'a subscriber on A receives every mutation made through B, once each, in order, as they happen',
      async () => {
        const { from, sub, work } = await liveOnA('fan-out');
        const live = from + work.done.length;

        // Ten submits one after another, alternating alice and bob...
        for (let index = 0; index < 10; index += 1) await work.submit(MEMBERS[index % 2] ?? 'alice');
        const sequential = work.done.slice(live - from);
        // ...then twenty at once: each of those ten upvoted by the other member, and ten more submits.
        await Promise.all([
          ...sequential.map((question) => work.upvote(other(question.by), question.questionId)),
          ...range(0, 10).map((index) => work.submit(MEMBERS[index % 2] ?? 'alice')),
        ]);
        expect(work.done).toHaveLength(live - from + 30);

        await sub.waitForId(live + 30, 10_000);
        await afterSentinel(work, from, sub);
        await sub.stop();

        expect(sub.connections, 'one connection, never dropped').toHaveLength(1);
        // Concurrent mutations commit in sequence order, which need not be the order their responses came back.
        const bySeq = await mutationsInSequenceOrder(from, work.done);
        await expectExactly(sub, from, bySeq);

        // Delivered through the bus, not by the once-a-second safety-net poll (which would be ~500 ms).
        const measured = latencies(sub, live, sequential);
        expect(median(measured), `latencies ${measured.join(', ')} ms`).toBeLessThan(250);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'A keeps delivering when its bus connection is cut, and its bus reconnects',
      async () => {
        const { from, sub, work } = await liveOnA('bus cut');

        expect(await busConnected(a), 'A listens on the bus before the cut').toBe(true);
        // Cut A's bus connection, and keep cutting it for 1.5 s while mutations go through B, so the
        // notifications published meanwhile never reach A (a Redis client is back within milliseconds,
        // so a single cut would hardly miss one): A must find those events by itself.
        expect(await dropBusConnection(a), "A's bus connection was found and cut").toBeGreaterThan(0);
        const stormUntil = Date.now() + 1500;
        const storm = (async () => {
          while (Date.now() < stormUntil) {
            await dropBusConnection(a);
            await sleep(20);
          }
        })();
        await work.submit('alice');
        await work.submit('bob');
        await Promise.all([work.upvote('bob', work.done[0]?.questionId ?? ''), work.submit('alice')]);
        for (let index = 0; index < 3; index += 1) {
          await sleep(200);
          await work.submit(MEMBERS[index % 2] ?? 'alice');
        }
        await within(storm, 5000, 'the cuts to stop');
        const burst = work.done.length;
        await sub.waitForId(from + burst, 5000);

        await expectLiveOnceBusIsBack(sub, from, work, 'the cuts');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'A keeps delivering through a bus outage in which its first reconnection fails, and its bus comes back',
      async () => {
        const { from, sub, work } = await liveOnA('bus outage');
        expect(await busConnected(a), 'A listens on the bus before the outage').toBe(true);

        // An outage of A's bus: its connection is cut and new ones are refused until its first
        // reconnection attempt has failed (PostgresBus retries after 1 s; ioredis retries with backoff).
        const refusals = () => a.logs().split(REFUSED_RECONNECTION[bus]).length - 1;
        const refusedBefore = refusals();
        if (bus === 'postgres') {
          expect(await dropBusConnection(a), "A's LISTEN connection was cut").toBeGreaterThan(0);
          await adminQuery(adminUrl ?? '', `alter database ${database.name} with allow_connections false`);
        } else {
          if (!redisProxy) throw new Error('A is not behind the Redis proxy');
          redisProxy.accepting = false;
          expect(redisProxy.cut(), "A's Redis connections were cut").toBeGreaterThan(0);
        }
        try {
          // Through B's pooled connections: A hears nothing of these, yet must deliver them.
          for (let index = 0; index < 4; index += 1) await work.submit(MEMBERS[index % 2] ?? 'alice');
          await sub.waitForId(from + work.done.length, 5000);
          await expect
            .poll(refusals, { message: "A's bus to fail to reconnect", timeout: 8000, interval: 100 })
            .toBeGreaterThan(refusedBefore);
        } finally {
          if (bus === 'postgres') {
            await adminQuery(adminUrl ?? '', `alter database ${database.name} with allow_connections true`);
          } else if (redisProxy) {
            redisProxy.accepting = true;
          }
        }

        await expectLiveOnceBusIsBack(sub, from, work, 'the outage');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'a client whose connection drops resumes from its last id, on the same or another instance',
      async () => {
        const from = await lastSeq();
        // First on A, then B, then A again: a load balancer may send a reconnect anywhere.
        const sub = subscriber(from, () => (sub.connections.length % 2 === 0 ? a.url : b.url));
        await sub.start();
        const work = workload(b, 'client drop');
        const flow = work.flow(30, 40);

        await sub.waitForId(from + 6, 5000);
        sub.current?.drop();
        await expect.poll(() => sub.connections.length, { timeout: 3000 }).toBe(2);
        await sub.waitForId(from + 16, 5000);
        sub.current?.drop();
        await expect.poll(() => sub.connections.length, { timeout: 3000 }).toBe(3);

        await within(flow, 15_000, 'the mutations');
        await sub.waitForId(from + 30, 5000);
        await afterSentinel(work, from, sub);
        await sub.stop();

        expect(sub.connections.map((connection) => connection.url)).toEqual([a.url, b.url, a.url]);
        expectResumedFromLastId(sub, from);
        await expectExactly(sub, from, await mutationsInSequenceOrder(from, work.done));
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'kill -9 of the instance clients are attached to: they resume on B, nothing lost or duplicated',
      async () => {
        const from = await lastSeq();
        const toLive = () => (a.available ? a.url : b.url);
        const sub = subscriber(from, toLive);
        await sub.start();
        // The typed client too: httpSubscriptionLink over the `eventsource` package, reconnecting on its own.
        const typed = new TrpcSubscriber({
          cookie: cookies.mod,
          tenant: TENANT,
          lastEventId: String(from),
          target: toLive,
        });
        diagnostics.push(
          () =>
            `tRPC requests: ${JSON.stringify(typed.requests)}\ntRPC errors: ${JSON.stringify(typed.errors)}`,
        );
        typed.start();
        const work = workload(b, 'kill -9');
        const flow = work.flow(40, 50);

        await sub.waitForId(from + 12, 5000);
        await typed.waitForId(from + 12, 5000);
        a.kill('SIGKILL');
        const killedAt = Date.now();
        const exit = await within(a.exited, 5000, 'A to die');
        expect(exit.signal).toBe('SIGKILL');

        await within(flow, 20_000, 'the mutations through B');
        await sub.waitForId(from + 40, 8000);
        await typed.waitForId(from + 40, 10_000); // an EventSource waits 3 s before it reconnects
        await afterSentinel(work, from, sub, typed);
        await sub.stop();
        typed.stop();

        const [onA, ...after] = sub.connections;
        expect(onA?.url).toBe(a.url);
        expect(onA?.ids.length).toBeGreaterThanOrEqual(12);
        expect(onA?.ids.length, 'A was killed mid-way').toBeLessThan(40);
        expect(after.map((connection) => connection.url)).toEqual([b.url]);
        expect(after[0]?.lastEventIdSent, 'resumed from the last id seen on A').toBe(onA?.ids.at(-1));
        expect((after[0]?.openedAt ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(3000);
        expectResumedFromLastId(sub, from);
        await expectExactly(sub, from, await mutationsInSequenceOrder(from, work.done));

        // The tRPC stream: the same events with the same ids, once each, resumed on B from its last id.
        expect(typed.errors).toEqual([]);
        expect(typed.ids(), 'tRPC: consecutive ids, in order, none missing or repeated').toEqual(
          range(from, work.done.length),
        );
        expect(typed.events.map((event) => event.data)).toEqual(
          sub.events.map((event) => JSON.parse(event.data) as Envelope),
        );
        const [firstRequest, ...reconnections] = typed.requests;
        expect(firstRequest?.url.startsWith(a.url)).toBe(true);
        expect(reconnections.length).toBeGreaterThan(0);
        for (const request of reconnections) expect(request.url.startsWith(b.url)).toBe(true);
        const reconnectedAt = reconnections[0]?.at ?? 0;
        const lastOnA = typed.events.filter((event) => event.receivedAt < reconnectedAt).at(-1)?.id;
        expect(reconnections[0]?.lastEventIdHeader, 'tRPC resumed from the last id seen on A').toBe(lastOnA);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'SIGTERM ends open streams promptly; the client resumes on B with nothing lost',
      async () => {
        const from = await lastSeq();
        const sub = subscriber(from, () => (c.available ? c.url : b.url));
        await sub.start();
        const work = workload(b, 'SIGTERM');
        const flow = work.flow(30, 50);

        await sub.waitForId(from + 8, 5000);
        const onC = sub.current;
        if (!onC) throw new Error('the subscriber is not connected to C');
        c.kill('SIGTERM');
        const signalledAt = Date.now();
        const ended = await within(onC.ended, 4000, "C's stream to end");
        expect(ended.at - signalledAt, "C's stream ends within 2 s of SIGTERM").toBeLessThan(2000);
        const exit = await within(c.exited, 8000, 'C to exit');
        expect(exit.at - signalledAt, 'C exits within 6 s of SIGTERM').toBeLessThan(6000);
        expect(exit.code, 'C exits cleanly').toBe(0);
        expect(c.logs()).toContain('SIGTERM received');

        await within(flow, 20_000, 'the mutations through B');
        await sub.waitForId(from + 30, 8000);
        await afterSentinel(work, from, sub);
        await sub.stop();

        expect(sub.connections.map((connection) => connection.url)).toEqual([c.url, b.url]);
        expect(sub.connections[0]?.ids.length, 'C was stopped mid-way').toBeLessThan(30);
        expectResumedFromLastId(sub, from);
        await expectExactly(sub, from, await mutationsInSequenceOrder(from, work.done));
      },
      TEST_TIMEOUT_MS,
    );

    /** The mutations ordered by the outbox sequence of their events (matched by question and kind). */
    async function mutationsInSequenceOrder(
      from: number,
      mutations: DoneMutation[],
    ): Promise<DoneMutation[]> {
      const { rows } = await sql.query<{ seq: string; type: string; data: string }>(
        'select seq, type, data from events where tenant_id = $1 and seq > $2 order by seq',
        [tenantId, from],
      );
      const remaining = [...mutations];
      const ordered: DoneMutation[] = [];
      for (const row of rows) {
        const data = JSON.parse(row.data) as { id?: string; questionId?: string; upvoteCount?: number };
        const index = remaining.findIndex((mutation) =>
          row.type === 'question:created'
            ? mutation.kind === 'submit' && mutation.questionId === data.id
            : mutation.kind === 'upvote' &&
              mutation.questionId === data.questionId &&
              mutation.upvoteCount === data.upvoteCount,
        );
        const [match] = index < 0 ? [] : remaining.splice(index, 1);
        if (match) ordered.push(match);
      }
      expect(remaining, 'every mutation wrote exactly one outbox event').toEqual([]);
      return ordered;
    }
  });
});

function sortById<T extends { id: unknown }>(items: T[]): T[] {
  return [...items].sort((x, y) => String(x.id).localeCompare(String(y.id)));
}
