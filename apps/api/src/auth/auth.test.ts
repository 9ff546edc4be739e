import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  errorCodeOf,
  failureOf,
  NEW_ACCOUNT_PASSWORD,
  type RawResponse,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
  uniqueEmail,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ACCOUNTS, ALPHA_MEETING, BETA_MEETING, PASSWORD } from '../test-support/fixture.js';
import { snapshotData } from '../test-support/snapshot.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const COOKIE_NAME = 'pulsestage_session';

/** Independent of the code under test: what a SHA-256 hex digest of the token must be. */
const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex');

const tokenOf = (cookie: string) => cookie.slice(`${COOKIE_NAME}=`.length);

/** The raw `Set-Cookie` headers about the session cookie. */
const sessionSetCookies = (headers: Headers) =>
  headers.getSetCookie().filter((cookie) => cookie.startsWith(`${COOKIE_NAME}=`));

function cookieAttributes(setCookie: string): { value: string; attributes: Map<string, string> } {
  const [pair = '', ...rest] = setCookie.split(';').map((part) => part.trim());
  const attributes = new Map<string, string>();
  for (const attribute of rest) {
    const [key = '', ...value] = attribute.split('=');
    attributes.set(key.toLowerCase(), value.join('='));
  }
  return { value: pair.slice(`${COOKIE_NAME}=`.length), attributes };
}

/** The tRPC error code of a raw response (`{ error: { data: { code } } }`). */
function rawErrorCode(response: RawResponse): string | undefined {
  return (response.body as { error?: { data?: { code?: string } } }).error?.data?.code;
}

function rawData<T>(response: RawResponse): T {
  return (response.body as { result: { data: T } }).result.data;
}

