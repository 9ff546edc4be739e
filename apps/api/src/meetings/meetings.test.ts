import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, failureOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';

const alpha = { tenant: 'alpha' } as const;
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
/** How long a scheduled change may take to be seen on a busy machine: a bound, not a pace. */
const SCHEDULED = { timeout: 30_000, interval: 50 };

describe.each(DIALECTS)('meetings on %s', (dialect) => {
  let app: TestApp;
  let owner: Client;
  let admin: Client;
  let moderator: Client;
  let member: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect, { schedulerIntervalMs: 100 });
    [owner, admin, moderator, member] = await app.clients('owner', 'admin', 'moderator', 'member');
  });
  afterAll(() => app?.close());

  const create = (title: string, fields: { opensAt?: string | null; closesAt?: string | null } = {}) =>
    moderator.meeting.create.mutate({ ...alpha, title, ...fields });

  it('creates a meeting that waits for a moderator, with its event in the same transaction', async () => {
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    const meeting = await create('Q1 kickoff');
    expect(meeting).toMatchObject({ title: 'Q1 kickoff', state: 'scheduled', opensAt: null, paused: false });
    expect(meeting.code).toMatch(/^\d{6}$/);
    expect(meeting.effective).toEqual({ requireApproval: false, allowGuests: false });
    expect(await eventsOf(app, app.tenantIds.alpha, before)).toEqual([
      expect.objectContaining({
        type: 'meeting:created',
        audience: 'all',
        data: expect.objectContaining({ id: meeting.id, state: 'scheduled', code: meeting.code }),
      }),
    ]);
  });

  it('opens a meeting at once when its opening time has come, and keeps times in UTC', async () => {
    const meeting = await create('Stand-up', { opensAt: '2020-01-01T10:00:00+02:00' });
    expect(meeting).toMatchObject({ state: 'open', opensAt: '2020-01-01T08:00:00.000Z' });
    expect(meeting.openedAt).not.toBeNull();
  });

  it('refuses a closing time already past, and one before the opening time after an update', async () => {
    const past = await failureOf(create('Too late', { closesAt: '2020-01-01T00:00:00Z' }));
    expect(past).toEqual({ code: 'BAD_REQUEST', message: 'closesAt: must be in the future' });
    const meeting = await create('Planned', { opensAt: inMinutes(60), closesAt: inMinutes(120) });
    const backwards = moderator.meeting.update.mutate({
      ...alpha,
      meetingId: meeting.id,
      opensAt: inMinutes(180),
    });
    expect(await failureOf(backwards)).toEqual({
      code: 'BAD_REQUEST',
      message: 'closesAt: must be after opensAt',
    });
  });

  it('updates only the fields sent and announces the meeting as it is now', async () => {
    const meeting = await create('Draft title', { opensAt: inMinutes(60) });
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    const updated = await moderator.meeting.update.mutate({
      ...alpha,
      meetingId: meeting.id,
      title: 'Final title',
      allowGuests: true,
    });
    expect(updated).toMatchObject({ title: 'Final title', opensAt: meeting.opensAt, allowGuests: true });
    expect(updated.effective.allowGuests).toBe(true);
    const events = await eventsOf(app, app.tenantIds.alpha, before);
    expect(events.map((event) => [event.type, (event.data as { title: string }).title])).toEqual([
      ['meeting:updated', 'Final title'],
    ]);
  });

  it('opens, closes and reopens, refusing a transition the state does not allow by naming the state', async () => {
    const meeting = await create('All-hands', { opensAt: inMinutes(60) });
    const ids = { ...alpha, meetingId: meeting.id };
    expect(await failureOf(moderator.meeting.close.mutate(ids))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: 'The meeting is scheduled and has not opened yet',
    });
    expect((await moderator.meeting.open.mutate(ids)).state).toBe('open');
    expect(await failureOf(moderator.meeting.open.mutate(ids))).toEqual({
      code: 'PRECONDITION_FAILED',
      message: 'The meeting is already open',
    });
    const closed = await moderator.meeting.close.mutate(ids);
    expect(closed).toMatchObject({ state: 'closed' });
    expect(closed.closedAt).not.toBeNull();
    expect((await failureOf(moderator.meeting.close.mutate(ids))).message).toBe(
      'The meeting is already closed',
    );
    const reopened = await moderator.meeting.open.mutate(ids);
    expect(reopened).toMatchObject({ state: 'open', closedAt: null });
  });

  it('clears a closing time already past when a closed meeting reopens, so it is not closed again', async () => {
    const meeting = await create('Short one', { closesAt: new Date(Date.now() + 400).toISOString() });
    const ids = { ...alpha, meetingId: meeting.id };
    await moderator.meeting.open.mutate(ids);
    await expect.poll(async () => (await member.meeting.get.query(ids)).state, SCHEDULED).toBe('closed');
    const reopened = await moderator.meeting.open.mutate(ids);
    expect(reopened).toMatchObject({ state: 'open', closesAt: null });
  });

  it('lists open meetings newest-opened first, upcoming by opening time (unscheduled last), past newest-closed first', async () => {
    const later = await create('Later', { opensAt: inMinutes(300) });
    const sooner = await create('Sooner', { opensAt: inMinutes(200) });
    const open1 = await create('Open one', { opensAt: '2020-01-01T00:00:00Z' });
    const open2 = await create('Open two', { opensAt: '2020-01-01T00:00:00Z' });
    const closedFirst = await create('Closed first', { opensAt: '2020-01-01T00:00:00Z' });
    const closedSecond = await create('Closed second', { opensAt: '2020-01-01T00:00:00Z' });
    await moderator.meeting.close.mutate({ ...alpha, meetingId: closedFirst.id });
    await moderator.meeting.close.mutate({ ...alpha, meetingId: closedSecond.id });

    const before = await lastSeqOf(app, app.tenantIds.alpha);
    const all = await member.meeting.list.query(alpha);
    expect(all.sequence).toBe(before);
    const titles = (items: { title: string }[]) => items.map((item) => item.title);
    const open = await member.meeting.list.query({ ...alpha, when: 'open' });
    expect(titles(open.items).indexOf(open2.title)).toBeLessThan(titles(open.items).indexOf(open1.title));
    const upcoming = titles((await member.meeting.list.query({ ...alpha, when: 'upcoming' })).items);
    expect(upcoming.indexOf(sooner.title)).toBeLessThan(upcoming.indexOf(later.title));
    expect(upcoming.at(-1)).not.toBe(later.title);
    const unscheduled = (await member.meeting.list.query({ ...alpha, when: 'upcoming' })).items.at(-1);
    expect(unscheduled?.opensAt).toBeNull();
    const past = titles((await member.meeting.list.query({ ...alpha, when: 'past' })).items);
    expect(past.indexOf(closedSecond.title)).toBeLessThan(past.indexOf(closedFirst.title));
    const states = all.items.map((item) => item.state);
    expect(states).toEqual([...states].sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b)));
  });

  it('reads a closed meeting as its archive and counts each reader once as a participant', async () => {
    const meeting = await create('Archive', { opensAt: '2020-01-01T00:00:00Z' });
    const ids = { ...alpha, meetingId: meeting.id };
    await moderator.meeting.close.mutate(ids);
    const snapshot = await member.meeting.get.query(ids);
    await member.meeting.get.query(ids);
    expect(snapshot).toMatchObject({ id: meeting.id, state: 'closed' });
    expect(snapshot.sequence).toBe(await lastSeqOf(app, app.tenantIds.alpha));
    const visitors = await app.db
      .selectFrom('meetingVisitors')
      .selectAll()
      .where('meetingId', '=', meeting.id)
      .execute();
    expect(visitors.map((visitor) => visitor.visitorId)).toEqual([app.userIds.member]);
  });

  it('counts a service reading the meeting as a participant, but not a presenter screen', async () => {
    const meeting = await create('Screens and services', { opensAt: '2020-01-01T00:00:00Z' });
    const ids = { ...alpha, meetingId: meeting.id };
    const display = await owner.tenant.createDisplayLink.mutate(alpha);
    const service = await owner.tenant.createServiceToken.mutate({
      ...alpha,
      name: 'reader',
      role: 'member',
    });
    expect((await app.client({ bearer: display.token }).meeting.get.query(ids)).id).toBe(meeting.id);
    expect((await app.client({ bearer: service.token }).meeting.get.query(ids)).id).toBe(meeting.id);
    const visitors = await app.db
      .selectFrom('meetingVisitors')
      .select('visitorId')
      .where('meetingId', '=', meeting.id)
      .execute();
    expect(visitors).toEqual([{ visitorId: service.id }]);
  });

  it('lets moderators and above run meetings, and only admins and owners delete them', async () => {
    const refused = await failureOf(member.meeting.create.mutate({ ...alpha, title: 'Mine' }));
    expect(refused.code).toBe('FORBIDDEN');
    const meeting = await create('To delete', { opensAt: '2020-01-01T00:00:00Z' });
    const ids = { ...alpha, meetingId: meeting.id };
    await app.expectNoChange(() => member.meeting.close.mutate(ids), 'FORBIDDEN');
    await app.expectNoChange(() => moderator.meeting.delete.mutate(ids), 'FORBIDDEN');
    expect((await admin.meeting.delete.mutate(ids)).id).toBe(meeting.id);
    expect((await failureOf(owner.meeting.get.query(ids))).code).toBe('NOT_FOUND');
  });

  it('deletes a meeting with its questions and announces it; its code then leads nowhere', async () => {
    const meeting = await create('Doomed', { opensAt: '2020-01-01T00:00:00Z' });
    const ids = { ...alpha, meetingId: meeting.id };
    const question = await member.question.submit.mutate({ ...ids, body: 'Will this survive?' });
    await owner.question.upvote.mutate({ ...ids, questionId: question.id });
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    await owner.meeting.delete.mutate(ids);
    const left = await app.db.selectFrom('questions').select('id').where('id', '=', question.id).execute();
    expect(left).toEqual([]);
    const upvotes = await app.db
      .selectFrom('upvotes')
      .select('voterId')
      .where('questionId', '=', question.id)
      .execute();
    expect(upvotes).toEqual([]);
    expect((await eventsOf(app, app.tenantIds.alpha, before)).map((event) => event.type)).toEqual([
      'meeting:deleted',
    ]);
    expect(await failureOf(app.client().auth.joinLink.query({ code: meeting.code }))).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no meeting with this code',
    });
  });

  it("refuses another tenant's meeting exactly like an id that exists nowhere", async () => {
    const betaOwner = await app.as('betaOwner');
    const foreign = { tenant: 'beta', meetingId: app.meetingIds.alpha };
    const random = { tenant: 'beta', meetingId: crypto.randomUUID() };
    for (const call of [
      (ids: typeof foreign) => betaOwner.meeting.get.query(ids),
      (ids: typeof foreign) => betaOwner.meeting.close.mutate(ids),
      (ids: typeof foreign) => betaOwner.meeting.update.mutate({ ...ids, title: 'Taken over' }),
      (ids: typeof foreign) => betaOwner.meeting.delete.mutate(ids),
    ]) {
      expect(await failureOf(call(foreign))).toEqual(await failureOf(call(random)));
      expect(await failureOf(call(foreign))).toEqual({ code: 'NOT_FOUND', message: 'Meeting not found' });
    }
  });

  it('opens and closes scheduled meetings by themselves, once each', async () => {
    const opensAt = new Date(Date.now() + 500).toISOString();
    const closesAt = new Date(Date.now() + 1200).toISOString();
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    const meeting = await create('On time', { opensAt, closesAt });
    const ids = { ...alpha, meetingId: meeting.id };
    expect(meeting.state).toBe('scheduled');
    // Whether a poll catches it open in between is up to the machine; its events say it opened, once.
    await expect.poll(async () => (await member.meeting.get.query(ids)).state, SCHEDULED).toBe('closed');
    const transitions = (await eventsOf(app, app.tenantIds.alpha, before)).filter(
      (event) => (event.data as { id?: string }).id === meeting.id,
    );
    expect(transitions.map((event) => event.type)).toEqual([
      'meeting:created',
      'meeting:opened',
      'meeting:closed',
    ]);
    const [, opened, closed] = transitions;
    expect(opened?.timestamp).toBeGreaterThanOrEqual(Date.parse(opensAt));
    expect(closed?.timestamp).toBeGreaterThanOrEqual(Date.parse(closesAt));
  });
});

const ORDER = ['open', 'scheduled', 'closed'];
