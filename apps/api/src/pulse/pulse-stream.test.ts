import type { LatestPayload } from '@pulsestage/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendEvent } from '../events/outbox/writer.js';
import { type Client, startTestApp, type TestApp, uniqueLabel } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING } from '../test-support/fixture.js';
import { lastSeqOf } from '../test-support/outbox.js';
import { insertPulseQuestion } from '../test-support/pulse.js';
import {
  type CollectedStream,
  type Credentials,
  credentialHeaders,
  itemsBeforeSentinel,
  LIVE_WAIT_MS,
  OpenStreams,
  openRawStream,
  sessionCredentials,
  subscribeTrpc,
  waitFor,
} from '../test-support/sse.js';
import { truncateToHour } from './calendar.js';

vi.setConfig({ testTimeout: 60_000 });

const alpha = { tenant: 'alpha' } as const;

/** Who receives pulse answers live: admins and owners, however they connect. */
const RECIPIENTS = ['admin', 'owner', 'adminToken'] as const;
/** Who never does, though they follow the same tenant. */
const BYSTANDERS = ['member', 'moderator', 'display', 'memberToken'] as const;
type Subscriber = (typeof RECIPIENTS)[number] | (typeof BYSTANDERS)[number];
const SUBSCRIBERS: Subscriber[] = [...RECIPIENTS, ...BYSTANDERS];

interface RecordedAnswer {
  seq: number;
  data: LatestPayload<'pulse.response.recorded'>;
}

const TRANSPORTS = DIALECTS.flatMap((dialect) =>
  (['/events', 'events.subscribe'] as const).map((transport) => ({ dialect, transport })),
);

describe.each(TRANSPORTS)('pulse answers on $transport over $dialect', ({ dialect, transport }) => {
  let app: TestApp;
  let author: Client;
  let questionId: string;
  let credentials: Record<Subscriber, Credentials>;
  const streams = new OpenStreams();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const [admin, owner] = await app.clients('admin', 'owner');
    author = await app.as('member2');
    const cookies = await sessionCredentials(app, 'admin', 'owner', 'member', 'moderator');
    const token = (role: 'admin' | 'member') =>
      owner.tenant.createServiceToken.mutate({ ...alpha, name: `pulse ${role}`, role });
    credentials = {
      ...cookies,
      adminToken: { bearer: (await token('admin')).token },
      memberToken: { bearer: (await token('member')).token },
      display: { bearer: (await admin.tenant.createDisplayLink.mutate(alpha)).token },
    };
    questionId = await insertPulseQuestion(app.db, app.tenantIds.alpha);
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app?.close());

  /** A stream of alpha for `subscriber` resuming after `lastEventId`, once the server has started it. */
  async function open(subscriber: Subscriber, lastEventId: number): Promise<CollectedStream> {
    const given = credentials[subscriber];
    if (transport === 'events.subscribe') {
      const stream = streams.add(subscribeTrpc(app, given, { ...alpha, lastEventId: String(lastEventId) }));
      await waitFor(
        () => stream.started > 0 || stream.errors.length > 0,
        LIVE_WAIT_MS,
        `${subscriber}'s stream`,
      );
      expect(stream.errors).toEqual([]);
      return stream;
    }
    const stream = streams.add(
      await openRawStream(app, '/events?tenant=alpha', {
        ...credentialHeaders(given),
        'last-event-id': String(lastEventId),
      }),
    );
    expect(stream.status, stream.body).toBe(200);
    await waitFor(() => stream.frames.length > 0, LIVE_WAIT_MS, `${subscriber}'s stream`);
    return stream;
  }

  const openAll = (lastEventId: number) =>
    Promise.all(SUBSCRIBERS.map((subscriber) => open(subscriber, lastEventId)));

  /** Records an answer's event as answering does: admins only, then told to the streams. */
  async function recordAnswer(score: number): Promise<RecordedAnswer> {
    const data = {
      questionId,
      teamId: null,
      score,
      cohortName: null,
      submittedAt: truncateToHour(new Date()),
    };
    const tenantId = app.tenantIds.alpha;
    const seq = await app.db
      .transaction()
      .execute((trx) => appendEvent(trx, tenantId, { type: 'pulse.response.recorded', data }, 'admins'));
    await app.hub.announce(tenantId);
    return { seq, data };
  }

  const pulseEvent = (answer: RecordedAnswer) => [answer.seq, 'pulse.response.recorded.v1', answer.data];

  /**
   * What each subscriber's stream of each set received before a question everyone sees, as [id, type,
   * data], the data of questions aside.
   */
  async function receivedBySubscriber(...sets: CollectedStream[][]) {
    const before = await itemsBeforeSentinel(author, sets.flat());
    return sets.map((_, set) =>
      Object.fromEntries(
        SUBSCRIBERS.map((subscriber, index) => [
          subscriber,
          (before[set * SUBSCRIBERS.length + index] ?? []).map(({ id, event }) => [
            Number(id),
            event.type,
            event.type === 'question:created' ? null : event.data,
          ]),
        ]),
      ),
    );
  }

  it('reaches admins, owners and admin tokens live, never members, moderators, display links or member tokens', async () => {
    // From the current position, named: nothing appended once the streams are open can fall before it.
    const opened = await openAll(await lastSeqOf(app, app.tenantIds.alpha));
    const answer = await recordAnswer(4);
    const [received = {}] = await receivedBySubscriber(opened);
    for (const subscriber of RECIPIENTS) {
      expect(received[subscriber], subscriber).toEqual([pulseEvent(answer)]);
    }
    for (const subscriber of BYSTANDERS) expect(received[subscriber], subscriber).toEqual([]);
  });

  it('resumes exactly after a pulse event for every subscriber, whether or not it could see it', async () => {
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    const first = await recordAnswer(1);
    await author.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('between two answers') });
    const second = await recordAnswer(5);
    const between = [first.seq + 1, 'question:created', null];
    expect(second.seq).toBe(first.seq + 2);

    const [fromBefore = {}, fromFirst = {}] = await receivedBySubscriber(
      await openAll(before),
      await openAll(first.seq),
    );
    for (const subscriber of RECIPIENTS) {
      expect(fromBefore[subscriber], subscriber).toEqual([pulseEvent(first), between, pulseEvent(second)]);
      expect(fromFirst[subscriber], subscriber).toEqual([between, pulseEvent(second)]);
    }
    for (const subscriber of BYSTANDERS) {
      expect(fromBefore[subscriber], subscriber).toEqual([between]);
      expect(fromFirst[subscriber], subscriber).toEqual([between]);
    }
  });
});