describe.each(DIALECTS)('auth on %s', (dialect) => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app.close());

  const sessionRows = () => app.db.selectFrom('sessions').selectAll().execute();
  const sessionById = (id: string) =>
    app.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();

  async function joinCode(tenant = 'alpha'): Promise<string> {
    const admin = await app.as(tenant === 'alpha' ? 'admin' : 'betaOwner');
    return (await admin.tenant.createJoinLink.mutate({ tenant })).code;
  }

  async function setGuests(allowGuests: boolean) {
    await (await app.as('admin')).tenant.updateSettings.mutate({ tenant: 'alpha', allowGuests });
  }

  describe('auth.signUp', () => {
    it('creates the account, lower-cases the email and sets an HttpOnly SameSite=Lax cookie on /', async () => {
      const startedAt = Date.now();
      const response = await app.raw('POST', 'auth.signUp', {
        email: '  New.Person@Example.COM ',
        password: 'a long enough password',
        name: ' New Person ',
      });
      expect(response.status).toBe(200);
      const user = rawData<{
        id: string;
        email: string;
        name: string;
        guest: boolean;
        memberships: unknown[];
      }>(response);
      expect(user).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: 'new.person@example.com',
        name: 'New Person',
        guest: false,
        memberships: [],
      });

      const setCookies = sessionSetCookies(response.headers);
      expect(setCookies).toHaveLength(1);
      const { value, attributes } = cookieAttributes(setCookies[0] ?? '');
      expect(value.length).toBeGreaterThanOrEqual(32);
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')).toBe('Lax');
      expect(attributes.get('path')).toBe('/');
      const expires = Date.parse(attributes.get('expires') ?? '');
      expect(expires).toBeGreaterThan(startedAt + 29 * DAY_MS);
      expect(expires).toBeLessThan(Date.now() + 31 * DAY_MS);

      const stored = await app.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      expect(stored.email).toBe('new.person@example.com');
      expect(stored.guest).toBe(0);

      const me = await app.client({ cookie: `${COOKIE_NAME}=${value}` }).auth.me.query();
      expect(me).toEqual(user);
    });

    it('stores the password as a salted scrypt hash, never as text', async () => {
      const password = 'same password for both';
      const first = await app.signUp('hash-one', password);
      const second = await app.signUp('hash-two', password);
      const rows = await app.db
        .selectFrom('users')
        .select(['id', 'passwordHash'])
        .where('id', 'in', [first.userId, second.userId])
        .execute();
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.passwordHash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
        expect(row.passwordHash).not.toContain(password);
        expect(row.passwordHash).not.toContain(Buffer.from(password).toString('base64'));
      }
      expect(rows[0]?.passwordHash).not.toBe(rows[1]?.passwordHash);
      const signIn = await app.raw('POST', 'auth.signIn', { email: first.email, password });
      expect(signIn.status).toBe(200);
    });

    it('refuses an email that already has an account, in any case, with CONFLICT and changes nothing', async () => {
      const before = await snapshotData(app.db);
      const sessionsBefore = (await sessionRows()).length;
      const response = await app.raw('POST', 'auth.signUp', {
        email: ACCOUNTS.member.email.toUpperCase(),
        password: 'another long password',
        name: 'Impostor',
      });
      expect(response.status).toBe(409);
      expect(rawErrorCode(response)).toBe('CONFLICT');
      expect(sessionSetCookies(response.headers)).toEqual([]);
      expect(await snapshotData(app.db)).toEqual(before);
      expect((await sessionRows()).length).toBe(sessionsBefore);
      // The original account is untouched and still signs in with its own password.
      expect(
        (await app.raw('POST', 'auth.signIn', { email: ACCOUNTS.member.email, password: PASSWORD })).status,
      ).toBe(200);
    });

    it('refuses malformed input with BAD_REQUEST naming the field and creates nothing', async () => {
      const before = await snapshotData(app.db);
      const short = await failureOf(
        app.client().auth.signUp.mutate({ email: uniqueEmail('short'), password: 'short', name: 'Short' }),
      );
      expect(short.code).toBe('BAD_REQUEST');
      expect(short.message).toContain('password');
      const badEmail = await failureOf(
        app
          .client()
          .auth.signUp.mutate({ email: 'not-an-email', password: 'long enough password', name: 'X' }),
      );
      expect(badEmail.code).toBe('BAD_REQUEST');
      expect(badEmail.message).toContain('email');
      expect(await snapshotData(app.db)).toEqual(before);
    });
  });

  describe('auth.me', () => {
    it('is null when nobody is signed in', async () => {
      expect(await app.client().auth.me.query()).toBeNull();
      expect(await app.client({ cookie: `${COOKIE_NAME}=not-a-session` }).auth.me.query()).toBeNull();
    });

    it('returns the signed-in user with their memberships', async () => {
      const me = await (await app.as('moderator')).auth.me.query();
      expect(me).toEqual({
        id: app.userIds.moderator,
        email: ACCOUNTS.moderator.email,
        name: 'moderator',
        guest: false,
        memberships: [{ tenant: 'alpha', name: 'Alpha Inc', role: 'moderator' }],
      });
    });

    it('finds the session cookie among other cookies', async () => {
      const cookie = await app.cookieOf('betaMember');
      const me = await app.client({ cookie: `theme=dark; ${cookie}; other=1=2` }).auth.me.query();
      expect(me?.id).toBe(app.userIds.betaMember);
    });
  });

  describe('auth.signIn', () => {
    it('accepts the right password whatever the case of the email and starts a new session', async () => {
      const response = await app.raw('POST', 'auth.signIn', {
        email: ACCOUNTS.member2.email.toUpperCase(),
        password: PASSWORD,
      });
      expect(response.status).toBe(200);
      expect(rawData<{ id: string }>(response).id).toBe(app.userIds.member2);
      const cookie = sessionCookieFrom(response.headers);
      expect(cookie).toBeDefined();
      const session = await sessionById(sha256Hex(tokenOf(cookie ?? '')));
      expect(session?.userId).toBe(app.userIds.member2);
    });

    it('answers a wrong password and an unknown email alike: UNAUTHORIZED, same message, no session', async () => {
      const sessionsBefore = (await sessionRows()).length;
      const wrongPassword = await app.raw('POST', 'auth.signIn', {
        email: ACCOUNTS.member.email,
        password: 'not the password',
      });
      const unknownEmail = await app.raw('POST', 'auth.signIn', {
        email: 'nobody@alpha.test',
        password: PASSWORD,
      });
      for (const response of [wrongPassword, unknownEmail]) {
        expect(response.status).toBe(401);
        expect(rawErrorCode(response)).toBe('UNAUTHORIZED');
        expect(sessionSetCookies(response.headers)).toEqual([]);
      }
      const message = (r: RawResponse) => (r.body as { error: { message: string } }).error.message;
      expect(message(wrongPassword)).toBe(message(unknownEmail));
      expect(message(wrongPassword)).not.toMatch(/password is wrong|no account|not found|unknown/i);
      expect((await sessionRows()).length).toBe(sessionsBefore);
    });
  });

  describe('sessions', () => {
    it('keeps only the SHA-256 hex of the cookie token as the session id', async () => {
      const { cookie, userId } = await app.newAccount('hashed-session');
      const token = tokenOf(cookie);
      const hashed = await sessionById(sha256Hex(token));
      expect(hashed?.userId).toBe(userId);
      expect(hashed?.id).toMatch(/^[0-9a-f]{64}$/);
      expect(await sessionById(token)).toBeUndefined();
      const everything = JSON.stringify({ sessions: await sessionRows(), data: await snapshotData(app.db) });
      expect(everything).not.toContain(token);
    });

    it('does not re-send the cookie while the session is far from expiring', async () => {
      const { cookie } = await app.newAccount('fresh-session');
      const response = await app.raw('GET', 'auth.me', undefined, { cookie });
      expect(response.status).toBe(200);
      expect(sessionSetCookies(response.headers)).toEqual([]);
    });

    it('slides the expiry forward and re-sends the cookie when the session is close to expiring', async () => {
      const { cookie, userId } = await app.newAccount('sliding-session');
      const id = sha256Hex(tokenOf(cookie));
      const soon = new Date(Date.now() + 10 * DAY_MS).toISOString();
      await app.db.updateTable('sessions').set({ expiresAt: soon }).where('id', '=', id).execute();

      const response = await app.raw(
        'GET',
        'tenant.get',
        { tenant: 'alpha' },
        { cookie: await app.cookieOf('member') },
      );
      expect(response.status).toBe(200); // an unrelated session is not touched
      const renewedResponse = await app.raw('GET', 'auth.me', undefined, { cookie });
      expect(renewedResponse.status).toBe(200);
      expect(rawData<{ id: string }>(renewedResponse).id).toBe(userId);

      const setCookies = sessionSetCookies(renewedResponse.headers);
      expect(setCookies).toHaveLength(1);
      const { value, attributes } = cookieAttributes(setCookies[0] ?? '');
      expect(value).toBe(tokenOf(cookie));
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')).toBe('Lax');
      expect(attributes.get('path')).toBe('/');
      const cookieExpiry = Date.parse(attributes.get('expires') ?? '');
      expect(cookieExpiry).toBeGreaterThan(Date.now() + 29 * DAY_MS);

      const row = await sessionById(id);
      const storedExpiry = Date.parse(row?.expiresAt ?? '');
      expect(storedExpiry).toBeGreaterThan(Date.parse(soon) + 19 * DAY_MS);
      expect(storedExpiry).toBeLessThan(Date.now() + 31 * DAY_MS);
      expect(Math.abs(storedExpiry - cookieExpiry)).toBeLessThan(2000);
    });

    it('refuses and deletes an expired session', async () => {
      const { cookie, userId } = await app.newAccount('expired-session');
      const id = sha256Hex(tokenOf(cookie));
      await app.db
        .updateTable('sessions')
        .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', id)
        .execute();
      expect(await app.client({ cookie }).auth.me.query()).toBeNull();
      expect(await sessionById(id)).toBeUndefined();

      await app.db
        .insertInto('sessions')
        .values({
          id,
          userId,
          expiresAt: new Date(Date.now() - 1000).toISOString(),
          createdAt: new Date().toISOString(),
        })
        .execute();
      expect(await errorCodeOf(app.client({ cookie }).tenant.get.query({ tenant: 'alpha' }))).toBe(
        'UNAUTHORIZED',
      );
      expect(await sessionById(id)).toBeUndefined();
    });
  });

  describe('auth.signOut', () => {
    it('deletes the session, clears the cookie, and the old cookie no longer works', async () => {
      const { cookie, email } = await app.newAccount('sign-out');
      const other = await app.raw('POST', 'auth.signIn', { email, password: NEW_ACCOUNT_PASSWORD });
      const otherCookie = sessionCookieFrom(other.headers) ?? '';
      const id = sha256Hex(tokenOf(cookie));
      expect(await sessionById(id)).toBeDefined();

      const response = await app.raw('POST', 'auth.signOut', undefined, { cookie });
      expect(response.status).toBe(200);
      expect(await sessionById(id)).toBeUndefined();
      const setCookies = sessionSetCookies(response.headers);
      expect(setCookies.length).toBeGreaterThan(0);
      const last = cookieAttributes(setCookies.at(-1) ?? '');
      expect(last.value).toBe('');
      const clears =
        last.attributes.get('max-age') === '0' ||
        Date.parse(last.attributes.get('expires') ?? '') <= Date.now();
      expect(clears).toBe(true);
      expect(last.attributes.get('path')).toBe('/');

      expect(await app.client({ cookie }).auth.me.query()).toBeNull();
      expect(await errorCodeOf(app.client({ cookie }).tenant.get.query({ tenant: 'alpha' }))).toBe(
        'UNAUTHORIZED',
      );
      // Signing out one browser leaves the user's other sessions alone.
      expect((await app.client({ cookie: otherCookie }).auth.me.query())?.email).toBe(email);
    });

    it('is harmless without a session', async () => {
      const response = await app.raw('POST', 'auth.signOut');
      expect(response.status).toBe(200);
    });
  });

  describe('cross-site requests', () => {
    it('refuses a mutation whose Sec-Fetch-Site is cross-site, and changes nothing', async () => {
      const cookie = await app.cookieOf('admin');
      const before = await snapshotData(app.db);
      const response = await app.raw(
        'POST',
        'tenant.createJoinLink',
        { tenant: 'alpha' },
        { cookie, headers: { 'sec-fetch-site': 'cross-site' } },
      );
      expect(response.status).toBe(403);
      expect(rawErrorCode(response)).toBe('FORBIDDEN');
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('refuses a mutation whose Origin is another host, and changes nothing', async () => {
      const cookie = await app.cookieOf('moderator');
      for (const origin of ['https://evil.example', 'http://127.0.0.1.evil.example', 'null']) {
        const before = await snapshotData(app.db);
        const response = await app.raw(
          'POST',
          'team.create',
          { tenant: 'alpha', name: `Cross ${origin}`.slice(0, 40) },
          { cookie, headers: { origin } },
        );
        expect(response.status, origin).toBe(403);
        expect(rawErrorCode(response)).toBe('FORBIDDEN');
        expect(await snapshotData(app.db)).toEqual(before);
      }
    });

    it('refuses a same-site mutation from a sibling host (another Origin), and changes nothing', async () => {
      // The API and the web app share one origin, so a request from any other host, even a sibling
      // subdomain that the browser calls "same-site", is not the app's own.
      const cookie = await app.cookieOf('admin');
      const before = await snapshotData(app.db);
      const response = await app.raw(
        'POST',
        'tenant.createJoinLink',
        { tenant: 'alpha' },
        { cookie, headers: { 'sec-fetch-site': 'same-site', origin: 'https://evil.example' } },
      );
      expect(response.status).toBe(403);
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('refuses a cross-site sign-in (login CSRF) without setting a cookie', async () => {
      const sessionsBefore = (await sessionRows()).length;
      const response = await app.raw(
        'POST',
        'auth.signIn',
        { email: ACCOUNTS.member.email, password: PASSWORD },
        { headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } },
      );
      expect(response.status).toBe(403);
      expect(sessionSetCookies(response.headers)).toEqual([]);
      expect((await sessionRows()).length).toBe(sessionsBefore);
    });

    it('accepts same-origin mutations and mutations without browser headers (curl)', async () => {
      const cookie = await app.cookieOf('moderator');
      const variants: Record<string, Record<string, string>> = {
        'same-origin fetch': { 'sec-fetch-site': 'same-origin', origin: app.url },
        'same origin header': { origin: app.url },
        'no browser headers': {},
      };
      for (const [label, headers] of Object.entries(variants)) {
        const name = `Same ${label}`;
        const response = await app.raw('POST', 'team.create', { tenant: 'alpha', name }, { cookie, headers });
        expect(response.status, label).toBe(200);
        expect(rawData<{ name: string }>(response).name).toBe(name);
      }
      const teams = await (await app.as('moderator')).team.list.query({ tenant: 'alpha' });
      expect(teams.map((team) => team.name)).toEqual(
        expect.arrayContaining([
          'Same same-origin fetch',
          'Same same origin header',
          'Same no browser headers',
        ]),
      );
    });

    it('accepts a bearer-token mutation even with cross-site headers', async () => {
      const { token } = await (await app.as('admin')).tenant.createServiceToken.mutate({
        tenant: 'alpha',
        name: 'cross-site bot',
        role: 'member',
      });
      const response = await app.raw(
        'POST',
        'question.submit',
        { ...ALPHA_MEETING, body: 'Asked by a service behind a cross-site header' },
        { bearer: token, headers: { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } },
      );
      expect(response.status).toBe(200);
      const id = rawData<{ id: string }>(response).id;
      const stored = await app.db
        .selectFrom('questions')
        .select('body')
        .where('id', '=', id)
        .executeTakeFirst();
      expect(stored?.body).toBe('Asked by a service behind a cross-site header');
    });
  });

  describe('auth.joinWithCode', () => {
    it('lets a signed-in account join as a member', async () => {
      const code = await joinCode();
      const { client, userId } = await app.newAccount('joiner');
      expect(await errorCodeOf(client.tenant.get.query({ tenant: 'alpha' }))).toBe('FORBIDDEN');
      expect(await client.auth.joinWithCode.mutate({ code })).toEqual({ tenant: 'alpha', meetingId: null });
      expect((await client.tenant.get.query({ tenant: 'alpha' })).role).toBe('member');
      expect((await client.auth.me.query())?.memberships).toEqual([
        { tenant: 'alpha', name: 'Alpha Inc', role: 'member' },
      ]);
      const user = await app.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', userId)
        .executeTakeFirstOrThrow();
      expect(user.guest).toBe(0);
    });

    it('keeps one membership when joining twice, and never lowers an existing role', async () => {
      const code = await joinCode();
      const { client, userId } = await app.newAccount('twice');
      await client.auth.joinWithCode.mutate({ code });
      await client.auth.joinWithCode.mutate({ code });
      const memberships = await app.db
        .selectFrom('memberships')
        .selectAll()
        .where('userId', '=', userId)
        .execute();
      expect(memberships).toHaveLength(1);
      expect(memberships[0]?.role).toBe('member');

      const moderator = await app.as('moderator');
      await moderator.auth.joinWithCode.mutate({ code });
      expect((await moderator.tenant.get.query({ tenant: 'alpha' })).role).toBe('moderator');
    });

    it('joins a signed-in account even when the tenant refuses guests', async () => {
      await setGuests(false);
      const code = await joinCode();
      const beta = await app.as('betaMember');
      expect(await beta.auth.joinWithCode.mutate({ code, name: 'ignored name' })).toEqual({
        tenant: 'alpha',
        meetingId: null,
      });
      const me = await beta.auth.me.query();
      expect(me?.memberships).toEqual([
        { tenant: 'alpha', name: 'Alpha Inc', role: 'member' },
        { tenant: 'beta', name: 'Beta LLC', role: 'member' },
      ]);
      expect(me?.name).toBe('betaMember');
    });

    it('creates a guest with a name and a session when the tenant allows guests', async () => {
      await setGuests(true);
      const code = await joinCode();
      const usersBefore = await app.db.selectFrom('users').select('id').execute();
      const response = await app.raw('POST', 'auth.joinWithCode', { code: ` ${code} `, name: ' Visitor ' });
      expect(response.status).toBe(200);
      expect(rawData<unknown>(response)).toEqual({ tenant: 'alpha', meetingId: null });
      const cookie = sessionCookieFrom(response.headers);
      expect(cookie).toBeDefined();
      const { attributes } = cookieAttributes(sessionSetCookies(response.headers)[0] ?? '');
      expect(attributes.has('httponly')).toBe(true);
      expect(attributes.get('samesite')).toBe('Lax');

      const guestClient = app.client({ cookie: cookie ?? '' });
      const me = await guestClient.auth.me.query();
      expect(me).toMatchObject({
        email: null,
        name: 'Visitor',
        guest: true,
        memberships: [{ tenant: 'alpha', name: 'Alpha Inc', role: 'member' }],
      });
      const usersAfter = await app.db.selectFrom('users').selectAll().execute();
      expect(usersAfter).toHaveLength(usersBefore.length + 1);
      const guest = usersAfter.find((user) => user.id === me?.id);
      expect(guest).toMatchObject({ email: null, passwordHash: null, guest: 1, name: 'Visitor' });
      expect((await sessionById(sha256Hex(tokenOf(cookie ?? ''))))?.userId).toBe(me?.id);

      expect((await guestClient.tenant.get.query({ tenant: 'alpha' })).role).toBe('member');
      const question = await guestClient.question.submit.mutate({
        ...ALPHA_MEETING,
        body: 'A guest question',
      });
      expect(question.body).toBe('A guest question');
      await setGuests(false);
    });

    it('does not let a guest of one tenant into another tenant that refuses guests', async () => {
      await setGuests(true);
      const alphaCode = await joinCode('alpha');
      const betaCode = await joinCode('beta');
      const joined = await app.raw('POST', 'auth.joinWithCode', { code: alphaCode, name: 'Roaming guest' });
      const guest = app.client({ cookie: sessionCookieFrom(joined.headers) ?? '' });
      expect((await guest.auth.me.query())?.guest).toBe(true);
      await setGuests(false);
      const beta = await (await app.as('betaOwner')).tenant.get.query({ tenant: 'beta' });
      expect(beta.settings.allowGuests).toBe(false);

      await app.expectNoChange(() => guest.auth.joinWithCode.mutate({ code: betaCode }), 'FORBIDDEN');
      expect(await errorCodeOf(guest.tenant.get.query({ tenant: 'beta' }))).toBe('FORBIDDEN');
    });

    it('refuses a guest with FORBIDDEN when the tenant does not allow guests, creating nothing', async () => {
      await setGuests(false);
      const code = await joinCode();
      const before = await snapshotData(app.db);
      const sessionsBefore = (await sessionRows()).length;
      const response = await app.raw('POST', 'auth.joinWithCode', { code, name: 'Gatecrasher' });
      expect(response.status).toBe(403);
      expect(rawErrorCode(response)).toBe('FORBIDDEN');
      expect(sessionSetCookies(response.headers)).toEqual([]);
      expect(await snapshotData(app.db)).toEqual(before);
      expect((await sessionRows()).length).toBe(sessionsBefore);
    });

    it('refuses an anonymous caller without a name with UNAUTHORIZED, creating nothing', async () => {
      await setGuests(true);
      const code = await joinCode();
      await app.expectNoChange(() => app.client().auth.joinWithCode.mutate({ code }), 'UNAUTHORIZED');
      await setGuests(false);
    });

    it('answers an unknown or revoked code with NOT_FOUND and changes nothing', async () => {
      await setGuests(true);
      const admin = await app.as('admin');
      const link = await admin.tenant.createJoinLink.mutate({ tenant: 'alpha' });
      await admin.tenant.revokeLink.mutate({ tenant: 'alpha', linkId: link.id });
      const display = await admin.tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      const { client } = await app.newAccount('revoked-joiner');
      for (const code of [link.code, 'no-such-code-anywhere', display.token, display.id]) {
        await app.expectNoChange(() => client.auth.joinWithCode.mutate({ code }), 'NOT_FOUND');
        await app.expectNoChange(
          () => app.client().auth.joinWithCode.mutate({ code, name: 'Guest' }),
          'NOT_FOUND',
        );
      }
      expect(await errorCodeOf(client.tenant.get.query({ tenant: 'alpha' }))).toBe('FORBIDDEN');
      await setGuests(false);
    });

    it('refuses a cross-site join', async () => {
      const code = await joinCode();
      const { cookie, userId } = await app.newAccount('cross-site-joiner');
      const response = await app.raw(
        'POST',
        'auth.joinWithCode',
        { code },
        { cookie, headers: { 'sec-fetch-site': 'cross-site' } },
      );
      expect(response.status).toBe(403);
      const memberships = await app.db
        .selectFrom('memberships')
        .select('role')
        .where('userId', '=', userId)
        .execute();
      expect(memberships).toEqual([]);
    });
  });

  describe('bearer credentials', () => {
    async function serviceToken(role: 'member' | 'moderator' | 'admin' = 'member') {
      const admin = await app.as('admin');
      return admin.tenant.createServiceToken.mutate({ tenant: 'alpha', name: `bot ${role}`, role });
    }

    it('authenticates a service token on /trpc with its role in its tenant', async () => {
      const { token } = await serviceToken('moderator');
      const bot = app.client({ bearer: token });
      const tenant = await bot.tenant.get.query({ tenant: 'alpha' });
      expect(tenant).toMatchObject({ slug: 'alpha', role: 'moderator' });
      const page = await bot.question.list.query(ALPHA_MEETING);
      expect(Array.isArray(page.items)).toBe(true);
      const team = await bot.team.create.mutate({ tenant: 'alpha', name: 'Made by a bot' });
      expect(team.name).toBe('Made by a bot');
      // A service token is not a user session.
      expect(await bot.auth.me.query()).toBeNull();
    });

    it('refuses a revoked service token with UNAUTHORIZED', async () => {
      const { id, token } = await serviceToken();
      const bot = app.client({ bearer: token });
      await bot.tenant.get.query({ tenant: 'alpha' });
      await (await app.as('admin')).tenant.revokeServiceToken.mutate({ tenant: 'alpha', tokenId: id });
      expect(await errorCodeOf(bot.tenant.get.query({ tenant: 'alpha' }))).toBe('UNAUTHORIZED');
      await app.expectNoChange(
        () => bot.question.submit.mutate({ ...ALPHA_MEETING, body: 'after revocation' }),
        'UNAUTHORIZED',
      );
      const raw = await app.raw('GET', 'tenant.get', { tenant: 'alpha' }, { bearer: token });
      expect(raw.status).toBe(401);
    });

    it('refuses an alpha token in tenant beta with FORBIDDEN, revealing nothing of beta', async () => {
      const { token } = await serviceToken('admin');
      const bot = app.client({ bearer: token });
      const refused = await failureOf(bot.tenant.get.query({ tenant: 'beta' }));
      expect(refused.code).toBe('FORBIDDEN');
      expect(refused.message).not.toContain('Beta LLC');
      await app.expectNoChange(
        () => bot.question.submit.mutate({ ...BETA_MEETING, body: 'cross tenant' }),
        'FORBIDDEN',
      );
      await app.expectNoChange(() => bot.tenant.createJoinLink.mutate({ tenant: 'beta' }), 'FORBIDDEN');
      expect(await errorCodeOf(bot.tenant.members.query({ tenant: 'beta' }))).toBe('FORBIDDEN');
    });

    it('lets a display link read but never write', async () => {
      const asked = await (await app.as('member')).question.submit.mutate({
        ...ALPHA_MEETING,
        body: 'Shown on the big screen',
      });
      const link = await (await app.as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      const display = app.client({ bearer: link.token });
      expect((await display.tenant.get.query({ tenant: 'alpha' })).role).toBeNull();
      const page = await display.question.list.query(ALPHA_MEETING);
      expect(page.items.map((item) => item.id)).toContain(asked.id);
      await app.expectNoChange(
        () => display.question.submit.mutate({ ...ALPHA_MEETING, body: 'from the projector' }),
        'FORBIDDEN',
      );
      const questionId = asked.id;
      await app.expectNoChange(
        () => display.question.upvote.mutate({ ...ALPHA_MEETING, questionId }),
        'FORBIDDEN',
      );
      await app.expectNoChange(
        () => display.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true }),
        'FORBIDDEN',
      );
      await app.expectNoChange(() => display.tenant.createJoinLink.mutate({ tenant: 'alpha' }), 'FORBIDDEN');
      expect(await errorCodeOf(display.question.mine.query(ALPHA_MEETING))).toBe('FORBIDDEN');
      expect(await errorCodeOf(display.tenant.members.query({ tenant: 'alpha' }))).toBe('FORBIDDEN');
      expect(await errorCodeOf(display.tenant.get.query({ tenant: 'beta' }))).toBe('FORBIDDEN');
      expect(await display.auth.me.query()).toBeNull();
    });

    it('refuses an invalid bearer with UNAUTHORIZED (401) rather than falling back to the cookie', async () => {
      const cookie = await app.cookieOf('owner');
      for (const bearer of ['pst_not-a-real-token', 'psd_not-a-real-token', 'garbage', 'pst_']) {
        const response = await app.raw('GET', 'tenant.get', { tenant: 'alpha' }, { bearer });
        expect(response.status, bearer).toBe(401);
        expect(rawErrorCode(response)).toBe('UNAUTHORIZED');
        const withCookie = await app.raw('GET', 'tenant.get', { tenant: 'alpha' }, { bearer, cookie });
        expect(withCookie.status, bearer).toBe(401);
      }
      const basic = await app.raw(
        'GET',
        'tenant.get',
        { tenant: 'alpha' },
        { headers: { authorization: 'Basic dXNlcjpwYXNz' } },
      );
      expect(basic.status).toBe(401);
      await app.expectNoChange(
        () =>
          app
            .client({ bearer: 'pst_not-a-real-token' })
            .question.submit.mutate({ ...ALPHA_MEETING, body: 'nope' }),
        'UNAUTHORIZED',
      );
    });
  });
});
