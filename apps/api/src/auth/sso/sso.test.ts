import { randomBytes } from 'node:crypto';
import { SSO_REQUIRED_MESSAGE } from '@pulsestage/contracts';
import { startOidcProvider, type TestOidcProvider } from '@pulsestage/test-harness/oidc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustedProxies } from '../../http/client-address.js';
import { freshAddress } from '../../test-support/addresses.js';
import {
  failureOf,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
  uniqueLabel,
} from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ACCOUNTS } from '../../test-support/fixture.js';
import { openRawStream } from '../../test-support/sse.js';
import { SSO_DEFAULTS } from './options.js';

const CLIENT_SECRET = 'a-client-secret-nobody-may-read-back';
const ALLOWED_DOMAIN = 'sso-alpha.test';
/** Starts one address may make; each request comes from an address of its own unless a test picks one. */
const STARTS_PER_ADDRESS = 3;

/** Where a redirect of the API leads, relative to the app. */
interface Redirect {
  location: string;
  cookies: string[];
}

async function get(url: string, cookie = '', address = freshAddress()): Promise<Redirect> {
  const headers = { 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) };
  const response = await fetch(url, { redirect: 'manual', headers });
  await response.text();
  expect(response.status).toBe(302);
  const cookies = response.headers.getSetCookie().map((value) => value.split(';')[0] ?? '');
  return { location: response.headers.get('location') ?? '', cookies };
}

const failureIn = (location: string) => new URL(location, 'http://x').searchParams.get('sso_error');

