import { MEETING_PRESENCE } from '@pulsestage/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING } from '../../test-support/fixture.js';
import {
  type MeetingStream,
  openRaw,
  openStream,
  type Transport,
} from '../../test-support/meeting-streams.js';
import { lastSeqOf } from '../../test-support/outbox.js';
import {
  type Credentials,
  type Instance,
  sessionCredentials,
  startInstance,
  waitFor,
} from '../../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;
/** Short, so counts settle in a fraction of a second; rows expire after three intervals. */
const INTERVAL_MS = 100;

const latest = (stream: MeetingStream) => stream.presence.at(-1);

describe.each(DIALECTS)('meeting presence on %s', (dialect) => {
  let app: TestApp;
  let member: Credentials;
  let other: string;
  const open: MeetingStream[] = [];

  async function watch(url: string, transport: Transport, meetingId?: string): Promise<MeetingStream> {
    const lastEventId = String(await lastSeqOf(app, app.tenantIds.alpha));
    const stream = await openStream(url, transport, member, { ...alpha, meetingId, lastEventId });
    open.push(stream);
    return stream;
  }

  async function expectWatching(stream: MeetingStream, watching: number): Promise<void> {
    await waitFor(() => latest(stream) === watching, 5000, `watching ${watching}, last ${latest(stream)}`);
  }

  const presenceRows = () => app.db.selectFrom('meetingPresence').selectAll().execute();

  const engineLog: string[] = [];

  beforeAll(async () => {
    app = await startTestApp(dialect, {
      presenceIntervalMs: INTERVAL_MS,
      engineLog: (message) => engineLog.push(message),
    });
    ({ member } = await sessionCredentials(app, 'member'));
    const moderator = await app.as('moderator');
    other = (await moderator.meeting.create.mutate({ ...alpha, title: 'Side room' })).id;
  });
  afterEach(() => {
    for (const stream of open.splice(0)) {
      stream.close();
      expect(stream.problems).toEqual([]);
    }
  });
  afterAll(() => app.close());

  it('stops counting a meeting deleted under its open streams, without failing', async () => {
    const admin = await app.as('admin');
    const doomed = (await admin.meeting.create.mutate({ ...alpha, title: 'Deleted soon' })).id;
    const watcher = await watch(app.url, 'plain', doomed);
    const bystander = await watch(app.url, 'plain', other);
    await expectWatching(watcher, 1);
    await admin.meeting.delete.mutate({ ...alpha, meetingId: doomed });
    const deletedAt = Date.now();
    // A refresh after the deletion has stored the other meeting's count again.
    await waitFor(async () =>
      (await presenceRows()).some((row) => row.meetingId === other && Number(row.seenAt) > deletedAt),
    );
    expect((await presenceRows()).filter((row) => row.meetingId === doomed)).toEqual([]);
    expect(engineLog).toEqual([]);
    expect(latest(bystander)).toBe(1);
  });

  it('tells each new subscriber the count right away, then every subscriber each change', async () => {
    const first = await watch(app.url, 'plain', ALPHA_MEETING.meetingId);
    await waitFor(() => first.presence.length > 0);
    expect(first.presence[0]).toBe(1);

    const second = await watch(app.url, 'trpc', ALPHA_MEETING.meetingId);
    await waitFor(() => second.presence.length > 0);
    expect(second.presence[0]).toBe(2);
    await expectWatching(first, 2);

    const elsewhere = await watch(app.url, 'trpc-client', other);
    await expectWatching(elsewhere, 1);
    const unfiltered = await watch(app.url, 'trpc-client');

    second.close();
    await expectWatching(first, 1);
    await expectWatching(elsewhere, 1);
    expect(unfiltered.presence).toEqual([]);
    // Sent when the count changed, not on every refresh.
    expect(first.presence).toEqual([1, 2, 1]);
  });

  it('sends presence without an id, so it never moves where a stream resumes', async () => {
    const stream = await openRaw(app.url, 'plain', member, {
      ...alpha,
      meetingId: ALPHA_MEETING.meetingId,
      lastEventId: String(await lastSeqOf(app, app.tenantIds.alpha)),
    });
    open.push(stream);
    await waitFor(() => stream.presence.length > 0);
    const frames = stream.raw.frames.filter((frame) => frame.data?.includes(`"${MEETING_PRESENCE}"`));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame.id).toBeUndefined();
  });

  it('adds the counts other instances keep fresh, and forgets an instance that stopped refreshing', async () => {
    const stream = await watch(app.url, 'plain', ALPHA_MEETING.meetingId);
    await expectWatching(stream, 1);
    const instanceId = crypto.randomUUID();
    await app.db
      .insertInto('meetingPresence')
      .values({ instanceId, meetingId: ALPHA_MEETING.meetingId, watching: 5, seenAt: Date.now() })
      .execute();
    await expectWatching(stream, 6);
    await expectWatching(stream, 1);
    expect((await presenceRows()).map((row) => row.instanceId)).not.toContain(instanceId);
  });

  it('brings every subscriber to the count at each refresh, whoever came and went in between', async () => {
    const instance = await startInstance(app, { presenceIntervalMs: 60_000 });
    try {
      const { presence } = instance.engine;
      const first = await watch(instance.url, 'plain', other);
      const second = await watch(instance.url, 'trpc', other);
      await waitFor(() => second.presence.length > 0);
      await presence.refresh();
      await expectWatching(first, 2);

      const third = await watch(instance.url, 'trpc-client', other);
      await waitFor(() => third.presence.length > 0);
      second.close();
      await waitFor(() => presence.watching(other) === 2);
      await presence.refresh();
      await expectWatching(third, 2);
      expect(third.presence).toEqual([3, 2]);
      expect(first.presence).toEqual([1, 2]);
    } finally {
      await instance.close();
    }
  });

  it('removes its own rows when the engine closes', async () => {
    const instance = await startInstance(app, { presenceIntervalMs: INTERVAL_MS });
    const stream = await watch(instance.url, 'plain', other);
    await waitFor(async () => (await presenceRows()).some((row) => row.meetingId === other));
    await instance.close();
    stream.close();
    expect((await presenceRows()).filter((row) => row.meetingId === other)).toEqual([]);
  });
});

