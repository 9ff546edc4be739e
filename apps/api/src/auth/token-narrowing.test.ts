import type { Role } from '@pulsestage/contracts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  type Client,
  errorCodeOf,
  type NewAccount,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING } from '../test-support/fixture.js';
import { newMember, OpenStreams, openRawStream, type RawStream, waitFor } from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;

vi.setConfig({ testTimeout: 30_000 });

/** A service token never carries more than the person who made it holds now. */
describe.each(DIALECTS)('service tokens follow their creator’s role on %s', (dialect) => {
  let app: TestApp;
  let owner: Client;
  let admin: Client;
  let member2: Client;
  let moderator: Client;
  const streams = new OpenStreams();

  beforeAll(async () => {
    app = await startTestApp(dialect, { accessSweepMs: 600_000 });
    [owner, admin, member2, moderator] = await app.clients('owner', 'admin', 'member2', 'moderator');
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app.close());

  /** A new admin of alpha and a token of `role` that the admin made. */
  async function adminWithToken(role: Role): Promise<{ creator: NewAccount; token: Client; secret: string }> {
    const creator = await newMember(app, admin);
    await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'admin' });
    const { token } = await creator.client.tenant.createServiceToken.mutate({
      ...alpha,
      name: uniqueLabel('bot'),
      role,
    });
    return { creator, token: app.client({ bearer: token }), secret: token };
  }

  async function tokenStream(secret: string): Promise<RawStream> {
    const stream = streams.add(
      await openRawStream(app, '/events?tenant=alpha', { authorization: `Bearer ${secret}` }),
    );
    expect(stream.status, stream.body).toBe(200);
    return stream;
  }

  const roleOf = async (token: Client) => (await token.tenant.get.query(alpha)).role;

  it('acts with the lower of its own role and its creator’s current role', async () => {
    const { creator, token } = await adminWithToken('admin');
    expect(await roleOf(token)).toBe('admin');

    await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'moderator' });
    expect(await roleOf(token)).toBe('moderator');
    await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'member' });
    expect(await roleOf(token)).toBe('member');
    expect(await errorCodeOf(token.tenant.members.query(alpha))).toBe('FORBIDDEN');
    await app.expectNoChange(
      () => token.tenant.setRole.mutate({ ...alpha, userId: app.userIds.member, role: 'admin' }),
      'FORBIDDEN',
    );
    expect(await token.question.list.query(ALPHA_MEETING)).toBeTruthy();

    await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'admin' });
    expect(await roleOf(token)).toBe('admin');
  });

  it('stops working once its creator is removed, and its open streams end', async () => {
    const { creator, token, secret } = await adminWithToken('admin');
    const stream = await tokenStream(secret);
    await owner.tenant.removeMember.mutate({ ...alpha, userId: creator.userId });
    await waitFor(() => stream.ended, 3000, 'the token’s stream to end');
    await app.expectNoChange(() => token.tenant.members.query(alpha), 'UNAUTHORIZED');
    const again = await openRawStream(app, '/events?tenant=alpha', { authorization: `Bearer ${secret}` });
    again.close();
    expect(again.status).toBe(401);
  });

  it('narrows its open streams: no question:pending once its creator is a member', async () => {
    const { creator, secret } = await adminWithToken('moderator');
    await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: true });
    try {
      const stream = await tokenStream(secret);
      await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'member' });
      await member2.question.submit.mutate({ ...ALPHA_MEETING, body: uniqueLabel('review') });
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
      const types = () => stream.items.map((item) => item.event.type);
      await waitFor(() => types().includes('question:frozen'), 5000, 'the freeze');
      expect(types()).not.toContain('question:pending');
      expect(stream.ended).toBe(false);
    } finally {
      await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
      await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
    }
  });

  it('tells admins what each token may do now, next to the role it was given', async () => {
    const { creator, secret } = await adminWithToken('admin');
    const listed = async () => {
      const { serviceTokens } = await owner.tenant.access.query(alpha);
      const [row] = await app.db
        .selectFrom('serviceTokens')
        .select('id')
        .where('createdBy', '=', creator.userId)
        .execute();
      return serviceTokens.find((token) => token.id === row?.id);
    };
    expect(secret).toMatch(/^pst_/);
    expect(await listed()).toMatchObject({ role: 'admin', effectiveRole: 'admin' });
    await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'moderator' });
    expect(await listed()).toMatchObject({ role: 'admin', effectiveRole: 'moderator' });
    await owner.tenant.removeMember.mutate({ ...alpha, userId: creator.userId });
    expect(await listed()).toMatchObject({ role: 'admin', effectiveRole: null });
  });

  it('stops working when the token that made it stops working', async () => {
    const { creator, token } = await adminWithToken('admin');
    const { token: secret } = await token.tenant.createServiceToken.mutate({
      ...alpha,
      name: uniqueLabel('made-by-a-token'),
      role: 'moderator',
    });
    const child = app.client({ bearer: secret });
    expect(await roleOf(child)).toBe('moderator');
    await owner.tenant.setRole.mutate({ ...alpha, userId: creator.userId, role: 'member' });
    expect(await roleOf(child)).toBe('member');
    await owner.tenant.removeMember.mutate({ ...alpha, userId: creator.userId });
    expect(await errorCodeOf(child.tenant.get.query(alpha))).toBe('UNAUTHORIZED');
  });
});
