/**
 * What a browser needs before and around signing in: a presenter screen opening a display link
 * (kept as a cookie), the join page describing an invitation, and the demo accounts of the sign-in page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../demo/seed.js';
import { errorCodeOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING } from '../test-support/fixture.js';
import { openRawStream, waitFor } from '../test-support/sse.js';

const DISPLAY_COOKIE = 'pulsestage_display';

/** The `name=value` pair a response sets for `name`, or undefined. */
function cookiePairFrom(headers: Headers, name: string): string | undefined {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((pair) => pair.startsWith(`${name}=`));
}

describe.each(DIALECTS)('browser access on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(dialect);
  }, 60_000);
  afterAll(() => app?.close());

  async function openedDisplay() {
    const link = await (await app.as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
    const response = await app.raw('POST', 'auth.openDisplay', { token: link.token });
    const cookie = cookiePairFrom(response.headers, DISPLAY_COOKIE) ?? '';
    return { link, response, cookie };
  }

  describe('auth.openDisplay', () => {
    it('keeps the display link as an HttpOnly cookie that reads the tenant and nothing else', async () => {
      const { link, response, cookie } = await openedDisplay();
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ result: { data: { tenant: 'alpha' } } });
      expect(cookie).toBe(`${DISPLAY_COOKIE}=${link.token}`);
      const setCookie = response.headers.getSetCookie().find((value) => value.startsWith(DISPLAY_COOKIE));
      expect(setCookie).toMatch(/HttpOnly/);
      expect(setCookie).toMatch(/SameSite=Lax/);

      const screen = app.client({ cookie });
      expect((await screen.tenant.get.query({ tenant: 'alpha' })).role).toBeNull();
      expect(await screen.tenant.joinCode.query({ tenant: 'alpha' })).not.toBeUndefined();
      expect(await screen.auth.me.query()).toBeNull();
      await app.expectNoChange(
        () => screen.question.submit.mutate({ ...ALPHA_MEETING, body: 'from the projector' }),
        'FORBIDDEN',
      );
      expect(await errorCodeOf(screen.tenant.get.query({ tenant: 'beta' }))).toBe('FORBIDDEN');
    });

    it('follows the live stream with the display cookie', async () => {
      const { cookie } = await openedDisplay();
      const stream = await openRawStream(app, '/events?tenant=alpha', { cookie });
      try {
        expect(stream.status).toBe(200);
        const asked = await (await app.as('member')).question.submit.mutate({
          ...ALPHA_MEETING,
          body: 'Seen on the projector',
        });
        await waitFor(() => stream.items.some((item) => JSON.stringify(item.event).includes(asked.id)));
      } finally {
        stream.close();
      }
    });

    it('stops working as soon as the link is revoked', async () => {
      const { link, cookie } = await openedDisplay();
      await (await app.as('admin')).tenant.revokeLink.mutate({ tenant: 'alpha', linkId: link.id });
      expect(await errorCodeOf(app.client({ cookie }).tenant.get.query({ tenant: 'alpha' }))).toBe(
        'UNAUTHORIZED',
      );
      const reopened = await app.raw('POST', 'auth.openDisplay', { token: link.token });
      expect(reopened.status).toBe(401);
      expect(cookiePairFrom(reopened.headers, DISPLAY_COOKIE)).toBeUndefined();
    });

    it('refuses a token that is no display link, setting no cookie', async () => {
      const token = (
        await (
          await app.as('admin')
        ).tenant.createServiceToken.mutate({
          tenant: 'alpha',
          name: 'not a display',
          role: 'member',
        })
      ).token;
      for (const candidate of [token, 'psd_made-up-token-value', 'plain-garbage']) {
        const response = await app.raw('POST', 'auth.openDisplay', { token: candidate });
        expect(response.status, candidate).toBe(401);
        expect(cookiePairFrom(response.headers, DISPLAY_COOKIE), candidate).toBeUndefined();
      }
    });

    it('lets a signed-in session win over a display cookie, and signing out clears both', async () => {
      const { cookie } = await openedDisplay();
      const session = await app.newAccount('screen-operator');
      const both = `${cookie}; ${session.cookie}`;
      const me = await app.client({ cookie: both }).auth.me.query();
      expect(me?.id).toBe(session.userId);
      const signedOut = await app.raw('POST', 'auth.signOut', undefined, { cookie: both });
      expect(cookiePairFrom(signedOut.headers, DISPLAY_COOKIE)).toBe(`${DISPLAY_COOKIE}=`);
      expect(cookiePairFrom(signedOut.headers, 'pulsestage_session')).toBe('pulsestage_session=');
    });
  });

  describe('auth.joinLink', () => {
    it('describes the organization an invitation opens, and whether guests may join', async () => {
      const owner = await app.as('owner');
      const link = await owner.tenant.createJoinLink.mutate({ tenant: 'alpha' });
      const anonymous = app.client();
      const described = await anonymous.auth.joinLink.query({ code: link.code });
      expect(described).toEqual({
        tenant: 'alpha',
        name: expect.any(String),
        allowGuests: false,
        meeting: null,
      });
      await owner.tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests: true });
      try {
        expect((await anonymous.auth.joinLink.query({ code: link.code })).allowGuests).toBe(true);
      } finally {
        await owner.tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests: false });
      }
      await owner.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: link.id });
      expect(await errorCodeOf(anonymous.auth.joinLink.query({ code: link.code }))).toBe('NOT_FOUND');
    });
  });

  describe('auth.demoAccounts', () => {
    it('lists nothing when demo mode is off', async () => {
      expect(await app.client().auth.demoAccounts.query()).toBeNull();
    });
  });
});

describe('auth.demoAccounts in demo mode', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp('sqlite', { demoMode: true });
  }, 60_000);
  afterAll(() => app?.close());

  it('lists the demo accounts and their password for the sign-in page', async () => {
    const demo = await app.client().auth.demoAccounts.query();
    expect(demo?.password).toBe(DEMO_PASSWORD);
    expect(demo?.accounts.map((account) => account.email)).toEqual(
      DEMO_ACCOUNTS.map((account) => account.email),
    );
  });
});
