import { createHash } from 'node:crypto';
import { type Role, SUBMIT_LIMIT_DEFAULT, UPVOTE_LIMIT_DEFAULT } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCodeOf,
  failureOf,
  type NewAccount,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import {
  ACCOUNTS,
  type AccountName,
  ALPHA_MEETING,
  addMeeting,
  FIXTURE_PER_MINUTE_LIMIT,
} from '../test-support/fixture.js';
import { lastSeqOf } from '../test-support/outbox.js';
import { snapshotData } from '../test-support/snapshot.js';

const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface FreshTenant {
  slug: string;
  /** An open meeting of the tenant. */
  meetingId: string;
  owner: NewAccount;
  /** Signs up a new account and gives it `role` in this tenant (through its join link and the owner). */
  add(role: Role): Promise<NewAccount>;
}

describe.each(DIALECTS)('tenants and teams on %s', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app.close());

  /** A tenant of its own, so that tests changing roles and owners do not depend on one another. */
  async function freshTenant(): Promise<FreshTenant> {
    const owner = await app.newAccount('owner');
    const slug = uniqueLabel('org');
    const { id } = await owner.client.tenant.create.mutate({ tenant: slug, name: `Org ${slug}` });
    const meetingId = await addMeeting(app.db, id);
    const joinLink = await owner.client.tenant.joinCode.query({ tenant: slug });
    if (!joinLink) throw new Error('a new organization comes with a join link');
    const { code } = joinLink;
    return {
      slug,
      meetingId,
      owner,
      async add(role) {
        const person = await app.newAccount(role);
        await person.client.auth.joinWithCode.mutate({ code });
        if (role !== 'member') {
          await owner.client.tenant.setRole.mutate({ tenant: slug, userId: person.userId, role });
        }
        return person;
      },
    };
  }

  const as = (account: AccountName) => app.as(account);

  async function rolesIn(slug: string): Promise<Record<string, string>> {
    const rows = await app.db
      .selectFrom('memberships')
      .innerJoin('tenants', 'tenants.id', 'memberships.tenantId')
      .select(['memberships.userId', 'memberships.role'])
      .where('tenants.slug', '=', slug)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.userId, row.role]));
  }

  describe('tenant.get', () => {
    it('tells each member their own role and the settings', async () => {
      for (const account of ['owner', 'admin', 'moderator', 'member'] as const) {
        const tenant = await (await as(account)).tenant.get.query({ tenant: 'alpha' });
        expect(tenant).toEqual({
          id: app.tenantIds.alpha,
          slug: 'alpha',
          name: 'Alpha Inc',
          settings: {
            requireApproval: false,
            allowGuests: false,
            minQuestionLength: 1,
            maxQuestionLength: 2000,
            submitLimitPerMinute: FIXTURE_PER_MINUTE_LIMIT,
            upvoteLimitPerMinute: FIXTURE_PER_MINUTE_LIMIT,
            defaultLanguage: null,
          },
          role: ACCOUNTS[account].role,
          sequence: await lastSeqOf(app, app.tenantIds.alpha),
        });
      }
      expect((await (await as('betaOwner')).tenant.get.query({ tenant: 'beta' })).role).toBe('owner');
    });

    it('accepts the slug in any case', async () => {
      expect((await (await as('member')).tenant.get.query({ tenant: 'ALPHA' })).id).toBe(app.tenantIds.alpha);
    });

    it('gives a display link the tenant with role null', async () => {
      const link = await (await as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      const tenant = await app.client({ bearer: link.token }).tenant.get.query({ tenant: 'alpha' });
      expect(tenant.id).toBe(app.tenantIds.alpha);
      expect(tenant.role).toBeNull();
    });

    it('refuses non-members, anonymous callers and unknown tenants', async () => {
      const refused = await failureOf((await as('betaMember')).tenant.get.query({ tenant: 'alpha' }));
      expect(refused.code).toBe('FORBIDDEN');
      expect(refused.message).not.toContain('Alpha Inc');
      expect(await errorCodeOf(app.client().tenant.get.query({ tenant: 'alpha' }))).toBe('UNAUTHORIZED');
      expect(await errorCodeOf((await as('member')).tenant.get.query({ tenant: 'no-such-org' }))).toBe(
        'NOT_FOUND',
      );
    });
  });

  describe('tenant.create', () => {
    it('makes the creator its owner, with default settings', async () => {
      const creator = await app.newAccount('creator');
      const slug = uniqueLabel('new-org');
      const created = await creator.client.tenant.create.mutate({ tenant: slug, name: ' New Org ' });
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        slug,
        name: 'New Org',
        settings: {
          requireApproval: false,
          allowGuests: false,
          minQuestionLength: 1,
          maxQuestionLength: 2000,
          submitLimitPerMinute: SUBMIT_LIMIT_DEFAULT,
          upvoteLimitPerMinute: UPVOTE_LIMIT_DEFAULT,
          defaultLanguage: null,
        },
        role: 'owner',
      });
      expect(await creator.client.tenant.get.query({ tenant: slug })).toEqual({ ...created, sequence: 0 });
      expect((await creator.client.auth.me.query())?.memberships).toEqual([
        { tenant: slug, name: 'New Org', role: 'owner' },
      ]);
      const members = await creator.client.tenant.members.query({ tenant: slug });
      expect(members).toEqual([
        expect.objectContaining({
          userId: creator.userId,
          email: creator.email,
          role: 'owner',
          guest: false,
        }),
      ]);
      // Questions in the new tenant's first meeting can be submitted right away.
      const meetingId = await addMeeting(app.db, created.id);
      const question = await creator.client.question.submit.mutate({
        tenant: slug,
        meetingId,
        body: 'First question',
      });
      expect(question.status).toBe('OPEN');
      // Nobody else became a member.
      expect(await errorCodeOf((await as('owner')).tenant.get.query({ tenant: slug }))).toBe('FORBIDDEN');
    });

    it('comes with a join link, so its display shows a QR code from the start', async () => {
      const creator = await app.newAccount('creator');
      const slug = uniqueLabel('new-org');
      await creator.client.tenant.create.mutate({ tenant: slug, name: 'Room Org' });
      const joinCode = await creator.client.tenant.joinCode.query({ tenant: slug });
      expect(joinCode).toEqual({ code: expect.any(String) });
      const { joinLinks } = await creator.client.tenant.access.query({ tenant: slug });
      expect(joinLinks.map((link) => link.code)).toEqual([joinCode?.code]);
      const attendee = await app.newAccount('attendee');
      expect(await attendee.client.auth.joinWithCode.mutate({ code: joinCode?.code ?? '' })).toEqual({
        tenant: slug,
        meetingId: null,
      });
    });

    it('refuses a slug that is taken, in any case, with CONFLICT and changes nothing', async () => {
      const creator = await app.newAccount('squatter');
      await app.expectNoChange(
        () => creator.client.tenant.create.mutate({ tenant: 'alpha', name: 'Fake' }),
        'CONFLICT',
      );
      await app.expectNoChange(
        () => creator.client.tenant.create.mutate({ tenant: 'BETA', name: 'Fake' }),
        'CONFLICT',
      );
      expect((await creator.client.auth.me.query())?.memberships).toEqual([]);
    });

    it('refuses guests, anonymous callers and service tokens, changing nothing', async () => {
      await (await as('admin')).tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests: true });
      const { code } = await (await as('admin')).tenant.createJoinLink.mutate({ tenant: 'alpha' });
      const joined = await app.raw('POST', 'auth.joinWithCode', { code, name: 'Guest' });
      const guest = app.client({ cookie: sessionCookieFrom(joined.headers) ?? '' });
      expect((await guest.auth.me.query())?.guest).toBe(true);
      await (await as('admin')).tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests: false });

      await app.expectNoChange(
        () => guest.tenant.create.mutate({ tenant: uniqueLabel('guest-org'), name: 'G' }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => app.client().tenant.create.mutate({ tenant: uniqueLabel('anon'), name: 'A' }),
        'UNAUTHORIZED',
      );
      const { token } = await (await as('owner')).tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'creator bot',
        role: 'owner',
      });
      await app.expectNoChange(
        () =>
          app.client({ bearer: token }).tenant.create.mutate({ tenant: uniqueLabel('bot-org'), name: 'B' }),
        'UNAUTHORIZED',
      );
    });

    it('refuses a malformed slug with BAD_REQUEST naming the field', async () => {
      const creator = await app.newAccount('bad-slug');
      for (const tenant of ['-leading', 'has space', 'a', 'x'.repeat(49), 'under_score']) {
        const before = await snapshotData(app.db);
        const refused = await failureOf(creator.client.tenant.create.mutate({ tenant, name: 'Bad' }));
        expect(refused.code, tenant).toBe('BAD_REQUEST');
        expect(refused.message).toContain('tenant');
        expect(await snapshotData(app.db)).toEqual(before);
      }
    });
  });

  describe('tenant.updateSettings', () => {
    it('lets an admin change the settings', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      const updated = await admin.client.tenant.updateSettings.mutate({
        tenant: org.slug,
        name: 'Renamed Org',
        requireApproval: true,
        allowGuests: true,
        minQuestionLength: 10,
        maxQuestionLength: 500,
        submitLimitPerMinute: 3,
        upvoteLimitPerMinute: 600,
      });
      expect(updated).toMatchObject({
        slug: org.slug,
        name: 'Renamed Org',
        role: 'admin',
        settings: {
          requireApproval: true,
          allowGuests: true,
          minQuestionLength: 10,
          maxQuestionLength: 500,
          submitLimitPerMinute: 3,
          upvoteLimitPerMinute: 600,
        },
      });
      expect(await org.owner.client.tenant.get.query({ tenant: org.slug })).toEqual({
        ...updated,
        role: 'owner',
      });

      // Fields left out keep their values.
      const partial = await admin.client.tenant.updateSettings.mutate({
        tenant: org.slug,
        allowGuests: false,
      });
      expect(partial.name).toBe('Renamed Org');
      expect(partial.settings).toEqual({
        requireApproval: true,
        allowGuests: false,
        minQuestionLength: 10,
        maxQuestionLength: 500,
        submitLimitPerMinute: 3,
        upvoteLimitPerMinute: 600,
        defaultLanguage: null,
      });
      // The limits are enforced on questions.
      expect(
        await errorCodeOf(
          org.owner.client.question.submit.mutate({
            tenant: org.slug,
            meetingId: org.meetingId,
            body: 'too short',
          }),
        ),
      ).toBe('BAD_REQUEST');
    });

    it('refuses moderators and members with FORBIDDEN, changing nothing', async () => {
      for (const account of ['moderator', 'member'] as const) {
        const client = await as(account);
        await app.expectNoChange(
          () => client.tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests: true, name: 'Hijacked' }),
          'FORBIDDEN',
        );
      }
      await app.expectNoChange(
        async () => (await as('admin')).tenant.updateSettings.mutate({ tenant: 'beta', name: 'Hijacked' }),
        'FORBIDDEN',
      );
    });

    it('refuses a minimum above the maximum with BAD_REQUEST, changing nothing', async () => {
      const org = await freshTenant();
      await app.expectNoChange(
        () =>
          org.owner.client.tenant.updateSettings.mutate({
            tenant: org.slug,
            name: 'Should not stick',
            minQuestionLength: 300,
            maxQuestionLength: 200,
          }),
        'BAD_REQUEST',
      );
      await org.owner.client.tenant.updateSettings.mutate({ tenant: org.slug, minQuestionLength: 50 });
      // Against the stored minimum as well.
      await app.expectNoChange(
        () => org.owner.client.tenant.updateSettings.mutate({ tenant: org.slug, maxQuestionLength: 49 }),
        'BAD_REQUEST',
      );
      await app.expectNoChange(
        () => org.owner.client.tenant.updateSettings.mutate({ tenant: org.slug, maxQuestionLength: 2001 }),
        'BAD_REQUEST',
      );
      await app.expectNoChange(
        () => org.owner.client.tenant.updateSettings.mutate({ tenant: org.slug, minQuestionLength: 0 }),
        'BAD_REQUEST',
      );
      const equal = await org.owner.client.tenant.updateSettings.mutate({
        tenant: org.slug,
        maxQuestionLength: 50,
      });
      expect(equal.settings).toMatchObject({ minQuestionLength: 50, maxQuestionLength: 50 });
    });

    it('does not lose a concurrent change to another setting', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      for (let round = 0; round < 5; round++) {
        await org.owner.client.tenant.updateSettings.mutate({
          tenant: org.slug,
          allowGuests: false,
          requireApproval: false,
        });
        await Promise.all([
          org.owner.client.tenant.updateSettings.mutate({ tenant: org.slug, allowGuests: true }),
          admin.client.tenant.updateSettings.mutate({ tenant: org.slug, requireApproval: true }),
        ]);
        const { settings } = await org.owner.client.tenant.get.query({ tenant: org.slug });
        expect(settings, `round ${round}`).toMatchObject({ allowGuests: true, requireApproval: true });
      }
    });

    it('never stores a minimum above the maximum, even under concurrent updates', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      await Promise.allSettled([
        org.owner.client.tenant.updateSettings.mutate({ tenant: org.slug, minQuestionLength: 300 }),
        admin.client.tenant.updateSettings.mutate({ tenant: org.slug, maxQuestionLength: 200 }),
      ]);
      const { settings } = await org.owner.client.tenant.get.query({ tenant: org.slug });
      expect(settings.minQuestionLength).toBeLessThanOrEqual(settings.maxQuestionLength);
    });
  });

  describe('tenant.members', () => {
    it("lists the tenant's members with their roles for an admin, and nobody else's", async () => {
      const members = await (await as('admin')).tenant.members.query({ tenant: 'alpha' });
      const byEmail = Object.fromEntries(members.map((member) => [member.email, member]));
      for (const account of ['owner', 'admin', 'moderator', 'member', 'member2'] as const) {
        expect(byEmail[ACCOUNTS[account].email]).toMatchObject({
          userId: app.userIds[account],
          name: account,
          role: ACCOUNTS[account].role,
          guest: false,
          joinedAt: expect.any(String),
        });
      }
      const userIds = members.map((member) => member.userId);
      expect(userIds).not.toContain(app.userIds.betaOwner);
      expect(userIds).not.toContain(app.userIds.betaMember);
      expect(new Set(userIds).size).toBe(userIds.length);
    });

    it('refuses moderators, members, display links and other tenants with FORBIDDEN', async () => {
      expect(await errorCodeOf((await as('moderator')).tenant.members.query({ tenant: 'alpha' }))).toBe(
        'FORBIDDEN',
      );
      expect(await errorCodeOf((await as('member')).tenant.members.query({ tenant: 'alpha' }))).toBe(
        'FORBIDDEN',
      );
      expect(await errorCodeOf((await as('betaOwner')).tenant.members.query({ tenant: 'alpha' }))).toBe(
        'FORBIDDEN',
      );
      const link = await (await as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      expect(
        await errorCodeOf(app.client({ bearer: link.token }).tenant.members.query({ tenant: 'alpha' })),
      ).toBe('FORBIDDEN');
    });
  });

  describe('tenant.setRole', () => {
    it('lets an admin promote a member to moderator', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      const member = await org.add('member');
      const members = await admin.client.tenant.setRole.mutate({
        tenant: org.slug,
        userId: member.userId,
        role: 'moderator',
      });
      expect(members.find((m) => m.userId === member.userId)?.role).toBe('moderator');
      expect((await member.client.tenant.get.query({ tenant: org.slug })).role).toBe('moderator');
      // The new moderator can now moderate.
      expect((await member.client.team.create.mutate({ tenant: org.slug, name: 'Mods' })).name).toBe('Mods');
    });

    it('refuses an admin making an owner or changing an owner with FORBIDDEN, changing nothing', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      const member = await org.add('member');
      const call = admin.client.tenant.setRole;
      await app.expectNoChange(
        () => call.mutate({ tenant: org.slug, userId: member.userId, role: 'owner' }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => call.mutate({ tenant: org.slug, userId: admin.userId, role: 'owner' }),
        'FORBIDDEN',
      );
      for (const role of ['admin', 'moderator', 'member'] as const) {
        await app.expectNoChange(
          () => call.mutate({ tenant: org.slug, userId: org.owner.userId, role }),
          'FORBIDDEN',
        );
      }
      expect((await rolesIn(org.slug))[org.owner.userId]).toBe('owner');
    });

    it('refuses moderators and members with FORBIDDEN, changing nothing', async () => {
      const org = await freshTenant();
      const moderator = await org.add('moderator');
      const member = await org.add('member');
      await app.expectNoChange(
        () =>
          moderator.client.tenant.setRole.mutate({
            tenant: org.slug,
            userId: member.userId,
            role: 'moderator',
          }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => member.client.tenant.setRole.mutate({ tenant: org.slug, userId: member.userId, role: 'admin' }),
        'FORBIDDEN',
      );
    });

    it('lets an owner make and unmake owners', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      await org.owner.client.tenant.setRole.mutate({ tenant: org.slug, userId: admin.userId, role: 'owner' });
      expect((await admin.client.tenant.get.query({ tenant: org.slug })).role).toBe('owner');
      // The new owner can demote the first one: there is still an owner.
      await admin.client.tenant.setRole.mutate({ tenant: org.slug, userId: org.owner.userId, role: 'admin' });
      expect(await rolesIn(org.slug)).toEqual({ [org.owner.userId]: 'admin', [admin.userId]: 'owner' });
      // Now an admin, the first owner can no longer touch the owner.
      await app.expectNoChange(
        () =>
          org.owner.client.tenant.setRole.mutate({ tenant: org.slug, userId: admin.userId, role: 'member' }),
        'FORBIDDEN',
      );
    });

    it('refuses to demote the last owner with PRECONDITION_FAILED, changing nothing', async () => {
      const org = await freshTenant();
      for (const role of ['admin', 'moderator', 'member'] as const) {
        await app.expectNoChange(
          () => org.owner.client.tenant.setRole.mutate({ tenant: org.slug, userId: org.owner.userId, role }),
          'PRECONDITION_FAILED',
        );
      }
      // Keeping the owner an owner is fine.
      await org.owner.client.tenant.setRole.mutate({
        tenant: org.slug,
        userId: org.owner.userId,
        role: 'owner',
      });
      expect((await rolesIn(org.slug))[org.owner.userId]).toBe('owner');
    });

    it('keeps at least one owner when two owners demote each other at the same time', async () => {
      for (let round = 0; round < 5; round++) {
        const org = await freshTenant();
        const second = await org.add('owner');
        await Promise.allSettled([
          org.owner.client.tenant.setRole.mutate({ tenant: org.slug, userId: second.userId, role: 'admin' }),
          second.client.tenant.setRole.mutate({ tenant: org.slug, userId: org.owner.userId, role: 'admin' }),
        ]);
        const owners = Object.values(await rolesIn(org.slug)).filter((role) => role === 'owner');
        expect(owners.length, `round ${round}`).toBeGreaterThanOrEqual(1);
      }
    });

    it("answers an unknown user or another tenant's user with NOT_FOUND, changing nothing", async () => {
      const admin = await as('admin');
      await app.expectNoChange(
        () => admin.tenant.setRole.mutate({ tenant: 'alpha', userId: UNKNOWN_ID, role: 'moderator' }),
        'NOT_FOUND',
      );
      await app.expectNoChange(
        () => admin.tenant.setRole.mutate({ tenant: 'alpha', userId: app.userIds.betaMember, role: 'admin' }),
        'NOT_FOUND',
      );
      expect((await (await as('betaMember')).tenant.get.query({ tenant: 'beta' })).role).toBe('member');
      expect(await errorCodeOf((await as('betaMember')).tenant.get.query({ tenant: 'alpha' }))).toBe(
        'FORBIDDEN',
      );
    });

    it('refuses an unknown role with BAD_REQUEST', async () => {
      const before = await snapshotData(app.db);
      const response = await app.raw(
        'POST',
        'tenant.setRole',
        { tenant: 'alpha', userId: app.userIds.member, role: 'superuser' },
        { cookie: await app.cookieOf('owner') },
      );
      expect(response.status).toBe(400);
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('tenant.removeMember', () => {
    it('lets an admin remove a member, who is then refused by the tenant', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      const member = await org.add('member');
      await member.client.tenant.get.query({ tenant: org.slug });
      const members = await admin.client.tenant.removeMember.mutate({
        tenant: org.slug,
        userId: member.userId,
      });
      expect(members.map((m) => m.userId)).not.toContain(member.userId);
      expect(members.map((m) => m.userId).sort()).toEqual([admin.userId, org.owner.userId].sort());
      expect(await errorCodeOf(member.client.tenant.get.query({ tenant: org.slug }))).toBe('FORBIDDEN');
      expect(
        await errorCodeOf(member.client.question.list.query({ tenant: org.slug, meetingId: org.meetingId })),
      ).toBe('FORBIDDEN');
      await app.expectNoChange(
        () =>
          member.client.question.submit.mutate({
            tenant: org.slug,
            meetingId: org.meetingId,
            body: 'still here?',
          }),
        'FORBIDDEN',
      );
      expect((await member.client.auth.me.query())?.memberships).toEqual([]);
      // The account itself still exists.
      const user = await app.db
        .selectFrom('users')
        .select('id')
        .where('id', '=', member.userId)
        .executeTakeFirst();
      expect(user?.id).toBe(member.userId);
    });

    it('refuses an admin removing an owner with FORBIDDEN, changing nothing', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      await app.expectNoChange(
        () => admin.client.tenant.removeMember.mutate({ tenant: org.slug, userId: org.owner.userId }),
        'FORBIDDEN',
      );
    });

    it('lets an owner remove another owner but never the last one', async () => {
      const org = await freshTenant();
      const second = await org.add('owner');
      await second.client.tenant.removeMember.mutate({ tenant: org.slug, userId: org.owner.userId });
      expect(await rolesIn(org.slug)).toEqual({ [second.userId]: 'owner' });
      await app.expectNoChange(
        () => second.client.tenant.removeMember.mutate({ tenant: org.slug, userId: second.userId }),
        'PRECONDITION_FAILED',
      );
    });

    it('refuses moderators with FORBIDDEN and answers unknown users with NOT_FOUND, changing nothing', async () => {
      const org = await freshTenant();
      const moderator = await org.add('moderator');
      const member = await org.add('member');
      await app.expectNoChange(
        () => moderator.client.tenant.removeMember.mutate({ tenant: org.slug, userId: member.userId }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => org.owner.client.tenant.removeMember.mutate({ tenant: org.slug, userId: UNKNOWN_ID }),
        'NOT_FOUND',
      );
      await app.expectNoChange(
        () =>
          org.owner.client.tenant.removeMember.mutate({ tenant: org.slug, userId: app.userIds.betaMember }),
        'NOT_FOUND',
      );
    });
  });

  describe('join and display links', () => {
    it('lets only admins create links', async () => {
      for (const account of ['moderator', 'member'] as const) {
        const client = await as(account);
        await app.expectNoChange(() => client.tenant.createJoinLink.mutate({ tenant: 'alpha' }), 'FORBIDDEN');
        await app.expectNoChange(
          () => client.tenant.createDisplayLink.mutate({ tenant: 'alpha' }),
          'FORBIDDEN',
        );
      }
      const betaOwner = await as('betaOwner');
      await app.expectNoChange(
        () => betaOwner.tenant.createJoinLink.mutate({ tenant: 'alpha' }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => betaOwner.tenant.createDisplayLink.mutate({ tenant: 'alpha' }),
        'FORBIDDEN',
      );
    });

    it('creates a join link whose code lets people join', async () => {
      const link = await (await as('admin')).tenant.createJoinLink.mutate({ tenant: 'alpha' });
      expect(link).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        code: expect.any(String),
        createdAt: expect.any(String),
      });
      expect(link.code.length).toBeGreaterThanOrEqual(8);
      const row = await app.db
        .selectFrom('links')
        .selectAll()
        .where('id', '=', link.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        tenantId: app.tenantIds.alpha,
        kind: 'join',
        code: link.code,
        revokedAt: null,
      });
      const joiner = await app.newAccount('link-joiner');
      await joiner.client.auth.joinWithCode.mutate({ code: link.code });
      expect((await joiner.client.tenant.get.query({ tenant: 'alpha' })).role).toBe('member');
    });

    it('creates a display link with a psd_ token that is stored only hashed', async () => {
      const link = await (await as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      expect(link.token).toMatch(/^psd_.{26,}$/);
      const row = await app.db
        .selectFrom('links')
        .selectAll()
        .where('id', '=', link.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        tenantId: app.tenantIds.alpha,
        kind: 'display',
        code: null,
        revokedAt: null,
      });
      expect(row.tokenHash).toBe(sha256Hex(link.token));
      expect(JSON.stringify(await snapshotData(app.db))).not.toContain(link.token.slice(4));
      expect(
        (await app.client({ bearer: link.token }).tenant.get.query({ tenant: 'alpha' })).role,
      ).toBeNull();
      const second = await (await as('owner')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      expect(second.token).not.toBe(link.token);
    });

    it('stops a revoked display link and a revoked join link from working', async () => {
      const admin = await as('admin');
      const display = await admin.tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      const join = await admin.tenant.createJoinLink.mutate({ tenant: 'alpha' });
      expect(await admin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: display.id })).toEqual({
        linkId: display.id,
      });
      await admin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: join.id });
      expect(
        await errorCodeOf(app.client({ bearer: display.token }).tenant.get.query({ tenant: 'alpha' })),
      ).toBe('UNAUTHORIZED');
      const joiner = await app.newAccount('too-late');
      await app.expectNoChange(
        () => joiner.client.auth.joinWithCode.mutate({ code: join.code }),
        'NOT_FOUND',
      );
      const rows = await app.db
        .selectFrom('links')
        .select(['id', 'revokedAt'])
        .where('id', 'in', [display.id, join.id])
        .execute();
      for (const row of rows) expect(row.revokedAt).not.toBeNull();
    });

    it('answers revoking twice, or an unknown link, with NOT_FOUND', async () => {
      const admin = await as('admin');
      const link = await admin.tenant.createJoinLink.mutate({ tenant: 'alpha' });
      await admin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: link.id });
      await app.expectNoChange(
        () => admin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: link.id }),
        'NOT_FOUND',
      );
      await app.expectNoChange(
        () => admin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: UNKNOWN_ID }),
        'NOT_FOUND',
      );
    });

    it("answers revoking another tenant's link with NOT_FOUND and leaves that link working", async () => {
      const betaOwner = await as('betaOwner');
      const betaDisplay = await betaOwner.tenant.createDisplayLink.mutate({ tenant: 'beta' });
      const betaJoin = await betaOwner.tenant.createJoinLink.mutate({ tenant: 'beta' });
      const alphaAdmin = await as('admin');
      for (const linkId of [betaDisplay.id, betaJoin.id]) {
        const refused = await failureOf(alphaAdmin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId }));
        expect(refused.code).toBe('NOT_FOUND');
        const unknown = await failureOf(
          alphaAdmin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: UNKNOWN_ID }),
        );
        expect(refused.message).toBe(unknown.message);
        await app.expectNoChange(
          () => alphaAdmin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId }),
          'NOT_FOUND',
        );
        await app.expectNoChange(
          () => alphaAdmin.tenant.revokeLink.mutate({ tenant: 'beta', linkId }),
          'FORBIDDEN',
        );
      }
      expect(
        (await app.client({ bearer: betaDisplay.token }).tenant.get.query({ tenant: 'beta' })).slug,
      ).toBe('beta');
      const joiner = await app.newAccount('beta-joiner');
      expect(await joiner.client.auth.joinWithCode.mutate({ code: betaJoin.code })).toEqual({
        tenant: 'beta',
        meetingId: null,
      });
    });

    it('refuses moderators revoking links with FORBIDDEN', async () => {
      const link = await (await as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      await app.expectNoChange(
        async () => (await as('moderator')).tenant.revokeLink.mutate({ tenant: 'alpha', linkId: link.id }),
        'FORBIDDEN',
      );
      expect((await app.client({ bearer: link.token }).tenant.get.query({ tenant: 'alpha' })).slug).toBe(
        'alpha',
      );
    });
  });

  describe('service tokens', () => {
    it('creates a pst_ token, returned once and stored only hashed', async () => {
      const created = await (await as('admin')).tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: ' Slack bot ',
        role: 'member',
      });
      expect(created).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Slack bot',
        role: 'member',
        token: expect.stringMatching(/^pst_.{26,}$/),
      });
      const row = await app.db
        .selectFrom('serviceTokens')
        .selectAll()
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        tenantId: app.tenantIds.alpha,
        name: 'Slack bot',
        role: 'member',
        createdBy: app.userIds.admin,
        revokedAt: null,
      });
      expect(row.tokenHash).toBe(sha256Hex(created.token));
      expect(JSON.stringify(await snapshotData(app.db))).not.toContain(created.token.slice(4));
      expect((await app.client({ bearer: created.token }).tenant.get.query({ tenant: 'alpha' })).role).toBe(
        'member',
      );
    });

    it('lets only admins create tokens, and never above their own role', async () => {
      for (const account of ['moderator', 'member'] as const) {
        const client = await as(account);
        await app.expectNoChange(
          () => client.tenant.createServiceToken.mutate({ tenant: 'alpha', name: 'mine', role: 'member' }),
          'FORBIDDEN',
        );
      }
      const admin = await as('admin');
      await app.expectNoChange(
        () => admin.tenant.createServiceToken.mutate({ tenant: 'alpha', name: 'too strong', role: 'owner' }),
        'FORBIDDEN',
      );
      expect(
        (await admin.tenant.createServiceToken.mutate({ tenant: 'alpha', name: 'a', role: 'admin' })).role,
      ).toBe('admin');
      const owner = await as('owner');
      const ownerToken = await owner.tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'o',
        role: 'owner',
      });
      expect(
        (await app.client({ bearer: ownerToken.token }).tenant.get.query({ tenant: 'alpha' })).role,
      ).toBe('owner');
      // An admin-role token cannot mint an owner token either.
      const adminToken = await admin.tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'b',
        role: 'admin',
      });
      await app.expectNoChange(
        () =>
          app
            .client({ bearer: adminToken.token })
            .tenant.createServiceToken.mutate({ tenant: 'alpha', name: 'c', role: 'owner' }),
        'FORBIDDEN',
      );
    });

    it('lets a member-role token submit a question but not answer it', async () => {
      const { token } = await (await as('admin')).tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'asker',
        role: 'member',
      });
      const bot = app.client({ bearer: token });
      const question = await bot.question.submit.mutate({ ...ALPHA_MEETING, body: 'Submitted by a service' });
      expect(question).toMatchObject({ body: 'Submitted by a service', status: 'OPEN' });
      const stored = await app.db
        .selectFrom('questions')
        .selectAll()
        .where('id', '=', question.id)
        .executeTakeFirst();
      expect(stored?.tenantId).toBe(app.tenantIds.alpha);
      await app.expectNoChange(
        () =>
          bot.question.answer.mutate({
            ...ALPHA_MEETING,
            questionId: question.id,
            responseText: 'Self-answer',
          }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => bot.team.create.mutate({ tenant: 'alpha', name: 'Bot team' }),
        'FORBIDDEN',
      );
      const answered = await (await as('moderator')).question.answer.mutate({
        ...ALPHA_MEETING,
        questionId: question.id,
        responseText: 'Answered by a human',
      });
      expect(answered.status).toBe('ANSWERED');
    });

    it('revokes a token, which then stops working; revoking again is NOT_FOUND', async () => {
      const admin = await as('admin');
      const created = await admin.tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'temp',
        role: 'member',
      });
      expect(await admin.tenant.revokeServiceToken.mutate({ tenant: 'alpha', tokenId: created.id })).toEqual({
        tokenId: created.id,
      });
      expect(
        await errorCodeOf(app.client({ bearer: created.token }).tenant.get.query({ tenant: 'alpha' })),
      ).toBe('UNAUTHORIZED');
      const row = await app.db
        .selectFrom('serviceTokens')
        .select('revokedAt')
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(row.revokedAt).not.toBeNull();
      await app.expectNoChange(
        () => admin.tenant.revokeServiceToken.mutate({ tenant: 'alpha', tokenId: created.id }),
        'NOT_FOUND',
      );
      await app.expectNoChange(
        () => admin.tenant.revokeServiceToken.mutate({ tenant: 'alpha', tokenId: UNKNOWN_ID }),
        'NOT_FOUND',
      );
    });

    it("cannot revoke another tenant's token, and only admins revoke", async () => {
      const betaToken = await (await as('betaOwner')).tenant.createServiceToken.mutate({
        tenant: 'beta',
        name: 'beta bot',
        role: 'member',
      });
      const admin = await as('admin');
      await app.expectNoChange(
        () => admin.tenant.revokeServiceToken.mutate({ tenant: 'alpha', tokenId: betaToken.id }),
        'NOT_FOUND',
      );
      expect((await app.client({ bearer: betaToken.token }).tenant.get.query({ tenant: 'beta' })).slug).toBe(
        'beta',
      );

      const alphaToken = await admin.tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'x',
        role: 'member',
      });
      await app.expectNoChange(
        async () =>
          (await as('moderator')).tenant.revokeServiceToken.mutate({
            tenant: 'alpha',
            tokenId: alphaToken.id,
          }),
        'FORBIDDEN',
      );
      expect(
        (await app.client({ bearer: alphaToken.token }).tenant.get.query({ tenant: 'alpha' })).slug,
      ).toBe('alpha');
    });
  });

  describe('tenant.access and tenant.joinCode', () => {
    it('lists the links and tokens that still work, newest first, without their secrets', async () => {
      const org = await freshTenant();
      const owner = org.owner.client;
      const tenant = org.slug;
      const [firstJoin] = (await owner.tenant.access.query({ tenant })).joinLinks;
      const display = await owner.tenant.createDisplayLink.mutate({ tenant });
      const token = await owner.tenant.createServiceToken.mutate({
        tenant,
        name: 'slack bot',
        role: 'member',
      });
      const newerJoin = await owner.tenant.createJoinLink.mutate({ tenant });
      const listed = await owner.tenant.access.query({ tenant });
      expect(listed.joinLinks.map((link) => link.code)).toEqual([newerJoin.code, firstJoin?.code]);
      expect(listed.displayLinks).toEqual([{ id: display.id, createdAt: display.createdAt }]);
      expect(listed.serviceTokens).toEqual([
        {
          id: token.id,
          name: 'slack bot',
          role: 'member',
          effectiveRole: 'member',
          createdAt: expect.any(String),
        },
      ]);
      const text = JSON.stringify(listed);
      expect(text).not.toContain(display.token.slice(4));
      expect(text).not.toContain(token.token.slice(4));

      await owner.tenant.revokeLink.mutate({ tenant, linkId: display.id });
      await owner.tenant.revokeServiceToken.mutate({ tenant, tokenId: token.id });
      await owner.tenant.revokeLink.mutate({ tenant, linkId: newerJoin.id });
      const after = await owner.tenant.access.query({ tenant });
      expect(after).toEqual({ joinLinks: [firstJoin], displayLinks: [], serviceTokens: [] });
    });

    it('shows the access list to admins only', async () => {
      const org = await freshTenant();
      const admin = await org.add('admin');
      expect((await admin.client.tenant.access.query({ tenant: org.slug })).joinLinks).toHaveLength(1);
      for (const role of ['moderator', 'member'] as const) {
        const person = await org.add(role);
        expect(await errorCodeOf(person.client.tenant.access.query({ tenant: org.slug }))).toBe('FORBIDDEN');
      }
    });

    it('gives every reader, display links included, the newest join code that still works', async () => {
      const org = await freshTenant();
      const tenant = org.slug;
      const owner = org.owner.client;
      const member = await org.add('member');
      const display = await owner.tenant.createDisplayLink.mutate({ tenant });
      const screen = app.client({ bearer: display.token });
      const newer = await owner.tenant.createJoinLink.mutate({ tenant });
      expect(await member.client.tenant.joinCode.query({ tenant })).toEqual({ code: newer.code });
      expect(await screen.tenant.joinCode.query({ tenant })).toEqual({ code: newer.code });
      for (const link of (await owner.tenant.access.query({ tenant })).joinLinks) {
        await owner.tenant.revokeLink.mutate({ tenant, linkId: link.id });
      }
      expect(await screen.tenant.joinCode.query({ tenant })).toBeNull();
      expect(await errorCodeOf(screen.tenant.joinCode.query({ tenant: 'alpha' }))).toBe('FORBIDDEN');
    });
  });

  describe('teams', () => {
    it('lets a moderator create a team that every member then sees', async () => {
      const org = await freshTenant();
      const moderator = await org.add('moderator');
      const member = await org.add('member');
      expect(await member.client.team.list.query({ tenant: org.slug })).toEqual([]);
      const team = await moderator.client.team.create.mutate({ tenant: org.slug, name: ' Engineering ' });
      expect(team).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Engineering' });
      await moderator.client.team.create.mutate({ tenant: org.slug, name: 'Design' });
      expect(await member.client.team.list.query({ tenant: org.slug })).toEqual([
        { id: expect.any(String), name: 'Design' },
        team,
      ]);
      const question = await member.client.question.submit.mutate({
        tenant: org.slug,
        meetingId: org.meetingId,
        body: 'For engineering',
        teamId: team.id,
      });
      expect(question.teamId).toBe(team.id);
    });

    it('refuses members with FORBIDDEN, changing nothing', async () => {
      const member = await as('member');
      await app.expectNoChange(
        () => member.team.create.mutate({ tenant: 'alpha', name: 'Rogue team' }),
        'FORBIDDEN',
      );
      const link = await (await as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      await app.expectNoChange(
        () => app.client({ bearer: link.token }).team.create.mutate({ tenant: 'alpha', name: 'Screen team' }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        async () => (await as('moderator')).team.create.mutate({ tenant: 'beta', name: 'Foreign team' }),
        'FORBIDDEN',
      );
    });

    it('refuses a duplicate name in the same tenant with CONFLICT, but not in another tenant', async () => {
      const moderator = await as('moderator');
      const name = uniqueLabel('Team');
      await moderator.team.create.mutate({ tenant: 'alpha', name });
      await app.expectNoChange(() => moderator.team.create.mutate({ tenant: 'alpha', name }), 'CONFLICT');
      await app.expectNoChange(
        () => moderator.team.create.mutate({ tenant: 'alpha', name: ` ${name} ` }),
        'CONFLICT',
      );
      const betaTeam = await (await as('betaOwner')).team.create.mutate({ tenant: 'beta', name });
      expect(betaTeam.name).toBe(name);
      const alphaTeams = await moderator.team.list.query({ tenant: 'alpha' });
      expect(alphaTeams.filter((team) => team.name === name)).toHaveLength(1);
      expect(alphaTeams.map((team) => team.id)).not.toContain(betaTeam.id);
    });

    it('lets a display link list teams, and refuses other tenants', async () => {
      const link = await (await as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      const teams = await app.client({ bearer: link.token }).team.list.query({ tenant: 'alpha' });
      expect(Array.isArray(teams)).toBe(true);
      expect(await errorCodeOf((await as('betaMember')).team.list.query({ tenant: 'alpha' }))).toBe(
        'FORBIDDEN',
      );
    });
  });
});
