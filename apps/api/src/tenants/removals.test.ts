import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  errorCodeOf,
  failureOf,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { newMember } from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;
const REFUSAL = 'An admin removed you from Alpha Inc; ask them to let you back in';

/** Removing a member is a ban from join links until an admin lets them back in. */
describe.each(DIALECTS)('removed members on %s', (dialect) => {
  let app: TestApp;
  let admin: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    admin = await app.as('admin');
  });
  afterAll(() => app.close());

  const removedIds = async () => (await admin.tenant.removedMembers.query(alpha)).map((r) => r.userId);

  it('keeps a removed account out of every join link until an admin lets them back in', async () => {
    const leaver = await newMember(app, admin);
    await admin.tenant.removeMember.mutate({ ...alpha, userId: leaver.userId });
    expect(await admin.tenant.removedMembers.query(alpha)).toContainEqual({
      userId: leaver.userId,
      email: leaver.email,
      name: 'new-member',
      guest: false,
      removedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    const { code } = await admin.tenant.createJoinLink.mutate(alpha);
    const before = await failureOf(leaver.client.auth.joinWithCode.mutate({ code }));
    expect(before).toEqual({ code: 'FORBIDDEN', message: REFUSAL });
    await app.expectNoChange(() => leaver.client.auth.joinWithCode.mutate({ code }), 'FORBIDDEN');

    const stillRemoved = await admin.tenant.readmitMember.mutate({ ...alpha, userId: leaver.userId });
    expect(stillRemoved.map((removed) => removed.userId)).not.toContain(leaver.userId);
    expect(await leaver.client.auth.joinWithCode.mutate({ code })).toEqual({ ...alpha, meetingId: null });
    const members = await admin.tenant.members.query(alpha);
    expect(members.find((member) => member.userId === leaver.userId)?.role).toBe('member');
    expect(await removedIds()).not.toContain(leaver.userId);
  });

  it('keeps a removed guest out too, with the same guest account', async () => {
    await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: true });
    try {
      const { code } = await admin.tenant.createJoinLink.mutate(alpha);
      const joined = await app.raw('POST', 'auth.joinWithCode', { code, name: 'Guest' });
      const cookie = sessionCookieFrom(joined.headers) ?? '';
      const guest = app.client({ cookie });
      const me = await guest.auth.me.query();
      await admin.tenant.removeMember.mutate({ ...alpha, userId: me?.id ?? '' });
      expect(await failureOf(guest.auth.joinWithCode.mutate({ code }))).toEqual({
        code: 'FORBIDDEN',
        message: REFUSAL,
      });
      await admin.tenant.readmitMember.mutate({ ...alpha, userId: me?.id ?? '' });
      expect(await guest.auth.joinWithCode.mutate({ code })).toEqual({ ...alpha, meetingId: null });
    } finally {
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: false });
    }
  });

  it('lets only admins see removed people and let them back in', async () => {
    const leaver = await newMember(app, admin);
    await admin.tenant.removeMember.mutate({ ...alpha, userId: leaver.userId });
    for (const account of ['moderator', 'member'] as const) {
      const client = await app.as(account);
      expect(await errorCodeOf(client.tenant.removedMembers.query(alpha))).toBe('FORBIDDEN');
      await app.expectNoChange(
        () => client.tenant.readmitMember.mutate({ ...alpha, userId: leaver.userId }),
        'FORBIDDEN',
      );
    }
    await app.expectNoChange(
      () => admin.tenant.readmitMember.mutate({ ...alpha, userId: randomUUID() }),
      'NOT_FOUND',
    );
    expect(await removedIds()).toContain(leaver.userId);
  });
});
