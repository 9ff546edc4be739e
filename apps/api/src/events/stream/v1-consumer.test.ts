import {
  type EventType,
  isEventType,
  type LatestEvent,
  schemaOf,
  toVersion,
  wireName,
} from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestApp, type TestApp } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { type MeetingStream, openStream, type Transport } from '../../test-support/meeting-streams.js';
import { eventsOf, lastSeqOf } from '../../test-support/outbox.js';
import { sessionCredentials, waitFor } from '../../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;
/** A consumer written before meetings: no `versions`, no filter. */
const V1_TRANSPORTS: Transport[] = ['plain', 'trpc-client'];

/** What a v1 consumer receives for a whole meeting's life, in order. */
const LIFE = [
  'meeting:created.v1',
  'meeting:updated.v1',
  'meeting:opened.v1',
  'question:pending',
  'question:created',
  'question:upvoted',
  'question:tagged',
  'question:untagged',
  'question:pinned',
  'question:frozen',
  'question:frozen',
  'question:edited.v1',
  'question:hidden.v1',
  'question:restored.v1',
  'question:answered',
  'question:reopened.v1',
  'question:answered',
  'question:pending',
  'question:removed',
  'meeting:closed.v1',
  'meeting:deleted.v1',
];

/** Every version-1 question family as it was published before meetings: none of them names one. */
const SEED_FAMILIES = new Set([
  'question:created',
  'question:upvoted',
  'question:answered',
  'question:tagged',
  'question:untagged',
  'question:pinned',
  'question:frozen',
  'question:removed',
  'question:pending',
]);

/** Creates, runs, closes and deletes a meeting, touching every question and meeting event family. */
async function liveAMeeting(actors: { member: Client; member2: Client; moderator: Client; admin: Client }) {
  const { member, member2, moderator, admin } = actors;
  const meeting = await moderator.meeting.create.mutate({ ...alpha, title: 'Life', requireApproval: true });
  const inMeeting = { ...alpha, meetingId: meeting.id };
  await moderator.meeting.update.mutate({ ...inMeeting, title: 'A whole life' });
  await moderator.meeting.open.mutate(inMeeting);
  const question = await member.question.submit.mutate({ ...inMeeting, body: 'Does v1 still work?' });
  const asked = { ...inMeeting, questionId: question.id };
  await moderator.question.approve.mutate(asked);
  await member2.question.upvote.mutate(asked);
  const tag = await moderator.tag.create.mutate({ ...alpha, name: 'Compat', color: '#224466' });
  await moderator.question.tag.mutate({ ...asked, tagId: tag.id });
  await moderator.question.untag.mutate({ ...asked, tagId: tag.id });
  await moderator.question.pin.mutate({ ...asked, pinned: true });
  await moderator.queue.freeze.mutate({ ...inMeeting, frozen: true });
  await moderator.queue.freeze.mutate({ ...inMeeting, frozen: false });
  await moderator.question.edit.mutate({ ...asked, body: 'Does version 1 still work?' });
  await moderator.question.hide.mutate(asked);
  await moderator.question.restore.mutate(asked);
  await moderator.question.answer.mutate({ ...asked, responseText: null });
  await moderator.question.reopen.mutate(asked);
  await moderator.question.answer.mutate({ ...asked, responseText: 'It does.' });
  const rejected = await member.question.submit.mutate({ ...inMeeting, body: 'Off topic' });
  await moderator.question.reject.mutate({ ...inMeeting, questionId: rejected.id });
  await moderator.meeting.close.mutate(inMeeting);
  await admin.meeting.delete.mutate(inMeeting);
  return question;
}

describe.each(DIALECTS)('a version-1 consumer through a meeting’s life on %s', (dialect) => {
  let app: TestApp;
  let actors: { member: Client; member2: Client; moderator: Client; admin: Client };
  let streams: Record<Transport, MeetingStream>;
  let startSeq: number;
  let question: { id: string };

  beforeAll(async () => {
    app = await startTestApp(dialect);
    const [member, member2, moderator, admin] = await app.clients('member', 'member2', 'moderator', 'admin');
    actors = { member, member2, moderator, admin };
    const { moderator: credentials } = await sessionCredentials(app, 'moderator');
    startSeq = await lastSeqOf(app, app.tenantIds.alpha);
    const opened = await Promise.all(
      V1_TRANSPORTS.map((transport) =>
        openStream(app.url, transport, credentials, { ...alpha, lastEventId: String(startSeq) }),
      ),
    );
    streams = Object.fromEntries(V1_TRANSPORTS.map((transport, i) => [transport, opened[i]])) as Record<
      Transport,
      MeetingStream
    >;
    question = await liveAMeeting(actors);
    for (const stream of opened) await waitFor(() => stream.events.length >= LIFE.length, 10_000);
  });
  afterAll(async () => {
    for (const stream of Object.values(streams)) stream.close();
    await app.close();
  });

  it.each(V1_TRANSPORTS)('over %s, gets the new families only under their new names', (transport) => {
    const stream = streams[transport];
    expect(stream.problems).toEqual([]);
    expect(stream.presence).toEqual([]);
    expect(stream.events.map(({ event }) => event.type)).toEqual(LIFE);
  });

  it.each(V1_TRANSPORTS)(
    'over %s, gets every question event of the seed families exactly as version 1, without the meeting',
    async (transport) => {
      const stored = new Map(
        (await eventsOf(app, app.tenantIds.alpha, startSeq)).map((event) => [String(event.seq), event]),
      );
      for (const { id, event } of streams[transport].events) {
        const row = stored.get(id);
        expect(row, `event ${id} is in the outbox`).toBeDefined();
        if (!row || !isEventType(row.type)) throw new Error(`unknown stored type ${row?.type}`);
        const type: EventType = row.type;
        const v1 = toVersion({ type, data: row.data } as LatestEvent, 1) as Record<string, unknown>;
        expect(event.type).toBe(wireName(type, 1));
        // Rejecting blanks the question's text in the log; live, its event may have gone out before that.
        const redacted = v1.body === '';
        expect(event.data).toEqual(redacted ? { ...v1, body: expect.any(String) } : v1);
        expect(schemaOf(type, 1)?.parse(event.data)).toEqual(event.data);
        if (SEED_FAMILIES.has(event.type)) expect(event.data).not.toHaveProperty('meetingId');
      }
    },
  );

  it('gets an answer given live as version 1 always had it: a text, here empty', () => {
    const answers = streams.plain.events
      .map(({ event }) => event)
      .filter((event) => event.type === 'question:answered');
    expect(answers.map((event) => event.data)).toEqual([
      { id: question.id, status: 'ANSWERED', responseText: '' },
      { id: question.id, status: 'ANSWERED', responseText: 'It does.' },
    ]);
  });
});
