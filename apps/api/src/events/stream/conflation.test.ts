/**
 * Conflation on the wire: of upvote counts still waiting for a subscriber only the newest of each
 * question goes out, with its own id, on every transport, live and on resume; every other event goes
 * out as before, and resuming from any id a subscriber got leaves it where a full replay would.
 */
import type { LatestEvent } from '@pulsestage/contracts';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING } from '../../test-support/fixture.js';
import {
  closeStreams,
  idsOnceReceived,
  type MeetingStream,
  openStream,
  type Transport,
} from '../../test-support/meeting-streams.js';
import { lastSeqOf } from '../../test-support/outbox.js';
import { type Credentials, sessionCredentials, submitQuestions } from '../../test-support/sse.js';
import type { Audience } from '../outbox/writer.js';
import { ItemSink } from './sinks.js';

const TRANSPORTS: Transport[] = ['plain', 'trpc', 'trpc-client'];
const alphaMeeting = ALPHA_MEETING;
const meetingId = ALPHA_MEETING.meetingId;

interface BurstEvent {
  event: LatestEvent;
  audience?: Audience;
}

const upvoted = (questionId: string, upvoteCount: number): BurstEvent => ({
  event: { type: 'question:upvoted', data: { meetingId, questionId, upvoteCount } },
});

/** What a stream shows of each event: its id, and its count when it is one. */
const shown = (stream: MeetingStream, after: number) =>
  stream.events
    .filter(({ id }) => Number(id) > after)
    .map(({ id, event }) => ({ id: Number(id), type: event.type, data: event.data }));

describe.each(DIALECTS)('conflation on %s', (dialect) => {
  let app: TestApp;
  let member: Credentials;
  let moderator: Credentials;
  let questions: string[];
  const open: MeetingStream[] = [];

  /** Commits `events` to alpha's outbox in one transaction, so one read finds them all, then says so. */
  async function commitBurst(events: BurstEvent[]): Promise<number> {
    const tenantId = app.tenantIds.alpha;
    const first = await app.db.transaction().execute(async (trx) => {
      const { lastSeq } = await trx
        .updateTable('eventSequences')
        .set({ lastSeq: sql`last_seq + ${events.length}` })
        .where('tenantId', '=', tenantId)
        .returning('lastSeq')
        .executeTakeFirstOrThrow();
      const start = Number(lastSeq) - events.length + 1;
      const rows = events.map(({ event, audience = 'all' }, index) => ({
        tenantId,
        seq: start + index,
        type: event.type,
        meetingId,
        audience,
        data: JSON.stringify(event.data),
        timestamp: Date.now(),
      }));
      await trx.insertInto('events').values(rows).execute();
      return start;
    });
    await app.hub.announce(tenantId);
    return first;
  }

  async function stream(transport: Transport, credentials: Credentials, lastEventId?: number) {
    const input =
      lastEventId === undefined ? alphaMeeting : { ...alphaMeeting, lastEventId: String(lastEventId) };
    const opened = await openStream(app.url, transport, credentials, input);
    open.push(opened);
    return opened;
  }

  /** A burst over two questions: counts that supersede each other around events that never do. */
  function burst(): BurstEvent[] {
    const [first = '', second = ''] = questions;
    return [
      upvoted(first, 1),
      upvoted(second, 1),
      { event: { type: 'question:frozen', data: { meetingId, frozen: false } } },
      upvoted(first, 2),
      upvoted(second, 0),
      { ...upvoted(second, 5), audience: 'moderators' },
      upvoted(first, 3),
    ];
  }

  /** What a member is written of `burst()` committed from `start` (version 1): ids 3, 5 and 7 of the seven. */
  function expectedForMember(start: number) {
    const [first, second] = questions;
    return [
      { id: start + 2, type: 'question:frozen', data: { frozen: false } },
      {
        id: start + 4,
        type: 'question:upvoted',
        data: { questionId: second, upvoteCount: 0 },
      },
      {
        id: start + 6,
        type: 'question:upvoted',
        data: { questionId: first, upvoteCount: 3 },
      },
    ];
  }

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const author = await app.as('member');
    questions = (await submitQuestions(author, 2)).map((question) => question.id);
    ({ member, moderator } = await sessionCredentials(app, 'member', 'moderator'));
  });
  afterEach(() => {
    expect(closeStreams(open)).toEqual([]);
  });
  afterAll(() => app.close());

  it.each(TRANSPORTS)(
    'writes a live burst as the newest count of each question, with its id (%s)',
    async (transport) => {
      const live = await stream(transport, member);
      const start = await commitBurst(burst());
      await idsOnceReceived(live, 3);
      expect(shown(live, start - 1)).toEqual(expectedForMember(start));
    },
  );

  it.each(TRANSPORTS)(
    'never lets an event for a narrower audience replace one a member saw (%s)',
    async (transport) => {
      const live = await stream(transport, moderator);
      const start = await commitBurst(burst());
      await idsOnceReceived(live, 4);
      const counts = shown(live, start - 1).filter(({ type }) => type === 'question:upvoted');
      expect(counts.map(({ id }) => id)).toEqual([start + 4, start + 5, start + 6]);
    },
  );

  it.each(TRANSPORTS)(
    'resumes into the same state from before, inside and after a burst (%s)',
    async (transport) => {
      const before = await lastSeqOf(app, app.tenantIds.alpha);
      const start = await commitBurst(burst());
      const expected = expectedForMember(start);
      const fromBefore = await stream(transport, member, before);
      await idsOnceReceived(fromBefore, 3);
      expect(shown(fromBefore, before)).toEqual(expected);

      const [, fromSecondCount] = expected;
      const resumed = await stream(transport, member, fromSecondCount?.id);
      await idsOnceReceived(resumed, 1);
      expect(shown(resumed, before)).toEqual(expected.slice(2));
    },
  );
});

describe('an in-process subscriber queue', () => {
  const item = (id: number, questionId: string, upvoteCount: number) => ({
    id: String(id),
    event: {
      type: 'question:upvoted.v2' as const,
      tenantId: 'tenant',
      data: { meetingId, questionId, upvoteCount },
      timestamp: 0,
    },
  });

  it('keeps only the newest count of each question until its consumer takes them', async () => {
    const sink = new ItemSink(10, undefined);
    for (const [id, questionId, count] of [
      [1, 'a', 1],
      [2, 'b', 1],
      [3, 'a', 2],
    ] as const)
      expect(sink.push(item(id, questionId, count))).toBe(true);
    sink.end();
    const taken: string[] = [];
    for await (const received of sink.drain()) taken.push(received.id ?? '');
    expect(taken).toEqual(['2', '3']);
  });
});