describe.runIf(DIALECTS.includes('postgres'))('meeting presence across instances on postgres', () => {
  let app: TestApp;
  let second: Instance;
  let member: Credentials;
  const open: MeetingStream[] = [];

  async function watch(url: string, transport: Transport): Promise<MeetingStream> {
    const lastEventId = String(await lastSeqOf(app, app.tenantIds.alpha));
    const meetingId = ALPHA_MEETING.meetingId;
    const stream = await openStream(url, transport, member, { ...alpha, meetingId, lastEventId });
    open.push(stream);
    return stream;
  }

  const expectWatching = (stream: MeetingStream, watching: number) =>
    waitFor(() => stream.presence.at(-1) === watching, 5000, `watching ${watching}`);

  beforeAll(async () => {
    app = await startTestApp('postgres', { presenceIntervalMs: INTERVAL_MS });
    second = await startInstance(app, { presenceIntervalMs: INTERVAL_MS });
    ({ member } = await sessionCredentials(app, 'member'));
  });
  afterEach(() => {
    for (const stream of open.splice(0)) {
      stream.close();
      expect(stream.problems).toEqual([]);
    }
  });
  afterAll(async () => {
    await second.close();
    await app.close();
  });

  it('counts the streams of both servers over one database, and follows them as they come and go', async () => {
    const here = await watch(app.url, 'plain');
    const there = await watch(second.url, 'trpc');
    await expectWatching(here, 2);
    await expectWatching(there, 2);

    const thirdStream = await watch(second.url, 'trpc-client');
    await Promise.all([here, there, thirdStream].map((stream) => expectWatching(stream, 3)));

    there.close();
    thirdStream.close();
    await expectWatching(here, 1);

    await second.close();
    const rows = await app.db.selectFrom('meetingPresence').select(['instanceId', 'watching']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.watching).toBe(1);
  });
});