describe.each(DIALECTS)('single sign-on (%s)', (dialect) => {
  let app: TestApp;
  let provider: TestOidcProvider;

  /** Goes to the provider for the tenant and back, as `login`; the callback is not followed yet. */
  async function throughProvider(login: string, next = '') {
    const started = await get(`${app.url}/auth/sso/start?tenant=alpha&next=${encodeURIComponent(next)}`);
    const attemptCookie = started.cookies.find((cookie) => cookie.startsWith('pulsestage_sso=')) ?? '';
    const callback = await provider.signIn(started.location, login);
    return { callback: callback.href, attemptCookie };
  }

  async function signInWithSso(login: string, next = '') {
    const { callback, attemptCookie } = await throughProvider(login, next);
    return get(callback, attemptCookie);
  }

  function account(emailVerified = true, domain = ALLOWED_DOMAIN) {
    const login = uniqueLabel('sso');
    provider.setAccount(login, { email: `${login}@${domain}`, emailVerified, name: `Person ${login}` });
    return { login, email: `${login}@${domain}` };
  }

  beforeAll(async () => {
    app = await startTestApp(dialect, {
      sso: { ...SSO_DEFAULTS, allowHttpIssuers: true, secretKey: randomBytes(32) },
      trustedProxies: parseTrustedProxies('127.0.0.1'),
      rateLimitPoints: { ssoStartsPerAddress: STARTS_PER_ADDRESS },
    });
    provider = await startOidcProvider({
      client: {
        clientId: 'pulsestage',
        clientSecret: CLIENT_SECRET,
        redirectUris: [`${app.url}/auth/sso/callback`],
      },
    });
    const admin = await app.as('admin');
    await admin.sso.updateSettings.mutate({
      tenant: 'alpha',
      enabled: true,
      issuer: provider.issuer,
      clientId: 'pulsestage',
      clientSecret: CLIENT_SECRET,
      allowedDomains: [ALLOWED_DOMAIN],
    });
  });
  afterAll(async () => {
    await provider?.close();
    await app?.close();
  });

  it('never gives the client secret back: not in settings, the audit log or the database', async () => {
    const admin = await app.as('admin');
    const settings = await admin.sso.settings.query({ tenant: 'alpha' });
    expect(settings).toMatchObject({
      enabled: true,
      clientSecretSet: true,
      allowedDomains: [ALLOWED_DOMAIN],
    });
    expect(settings.redirectUri).toBe(`${app.url}/auth/sso/callback`);
    // Saving without a secret keeps the one set.
    const saved = await admin.sso.updateSettings.mutate({ tenant: 'alpha', clientSecret: '' });
    expect(saved.clientSecretSet).toBe(true);
    const audit = await admin.audit.list.query({ tenant: 'alpha' });
    const raw = await app.raw(
      'GET',
      'sso.settings',
      { tenant: 'alpha' },
      { cookie: await app.cookieOf('admin') },
    );
    const stored = await app.db.selectFrom('ssoSettings').selectAll().execute();
    for (const text of [
      JSON.stringify(settings),
      JSON.stringify(audit),
      JSON.stringify(raw.body),
      JSON.stringify(stored),
    ]) {
      expect(text).not.toContain(CLIENT_SECRET);
    }
    // The first save's entry says that a secret was given, never what it is; the second changed nothing.
    const entries = audit.items.filter((item) => item.action === 'sso.updateSettings');
    expect(entries.map((item) => item.summary)).toEqual([
      { changed: [] },
      { changed: ['enabled', 'issuer', 'clientId', 'allowedDomains', 'clientSecret'] },
    ]);
  });

  it('is for admins of the tenant only, and says no more than whether a tenant offers it', async () => {
    expect((await failureOf((await app.as('moderator')).sso.settings.query({ tenant: 'alpha' }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await failureOf((await app.as('betaOwner')).sso.settings.query({ tenant: 'alpha' }))).code).toBe(
      'FORBIDDEN',
    );
    const anonymous = app.client();
    expect(await anonymous.sso.available.query({ tenant: 'alpha' })).toEqual({ sso: true });
    expect(await anonymous.sso.available.query({ tenant: 'beta' })).toEqual({ sso: false });
    expect(await anonymous.sso.available.query({ tenant: 'no-such-tenant' })).toEqual({ sso: false });
  });

  it('signs a new person of an allowed domain in as a member, without a password', async () => {
    const { login, email } = account();
    const back = await signInWithSso(login);
    expect(back.location).toBe('/t/alpha');
    const cookie = back.cookies.find((value) => value.startsWith('pulsestage_session=')) ?? '';
    const tenant = await app.client({ cookie }).tenant.get.query({ tenant: 'alpha' });
    expect(tenant.role).toBe('member');
    const user = await app.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(user.passwordHash).toBeNull();
  });

  it('links an existing member by verified email, whatever the domain, landing where they were going', async () => {
    const login = uniqueLabel('member');
    provider.setAccount(login, { email: ACCOUNTS.member.email.toUpperCase(), emailVerified: true });
    const back = await signInWithSso(login, `/t/alpha/m/${app.meetingIds.alpha}`);
    expect(back.location).toBe(`/t/alpha/m/${app.meetingIds.alpha}`);
    const cookie = back.cookies.find((value) => value.startsWith('pulsestage_session=')) ?? '';
    expect((await app.client({ cookie }).auth.me.query())?.id).toBe(app.userIds.member);
  });

  it('refuses an unverified email and a domain not allowed, creating nobody', async () => {
    const unverified = account(false);
    const outsider = account(true, 'elsewhere.test');
    expect(failureIn((await signInWithSso(unverified.login)).location)).toBe('unverified');
    const refused = await signInWithSso(outsider.login);
    expect(refused.location).toBe('/sign-in?tenant=alpha&sso_error=domain');
    expect(sessionCookieFrom(new Headers(refused.cookies.map((c) => ['set-cookie', c])))).toBeUndefined();
    const created = await app.db
      .selectFrom('users')
      .select('id')
      .where('email', 'in', [unverified.email, outsider.email])
      .execute();
    expect(created).toEqual([]);
  });

  it('refuses a wrong state, a replayed code and an expired attempt', async () => {
    const { login } = account();
    const first = await throughProvider(login);
    expect(failureIn((await get(first.callback, 'pulsestage_sso=another-browsers-state')).location)).toBe(
      'state',
    );
    const forged = new URL(first.callback);
    forged.searchParams.set('state', 'a-state-nobody-issued');
    expect(failureIn((await get(forged.href, first.attemptCookie)).location)).toBe('state');

    const second = await throughProvider(login);
    expect((await get(second.callback, second.attemptCookie)).location).toBe('/t/alpha');
    expect(failureIn((await get(second.callback, second.attemptCookie)).location)).toBe('replayed');

    const third = await throughProvider(login);
    await app.db
      .updateTable('ssoAttempts')
      .set({ expiresAt: new Date(0).toISOString() })
      .where('usedAt', 'is', null)
      .execute();
    expect(failureIn((await get(third.callback, third.attemptCookie)).location)).toBe('expired');
  });

  it('says so when the provider cannot be reached, and when a tenant offers no single sign-on', async () => {
    expect((await get(`${app.url}/auth/sso/start?tenant=beta`)).location).toBe(
      '/sign-in?tenant=beta&sso_error=unavailable',
    );
    expect(failureIn((await get(`${app.url}/auth/sso/start?tenant=%3Cscript%3E`)).location)).toBe(
      'unavailable',
    );
    const owner = await app.as('betaOwner');
    await owner.sso.updateSettings.mutate({
      tenant: 'beta',
      enabled: true,
      issuer: 'http://127.0.0.1:9/nothing-listens-here',
      clientId: 'pulsestage',
    });
    expect(failureIn((await get(`${app.url}/auth/sso/start?tenant=beta`)).location)).toBe('unreachable');
    await owner.sso.updateSettings.mutate({ tenant: 'beta', enabled: false });
  });

  it('refuses starts beyond the limit of one address, storing no attempt, while other addresses start', async () => {
    const address = freshAddress();
    const start = () => get(`${app.url}/auth/sso/start?tenant=alpha`, '', address);
    const attempts = async () => (await app.db.selectFrom('ssoAttempts').select('id').execute()).length;
    for (let started = 0; started < STARTS_PER_ADDRESS; started += 1)
      expect((await start()).location.startsWith(provider.issuer)).toBe(true);
    const stored = await attempts();
    const refused = new URL((await start()).location, app.url);
    expect(refused.pathname).toBe('/sign-in');
    expect(refused.searchParams.get('tenant')).toBe('alpha');
    expect(refused.searchParams.get('sso_error')).toBe('throttled');
    expect(Number(refused.searchParams.get('retry_after'))).toBeGreaterThan(0);
    expect(Number(refused.searchParams.get('retry_after'))).toBeLessThanOrEqual(10 * 60);
    expect(await attempts()).toBe(stored);
    expect((await get(`${app.url}/auth/sso/start?tenant=alpha`)).location.startsWith(provider.issuer)).toBe(
      true,
    );
  });

  it('when required, refuses password sessions and guests of everyone but owners', async () => {
    const admin = await app.as('admin');
    const memberStream = await openRawStream(app, '/events?tenant=alpha', {
      cookie: await app.cookieOf('member'),
    });
    expect(memberStream.status).toBe(200);
    await admin.sso.updateSettings.mutate({ tenant: 'alpha', requireSso: true });
    try {
      // An open stream of a password session ends at once: saving the requirement re-checks access.
      await memberStream.finished;
      const { login } = account();
      const back = await signInWithSso(login);
      const ssoCookie = back.cookies.find((value) => value.startsWith('pulsestage_session=')) ?? '';
      expect((await app.client({ cookie: ssoCookie }).tenant.get.query({ tenant: 'alpha' })).role).toBe(
        'member',
      );
      for (const name of ['member', 'moderator', 'admin'] as const) {
        const refusal = await failureOf((await app.as(name)).tenant.get.query({ tenant: 'alpha' }));
        expect(refusal).toEqual({ code: 'FORBIDDEN', message: SSO_REQUIRED_MESSAGE });
      }
      expect((await (await app.as('owner')).tenant.get.query({ tenant: 'alpha' })).role).toBe('owner');
      // Guests cannot join either.
      const { code } = await (await app.as('owner')).tenant.createJoinLink.mutate({ tenant: 'alpha' });
      await (await app.as('owner')).tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests: true });
      const guest = await failureOf(app.client().auth.joinWithCode.mutate({ code, name: 'A guest' }));
      expect(guest).toEqual({ code: 'FORBIDDEN', message: SSO_REQUIRED_MESSAGE });
    } finally {
      // The owner can always turn it off: nobody is locked out.
      await (await app.as('owner')).sso.updateSettings.mutate({ tenant: 'alpha', requireSso: false });
    }
    expect((await (await app.as('member')).tenant.get.query({ tenant: 'alpha' })).role).toBe('member');
  });
});
