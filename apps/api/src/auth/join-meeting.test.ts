import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  failureOf,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';

const alpha = { tenant: 'alpha' } as const;

/** Joining with a meeting's six digits: the join page's preview, members, guests and the refusals. */
describe.each(DIALECTS)('joining a meeting by its code on %s', (dialect) => {
  let app: TestApp;
  let admin: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [admin] = await app.clients('admin');
  });
  afterAll(() => app?.close());

  const newMeeting = (allowGuests: boolean | null = null) =>
    admin.meeting.create.mutate({
      ...alpha,
      title: 'Town hall',
      opensAt: '2020-01-01T00:00:00Z',
      allowGuests,
    });
  const setTenantGuests = (allowGuests: boolean) =>
    admin.tenant.updateSettings.mutate({ ...alpha, allowGuests });
  const joinAsGuest = (code: string, name = 'Visitor') =>
    app.raw('POST', 'auth.joinWithCode', { code, name });

  it('previews the meeting behind a code written as on screen, with the guest rule in force', async () => {
    const meeting = await newMeeting(true);
    expect(await app.client().auth.joinLink.query({ code: `#${meeting.code}` })).toEqual({
      tenant: 'alpha',
      name: 'Alpha Inc',
      allowGuests: true,
      meeting: { id: meeting.id, title: 'Town hall', state: 'open' },
    });
  });

  it('lets a signed-in account join the tenant as a member and land in the meeting', async () => {
    const meeting = await newMeeting();
    const { client } = await app.newAccount('attendee');
    expect(await client.auth.joinWithCode.mutate({ code: `#${meeting.code}` })).toEqual({
      tenant: 'alpha',
      meetingId: meeting.id,
    });
    expect((await client.tenant.get.query(alpha)).role).toBe('member');
    expect((await client.meeting.get.query({ ...alpha, meetingId: meeting.id })).title).toBe('Town hall');
  });

  it('admits guests when the meeting allows them, even where the tenant does not', async () => {
    await setTenantGuests(false);
    const meeting = await newMeeting(true);
    const response = await joinAsGuest(meeting.code);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ result: { data: { tenant: 'alpha', meetingId: meeting.id } } });
    const guest = app.client({ cookie: sessionCookieFrom(response.headers) ?? '' });
    expect(await guest.auth.me.query()).toMatchObject({ guest: true, name: 'Visitor' });
    const question = await guest.question.submit.mutate({
      ...alpha,
      meetingId: meeting.id,
      body: 'From a guest',
    });
    expect(question.mine).toBe(true);
  });

  it('refuses guests, creating nothing, when the meeting (or else its tenant) does not take them', async () => {
    await setTenantGuests(true);
    const closedToGuests = await newMeeting(false);
    await app.expectNoChange(
      () => app.client().auth.joinWithCode.mutate({ code: closedToGuests.code, name: 'Gatecrasher' }),
      'FORBIDDEN',
    );
    expect(
      (await failureOf(app.client().auth.joinWithCode.mutate({ code: closedToGuests.code, name: 'X' })))
        .message,
    ).toBe('This meeting does not accept guests; sign in to join');
    await setTenantGuests(false);
    const tenantDefault = await newMeeting();
    expect(
      (await failureOf(app.client().auth.joinWithCode.mutate({ code: tenantDefault.code, name: 'X' }))).code,
    ).toBe('FORBIDDEN');
    expect((await failureOf(app.client().auth.joinWithCode.mutate({ code: tenantDefault.code }))).code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('keeps out someone an admin removed, even with a meeting code', async () => {
    const meeting = await newMeeting();
    const leaver = await app.newAccount('leaver');
    await leaver.client.auth.joinWithCode.mutate({ code: meeting.code });
    await admin.tenant.removeMember.mutate({ ...alpha, userId: leaver.userId });
    const refused = await failureOf(leaver.client.auth.joinWithCode.mutate({ code: meeting.code }));
    expect(refused).toEqual({
      code: 'FORBIDDEN',
      message: 'An admin removed you from Alpha Inc; ask them to let you back in',
    });
  });

  it("leads a closed meeting's code to its archive, and an unknown code nowhere", async () => {
    const meeting = await newMeeting();
    await admin.meeting.close.mutate({ ...alpha, meetingId: meeting.id });
    const { client } = await app.newAccount('late-comer');
    expect(await client.auth.joinWithCode.mutate({ code: meeting.code })).toEqual({
      tenant: 'alpha',
      meetingId: meeting.id,
    });
    expect((await client.auth.joinLink.query({ code: meeting.code })).meeting?.state).toBe('closed');
    const unused = meeting.code === '000000' ? '000001' : '000000';
    const taken = await app.db.selectFrom('meetings').select('id').where('code', '=', unused).execute();
    expect(taken).toEqual([]);
    expect(await failureOf(client.auth.joinWithCode.mutate({ code: unused }))).toEqual({
      code: 'NOT_FOUND',
      message: 'There is no meeting with this code',
    });
  });
});
