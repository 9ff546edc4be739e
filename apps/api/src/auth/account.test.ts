import { randomUUID } from 'node:crypto';
import { TRPCClientError } from '@trpc/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Client,
  errorCodeOf,
  failureFrom,
  failureOf,
  NEW_ACCOUNT_PASSWORD,
  type NewAccount,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ALPHA_MEETING } from '../test-support/fixture.js';
import {
  type Credentials,
  itemsBeforeSentinel,
  newMember,
  OpenStreams,
  subscribeTrpc,
  type TrpcStream,
  waitFor,
} from '../test-support/sse.js';
import { hashSecret } from './secrets.js';
import { createSession, LAST_USED_PRECISION_MS, SESSION_COOKIE } from './sessions.js';

const alpha = { tenant: 'alpha' } as const;
const MAC_CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE_SAFARI =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
/** Open streams end at the announcement of an access change; the sweep below never runs in a test. */
const PROMPTLY_MS = 3000;

const tokenOf = (cookie: string) => cookie.slice(`${SESSION_COOKIE}=`.length);

describe.each(DIALECTS)('accounts on %s', (dialect) => {
  let app: TestApp;
  let admin: Client;
  let member2: Client;
  const streams = new OpenStreams();

  beforeAll(async () => {
    app = await startTestApp(dialect, { accessSweepMs: 600_000 });
    [admin, member2] = await app.clients('admin', 'member2');
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app.close());

  /** Another session of the account, as another browser with `userAgent` would hold it. */
  async function anotherSession(account: NewAccount, userAgent?: string): Promise<Client> {
    const { token } = await createSession(app.db, account.userId, userAgent);
    return app.client({ cookie: `${SESSION_COOKIE}=${token}` });
  }

  const cookieOf = async (account: NewAccount, userAgent?: string) =>
    `${SESSION_COOKIE}=${(await createSession(app.db, account.userId, userAgent)).token}`;

  const sessionRow = (cookie: string) =>
    app.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', hashSecret(tokenOf(cookie)))
      .executeTakeFirst();

  async function started(credentials: Credentials): Promise<TrpcStream> {
    const stream = streams.add(subscribeTrpc(app, credentials, alpha));
    await waitFor(() => stream.started > 0 || stream.errors.length > 0, 5000, 'the subscription to start');
    expect(stream.errors).toEqual([]);
    return stream;
  }

  async function refusal(stream: TrpcStream): Promise<string> {
    await waitFor(() => stream.errors.length > 0, PROMPTLY_MS, 'the stream to be refused');
    expect(stream.errors[0]).toBeInstanceOf(TRPCClientError);
    return failureFrom(stream.errors[0]).code;
  }

  describe('account.sessions', () => {
    it("lists the caller's own sessions only, marking this one and naming each device", async () => {
      const account = await app.newAccount('lister');
      const signedIn = await app.raw(
        'POST',
        'auth.signIn',
        { email: account.email, password: NEW_ACCOUNT_PASSWORD },
        { headers: { 'user-agent': MAC_CHROME } },
      );
      const cookie = sessionCookieFrom(signedIn.headers) ?? '';
      const phone = await anotherSession(account, IPHONE_SAFARI);
      const someoneElse = await app.newAccount('someone-else');

      const listed = await app.client({ cookie }).account.sessions.query();
      const byDevice = [...listed].sort((a, b) => a.device.localeCompare(b.device));
      expect(byDevice).toEqual([
        expect.objectContaining({ device: 'Chrome on macOS', current: true }),
        expect.objectContaining({ device: 'Safari on iPhone', current: false }),
        expect.objectContaining({ device: 'Unknown device', current: false }),
      ]);
      for (const session of listed) {
        expect(session.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(Date.parse(session.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(session.createdAt));
      }
      // Neither the token nor the hash that keys the session ever leaves the server.
      const answer = JSON.stringify(listed);
      for (const secret of [
        tokenOf(cookie),
        hashSecret(tokenOf(cookie)),
        hashSecret(tokenOf(account.cookie)),
      ])
        expect(answer).not.toContain(secret);

      const phoneList = await phone.account.sessions.query();
      expect(phoneList.filter((session) => session.current).map((session) => session.device)).toEqual([
        'Safari on iPhone',
      ]);
      const othersIds = (await someoneElse.client.account.sessions.query()).map((session) => session.id);
      expect(othersIds).toHaveLength(1);
      expect(listed.map((session) => session.id)).not.toContain(othersIds[0]);
    });

    it('gives sessions made before the list existed an id of their own, which stays and ends them', async () => {
      const account = await app.newAccount('old-sessions');
      const oldCookie = await cookieOf(account);
      await app.db
        .updateTable('sessions')
        .set({ publicId: null, userAgent: null, lastUsedAt: null })
        .where('id', '=', hashSecret(tokenOf(oldCookie)))
        .execute();

      const first = await account.client.account.sessions.query();
      const old = first.find((session) => !session.current);
      expect(old).toMatchObject({ device: 'Unknown device' });
      expect(old?.lastUsedAt).toBe(old?.createdAt);
      expect((await account.client.account.sessions.query()).map((s) => s.id)).toEqual(
        first.map((s) => s.id),
      );
      await account.client.account.endSession.mutate({ sessionId: old?.id ?? '' });
      expect(await app.client({ cookie: oldCookie }).auth.me.query()).toBeNull();
    });

    it('keeps only the start of a long user agent, enough to name the device', async () => {
      const account = await app.newAccount('long-agent');
      const cookie = await cookieOf(account, `${MAC_CHROME} ${'x'.repeat(1000)}`);
      expect((await sessionRow(cookie))?.userAgent).toBe(`${MAC_CHROME} ${'x'.repeat(1000)}`.slice(0, 200));
      const listed = await app.client({ cookie }).account.sessions.query();
      expect(listed.find((session) => session.current)?.device).toBe('Chrome on macOS');
    });

    it('refuses a caller without a session', async () => {
      expect(await errorCodeOf(app.client().account.sessions.query())).toBe('UNAUTHORIZED');
    });
  });

  describe('account.endSession', () => {
    it('ends exactly the session named, its open streams at once, and its cookie is refused next', async () => {
      const account = await newMember(app, admin);
      const [endingCookie, stayingCookie] = [await cookieOf(account), await cookieOf(account)];
      const ending = await started({ cookie: endingCookie });
      const staying = await started({ cookie: stayingCookie });
      const target = (await app.client({ cookie: endingCookie }).account.sessions.query()).find(
        (session) => session.current,
      );

      const ended = await app.raw(
        'POST',
        'account.endSession',
        { sessionId: target?.id },
        { cookie: account.cookie },
      );
      expect(ended.status).toBe(200);
      expect(ended.body).toEqual({ result: { data: { sessionId: target?.id, current: false } } });
      // Ending another browser's session leaves this browser's cookie alone.
      expect(sessionCookiesSet(ended.headers)).toEqual([]);

      expect(await refusal(ending)).toBe('FORBIDDEN');
      expect(await sessionRow(endingCookie)).toBeUndefined();
      expect(await app.client({ cookie: endingCookie }).auth.me.query()).toBeNull();
      expect(await errorCodeOf(app.client({ cookie: endingCookie }).tenant.get.query(alpha))).toBe(
        'UNAUTHORIZED',
      );
      await itemsBeforeSentinel(member2, [staying]);
      expect(staying.errors).toEqual([]);
      expect((await account.client.account.sessions.query()).map((session) => session.id)).not.toContain(
        target?.id,
      );
      expect((await app.client({ cookie: stayingCookie }).auth.me.query())?.id).toBe(account.userId);
    });

    it('ends the current session too, clearing its cookie', async () => {
      const account = await app.newAccount('ends-itself');
      const other = await anotherSession(account);
      const current = (await account.client.account.sessions.query()).find((session) => session.current);
      const ended = await app.raw(
        'POST',
        'account.endSession',
        { sessionId: current?.id },
        { cookie: account.cookie },
      );
      expect(ended.body).toEqual({ result: { data: { sessionId: current?.id, current: true } } });
      expect(sessionCookiesSet(ended.headers)).toEqual([`${SESSION_COOKIE}=`]);
      expect(await account.client.auth.me.query()).toBeNull();
      expect((await other.auth.me.query())?.id).toBe(account.userId);
    });

    it("refuses another person's session exactly as an id that exists nowhere, ending nothing", async () => {
      const [account, victim] = [await app.newAccount('prober'), await app.newAccount('victim')];
      const [victimSession] = await victim.client.account.sessions.query();
      const foreign = await failureOf(
        account.client.account.endSession.mutate({ sessionId: victimSession?.id ?? '' }),
      );
      const nowhere = await failureOf(account.client.account.endSession.mutate({ sessionId: randomUUID() }));
      expect(foreign).toEqual({ code: 'NOT_FOUND', message: 'Session not found' });
      expect(nowhere).toEqual(foreign);
      expect((await victim.client.auth.me.query())?.id).toBe(victim.userId);
      expect((await account.client.auth.me.query())?.id).toBe(account.userId);
      expect(
        await app.db.selectFrom('sessions').select('id').where('userId', '=', victim.userId).execute(),
      ).toHaveLength(1);
    });
  });

  describe('account.signOutEverywhere', () => {
    it('ends every session of the caller, clears the cookie and ends the open streams of the others promptly', async () => {
      const account = await newMember(app, admin);
      const laptopCookie = await cookieOf(account, MAC_CHROME);
      const phoneCookie = await cookieOf(account, IPHONE_SAFARI);
      const laptop = await started({ cookie: laptopCookie });
      const phone = await started({ cookie: phoneCookie });
      const bystander = await app.newAccount('bystander');

      const response = await app.raw('POST', 'account.signOutEverywhere', undefined, {
        cookie: account.cookie,
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ result: { data: { sessionsEnded: 3 } } });
      expect(sessionCookiesSet(response.headers)).toEqual([`${SESSION_COOKIE}=`]);

      expect(await refusal(laptop)).toBe('FORBIDDEN');
      expect(await refusal(phone)).toBe('FORBIDDEN');
      for (const cookie of [account.cookie, laptopCookie, phoneCookie]) {
        expect(await app.client({ cookie }).auth.me.query()).toBeNull();
      }
      expect(
        await app.db.selectFrom('sessions').select('id').where('userId', '=', account.userId).execute(),
      ).toEqual([]);
      expect((await bystander.client.auth.me.query())?.id).toBe(bystander.userId);
    });

    it('refuses a caller without a session', async () => {
      const response = await app.raw('POST', 'account.signOutEverywhere');
      expect(response.status).toBe(401);
    });
  });

  describe('last use', () => {
    it('is written at most every few minutes, not on every request', async () => {
      const account = await app.newAccount('last-use');
      const setLastUsed = (msAgo: number) =>
        app.db
          .updateTable('sessions')
          .set({ lastUsedAt: new Date(Date.now() - msAgo).toISOString() })
          .where('userId', '=', account.userId)
          .execute();
      const lastUsed = async () => (await sessionRow(account.cookie))?.lastUsedAt;

      const recently = 60_000;
      await setLastUsed(recently);
      const before = await lastUsed();
      for (let request = 0; request < 3; request++) await account.client.auth.me.query();
      expect(await lastUsed()).toBe(before);

      await setLastUsed(LAST_USED_PRECISION_MS + recently);
      const askedAt = Date.now();
      await account.client.auth.me.query();
      const written = await lastUsed();
      expect(Date.parse(written ?? '')).toBeGreaterThanOrEqual(askedAt);
      await account.client.auth.me.query();
      expect(await lastUsed()).toBe(written);
      const listed = await account.client.account.sessions.query();
      expect(listed[0]?.lastUsedAt).toBe(written);
    });
  });

  describe('tenant.removeGuests', () => {
    async function joinAsGuest(code: string, name: string) {
      const joined = await app.raw('POST', 'auth.joinWithCode', { code, name });
      const cookie = sessionCookieFrom(joined.headers) ?? '';
      const client = app.client({ cookie });
      const me = await client.auth.me.query();
      return { cookie, client, userId: me?.id ?? '' };
    }

    it('removes the guests only, ends their streams at once, and keeps their questions', async () => {
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: true });
      const { code } = await admin.tenant.createJoinLink.mutate(alpha);
      const [guest, otherGuest, trusted] = [
        await joinAsGuest(code, 'Guest One'),
        await joinAsGuest(code, 'Guest Two'),
        await joinAsGuest(code, 'Trusted Guest'),
      ];
      await admin.tenant.setRole.mutate({ ...alpha, userId: trusted.userId, role: 'moderator' });
      const body = 'When will the roadmap for next year be shared?';
      const question = await guest.client.question.submit.mutate({ ...ALPHA_MEETING, body });
      const guestStream = await started({ cookie: guest.cookie });
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: false });
      const before = await admin.tenant.members.query(alpha);

      expect(await admin.tenant.removeGuests.mutate(alpha)).toEqual({ removed: 2 });

      expect(await refusal(guestStream)).toBe('FORBIDDEN');
      const after = await admin.tenant.members.query(alpha);
      const removedIds = [guest.userId, otherGuest.userId];
      expect(after).toEqual(before.filter((member) => !removedIds.includes(member.userId)));
      expect(after.find((member) => member.userId === trusted.userId)?.role).toBe('moderator');
      expect(after.filter((member) => !member.guest).length).toBe(before.filter((m) => !m.guest).length);
      expect(await errorCodeOf(guest.client.tenant.get.query(alpha))).toBe('FORBIDDEN');
      // Their questions stay, as anonymous as they were.
      expect(await admin.question.get.query({ ...ALPHA_MEETING, questionId: question.id })).toEqual(
        await member2.question.get.query({ ...ALPHA_MEETING, questionId: question.id }),
      );
      expect((await admin.question.get.query({ ...ALPHA_MEETING, questionId: question.id })).body).toBe(body);
      // Not kept out by name: a guest account lives in one browser, and may come back only as guests may.
      expect((await admin.tenant.removedMembers.query(alpha)).map((r) => r.userId)).not.toContain(
        guest.userId,
      );
      expect(await admin.tenant.removeGuests.mutate(alpha)).toEqual({ removed: 0 });
    });

    it('is for admins only', async () => {
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: true });
      const { code } = await admin.tenant.createJoinLink.mutate(alpha);
      const guest = await joinAsGuest(code, 'Staying Guest');
      await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: false });
      for (const account of ['moderator', 'member'] as const) {
        const client = await app.as(account);
        await app.expectNoChange(() => client.tenant.removeGuests.mutate(alpha), 'FORBIDDEN');
      }
      expect((await guest.client.tenant.get.query(alpha)).slug).toBe('alpha');
    });
  });
});

/** The session cookie values a response sets, attributes aside. */
function sessionCookiesSet(headers: Headers): string[] {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .filter((pair) => pair.startsWith(`${SESSION_COOKIE}=`));
}
