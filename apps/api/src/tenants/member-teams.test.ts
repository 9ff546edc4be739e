import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  failureOf,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { newMember } from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;

/** A member's team is what their pulse answers count for; admins set it. */
describe.each(DIALECTS)('member teams on %s', (dialect) => {
  let app: TestApp;
  let admin: Client;
  let teamId: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    admin = await app.as('admin');
    teamId = (await admin.team.create.mutate({ ...alpha, name: 'Platform' })).id;
  });
  afterAll(() => app.close());

  const teamOf = async (userId: string) =>
    (await admin.tenant.members.query(alpha)).find((member) => member.userId === userId)?.teamId;

  it('sets and clears a member’s team and answers with the members', async () => {
    const person = await newMember(app, admin);
    const members = await admin.tenant.setMemberTeam.mutate({ ...alpha, userId: person.userId, teamId });
    expect(members.find((member) => member.userId === person.userId)).toMatchObject({
      teamId,
      role: 'member',
    });
    expect(await teamOf(person.userId)).toBe(teamId);
    // Any role has a team: an owner answers check-ins too.
    await app
      .as('owner')
      .then((owner) => owner.tenant.setMemberTeam.mutate({ ...alpha, userId: app.userIds.owner, teamId }));
    expect(await teamOf(app.userIds.owner)).toBe(teamId);

    await admin.tenant.setMemberTeam.mutate({ ...alpha, userId: person.userId, teamId: null });
    expect(await teamOf(person.userId)).toBeNull();

    const recorded = await admin.audit.list.query({
      ...alpha,
      action: 'member.setTeam',
      targetId: person.userId,
    });
    expect(recorded.items.map(({ target, summary }) => ({ target, summary }))).toEqual([
      { target: { type: 'member', id: person.userId }, summary: { team: { from: 'Platform', to: null } } },
      { target: { type: 'member', id: person.userId }, summary: { team: { from: null, to: 'Platform' } } },
    ]);
  });

  it("refuses another tenant's team like an unknown one, and another tenant's member like an unknown one", async () => {
    const betaOwner = await app.as('betaOwner');
    const betaTeam = await betaOwner.team.create.mutate({ tenant: 'beta', name: 'Beta Platform' });
    const teamFailures = [];
    for (const foreignTeam of [betaTeam.id, crypto.randomUUID()]) {
      const call = () =>
        admin.tenant.setMemberTeam.mutate({ ...alpha, userId: app.userIds.member, teamId: foreignTeam });
      await app.expectNoChange(call, 'BAD_REQUEST');
      teamFailures.push(await failureOf(call()));
    }
    expect(teamFailures).toEqual([
      { code: 'BAD_REQUEST', message: 'teamId: is not a team of this organization' },
      { code: 'BAD_REQUEST', message: 'teamId: is not a team of this organization' },
    ]);
    for (const userId of [app.userIds.betaMember, crypto.randomUUID()]) {
      const call = () => admin.tenant.setMemberTeam.mutate({ ...alpha, userId, teamId });
      await app.expectNoChange(call, 'NOT_FOUND');
      expect((await failureOf(call())).message).toBe('Member not found');
    }
  });

  it('gives guests no team, as they are never invited to check-ins', async () => {
    await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: true });
    try {
      const { code } = await admin.tenant.createJoinLink.mutate(alpha);
      const joined = await app.raw('POST', 'auth.joinWithCode', { code, name: 'Guest' });
      const guest = app.client({ cookie: sessionCookieFrom(joined.headers) ?? '' });
      const guestId = (await guest.auth.me.query())?.id ?? '';
      const call = () => admin.tenant.setMemberTeam.mutate({ ...alpha, userId: guestId, teamId });
      await app.expectNoChange(call, 'PRECONDITION_FAILED');
      expect((await failureOf(call())).message).toBe('A guest is never invited to check-ins, so has no team');
      // Setting none is what they have already.
      await admin.tenant.setMemberTeam.mutate({ ...alpha, userId: guestId, teamId: null });
      expect(await teamOf(guestId)).toBeNull();
    } finally {
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: false });
    }
  });

  it('is for admins and owners only', async () => {
    for (const account of ['moderator', 'member', 'betaOwner'] as const) {
      const caller = await app.as(account);
      await app.expectNoChange(
        () => caller.tenant.setMemberTeam.mutate({ ...alpha, userId: app.userIds.member2, teamId }),
        'FORBIDDEN',
      );
    }
  });
});
