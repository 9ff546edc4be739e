import { SUBMIT_LIMIT_DEFAULT, UPVOTE_LIMIT_DEFAULT } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustedProxies } from '../http/client-address.js';
import { freshAddress } from '../test-support/addresses.js';
import {
  type Client,
  NEW_ACCOUNT_PASSWORD,
  type RawResponse,
  sessionCookieFrom,
  startTestApp,
  type TestApp,
  uniqueEmail,
  uniqueLabel,
} from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { FIXTURE_PER_MINUTE_LIMIT, PASSWORD } from '../test-support/fixture.js';
import { snapshotData } from '../test-support/snapshot.js';
import { RATE_LIMIT_DEFAULTS } from './budgets.js';

const alpha = { tenant: 'alpha' } as const;
/** The test server believes `X-Forwarded-For` from loopback, so each test picks the addresses it calls from. */
const trustedProxies = parseTrustedProxies('127.0.0.1');
/** Small operator limits, to reach them in a few calls; the other server keeps the real defaults. */
const TIGHT = {
  signInFailuresPerAddress: 3,
  signUpsPerAddress: 2,
  guestJoinsPerCode: 3,
  guestJoinsPerAddress: 2,
  linksAndTokensPerAdmin: 2,
  codeGuessesPerAddress: 3,
};

const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

interface ErrorBody {
  error: { message: string; data: { code: string; retryAfterSeconds?: number } };
}
const errorOf = (response: RawResponse) => (response.body as ErrorBody).error;

/**
 * Asserts a refusal as the limits give it: 429, `Retry-After` in whole seconds within the window, the
 * same seconds in the error's data and its message, and no session handed out.
 */
function expectRefused(response: RawResponse, refusal: string, windowSeconds: number): number {
  expect(response.status, JSON.stringify(response.body)).toBe(429);
  const seconds = Number(response.headers.get('retry-after'));
  expect(Number.isInteger(seconds)).toBe(true);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(windowSeconds);
  const error = errorOf(response);
  expect(error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: seconds });
  expect(error.message).toBe(`${refusal}: try again in ${seconds} s`);
  expect(sessionCookieFrom(response.headers)).toBeUndefined();
  return seconds;
}

/** Runs a call that must be refused, and checks that every row is as it was. */
async function refusedWithoutChange(
  app: TestApp,
  call: () => Promise<RawResponse>,
  refusal: string,
  windowSeconds: number,
): Promise<void> {
  const before = await snapshotData(app.db);
  expectRefused(await call(), refusal, windowSeconds);
  expect(await snapshotData(app.db)).toEqual(before);
}

const signIn = (app: TestApp, email: string, password: string, address: string) =>
  app.raw('POST', 'auth.signIn', { email, password }, from(address));

describe.each(DIALECTS)('rate limits on %s', (dialect) => {
  let app: TestApp;
  let tight: TestApp;
  let admin: Client;

  beforeAll(async () => {
    [app, tight] = await Promise.all([
      startTestApp(dialect, { rateLimitPoints: RATE_LIMIT_DEFAULTS, trustedProxies }),
      startTestApp(dialect, { rateLimitPoints: TIGHT, trustedProxies }),
    ]);
    [admin] = await app.clients('admin');
  });
  afterAll(async () => {
    await Promise.all([app?.close(), tight?.close()]);
  });

  /** Sets alpha's per-person limits for one test, then gives the fixture back its own. */
  async function withTenantLimits(limits: object, test: () => Promise<void>): Promise<void> {
    await admin.tenant.updateSettings.mutate({ ...alpha, ...limits });
    try {
      await test();
    } finally {
      await admin.tenant.updateSettings.mutate({
        ...alpha,
        submitLimitPerMinute: FIXTURE_PER_MINUTE_LIMIT,
        upvoteLimitPerMinute: FIXTURE_PER_MINUTE_LIMIT,
      });
    }
  }

  describe('signing in', () => {
    const WINDOW = 15 * 60;

    it('locks an account out after 5 wrong passwords, even for the right one, and says when to retry', async () => {
      const { email } = await app.newAccount('guessed');
      const address = freshAddress();
      for (let attempt = 0; attempt < 5; attempt += 1) {
        expect((await signIn(app, email, 'not the password', address)).status).toBe(401);
      }
      const refused = await signIn(app, email, NEW_ACCOUNT_PASSWORD, freshAddress());
      expectRefused(refused, 'Too many attempts', WINDOW);
      // Other accounts from the same address are not held back.
      expect((await signIn(app, 'member@alpha.test', PASSWORD, address)).status).toBe(200);
    });

    it('answers guesses at an email nobody has exactly as at a real account: the lockout reveals nothing', async () => {
      const { email } = await app.newAccount('real');
      const nobody = uniqueEmail('nobody');
      const outcomes = async (who: string) => {
        const address = freshAddress();
        const responses: RawResponse[] = [];
        for (let attempt = 0; attempt < 6; attempt += 1)
          responses.push(await signIn(app, who, 'guess', address));
        return responses.map((response) => ({
          status: response.status,
          code: errorOf(response).data.code,
          message: errorOf(response).message.replace(/\d+ s$/, 'N s'),
        }));
      };
      const [real, unknown] = [await outcomes(email), await outcomes(nobody)];
      expect(unknown).toEqual(real);
      expect(real.map((outcome) => outcome.status)).toEqual([401, 401, 401, 401, 401, 429]);
      expect(real[5]?.message).toBe('Too many attempts: try again in N s');
    });

    it('counts an account by its email however it is typed', async () => {
      const { email } = await app.newAccount('typed');
      const address = freshAddress();
      for (const typed of [email, email.toUpperCase(), ` ${email}`, email, email.toUpperCase()]) {
        expect((await signIn(app, typed, 'wrong', address)).status).toBe(401);
      }
      expectRefused(await signIn(app, email, NEW_ACCOUNT_PASSWORD, address), 'Too many attempts', WINDOW);
    });

    it('forgets the wrong passwords once the right one is given', async () => {
      const { email } = await app.newAccount('forgetful');
      const address = freshAddress();
      for (let round = 0; round < 2; round += 1) {
        for (let attempt = 0; attempt < 4; attempt += 1) {
          expect((await signIn(app, email, 'wrong', address)).status).toBe(401);
        }
        expect((await signIn(app, email, NEW_ACCOUNT_PASSWORD, address)).status).toBe(200);
      }
    });

    it('caps wrong passwords from one address, whichever accounts they try', async () => {
      const address = freshAddress();
      for (let attempt = 0; attempt < TIGHT.signInFailuresPerAddress; attempt += 1) {
        expect((await signIn(tight, uniqueEmail('sprayed'), 'guess', address)).status).toBe(401);
      }
      expectRefused(await signIn(tight, 'member@alpha.test', PASSWORD, address), 'Too many attempts', WINDOW);
      expect((await signIn(tight, 'member@alpha.test', PASSWORD, freshAddress())).status).toBe(200);
    });

    it('counts every call of a batch: seven guesses in one request get five answers and two refusals', async () => {
      const email = uniqueEmail('batched');
      const calls = 7;
      const response = await fetch(`${app.url}/trpc/${Array(calls).fill('auth.signIn').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': freshAddress() },
        body: JSON.stringify(
          Object.fromEntries([...Array(calls).keys()].map((i) => [i, { email, password: `guess ${i}` }])),
        ),
      });
      const results = (await response.json()) as ErrorBody[];
      const codes = results.map((result) => result.error.data.code).sort();
      expect(codes).toEqual([...Array(2).fill('TOO_MANY_REQUESTS'), ...Array(5).fill('UNAUTHORIZED')]);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    });
  });

  it('caps new accounts per address, creating nothing once refused', async () => {
    const address = freshAddress();
    const signUp = () =>
      tight.raw(
        'POST',
        'auth.signUp',
        {
          email: uniqueEmail('crowd'),
          password: NEW_ACCOUNT_PASSWORD,
          name: 'Crowd',
        },
        from(address),
      );
    for (let account = 0; account < TIGHT.signUpsPerAddress; account += 1) {
      expect((await signUp()).status).toBe(200);
    }
    await refusedWithoutChange(tight, signUp, 'Too many new accounts from this network', 60 * 60);
  });

  describe('guests joining', () => {
    let code: string;
    let meetingId: string;

    beforeAll(async () => {
      const [tightAdmin] = await tight.clients('admin');
      const meeting = await tightAdmin.meeting.create.mutate({
        ...alpha,
        title: 'Open house',
        opensAt: '2020-01-01T00:00:00Z',
        allowGuests: true,
      });
      ({ code, id: meetingId } = meeting);
    });

    const joinAsGuest = (address: string) =>
      tight.raw('POST', 'auth.joinWithCode', { code, name: uniqueLabel('guest') }, from(address));

    it('caps guests per address and per code, creating no guest once refused', async () => {
      const crowded = freshAddress();
      expect((await joinAsGuest(crowded)).status).toBe(200);
      expect((await joinAsGuest(crowded)).status).toBe(200);
      await refusedWithoutChange(
        tight,
        () => joinAsGuest(crowded),
        'Too many guests joining from this network',
        60,
      );
      // The refusal above spent nothing of the code's budget: one more guest fits, then the code is full.
      expect((await joinAsGuest(freshAddress())).status).toBe(200);
      await refusedWithoutChange(
        tight,
        () => joinAsGuest(freshAddress()),
        'Too many guests joining with this code',
        60,
      );
      // Members joining as themselves are not guests and are not counted.
      const { client } = await tight.newAccount('member by code');
      expect(await client.auth.joinWithCode.mutate({ code })).toEqual({ tenant: 'alpha', meetingId });
    });
  });

  it('caps unknown codes tried from one address, on the preview and on joining, not the known ones', async () => {
    const [tightAdmin] = await tight.clients('admin');
    const { code } = await tightAdmin.meeting.create.mutate({ ...alpha, title: 'Guessed', opensAt: null });
    const guesser = freshAddress();
    const preview = (tried: string) => tight.raw('GET', 'auth.joinLink', { code: tried }, from(guesser));
    const unknownCode = () => String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    const guess = async () => {
      let tried = unknownCode();
      while (tried === code) tried = unknownCode();
      expect((await preview(tried)).status).toBe(404);
    };
    for (let guesses = 1; guesses < TIGHT.codeGuessesPerAddress; guesses += 1) await guess();
    // The code on the screen works from that address and costs nothing: only unknown codes are counted.
    expect((await preview(code)).status).toBe(200);
    await guess();
    await refusedWithoutChange(
      tight,
      () => tight.raw('POST', 'auth.joinWithCode', { code: unknownCode(), name: 'Guesser' }, from(guesser)),
      'Too many unknown codes from this network',
      600,
    );
    expect(
      (await tight.raw('GET', 'auth.joinLink', { code: unknownCode() }, from(freshAddress()))).status,
    ).toBe(404);
  });

  it('caps the links and tokens one admin creates in a tenant, not another admin', async () => {
    const [tightAdmin, tightOwner] = await tight.clients('admin', 'owner');
    await tightAdmin.tenant.createJoinLink.mutate(alpha);
    await tightAdmin.tenant.createDisplayLink.mutate(alpha);
    const cookie = await tight.cookieOf('admin');
    await refusedWithoutChange(
      tight,
      () =>
        tight.raw('POST', 'tenant.createServiceToken', { ...alpha, name: 'bot', role: 'member' }, { cookie }),
      'Too many new links and tokens',
      60 * 60,
    );
    expect((await tightOwner.tenant.createJoinLink.mutate(alpha)).code).toBeTruthy();
  });

  it("caps one person's questions per meeting at the tenant's limit, per meeting and per person", async () => {
    await withTenantLimits({ submitLimitPerMinute: SUBMIT_LIMIT_DEFAULT }, async () => {
      const newMeeting = async () =>
        (await admin.meeting.create.mutate({ ...alpha, title: 'Q&A', opensAt: '2020-01-01T00:00:00Z' })).id;
      const [first, second] = [await newMeeting(), await newMeeting()];
      const cookie = await app.cookieOf('member');
      const submit = (meetingId: string, by = cookie) =>
        app.raw(
          'POST',
          'question.submit',
          { ...alpha, meetingId, body: uniqueLabel('question') },
          { cookie: by },
        );
      for (let question = 0; question < SUBMIT_LIMIT_DEFAULT; question += 1) {
        expect((await submit(first)).status).toBe(200);
      }
      await refusedWithoutChange(app, () => submit(first), 'Too many questions in a row', 60);
      expect((await submit(second)).status).toBe(200);
      expect((await submit(first, await app.cookieOf('member2'))).status).toBe(200);
    });
  });

  it("caps one person's upvotes and their removals together at the tenant's limit", async () => {
    await withTenantLimits({ upvoteLimitPerMinute: UPVOTE_LIMIT_DEFAULT }, async () => {
      const meetingId = app.meetingIds.alpha;
      const [asker] = await app.clients('member2');
      const question = await asker.question.submit.mutate({
        ...alpha,
        meetingId,
        body: uniqueLabel('popular'),
      });
      const cookie = await app.cookieOf('member');
      const vote = (path: 'question.upvote' | 'question.removeUpvote') =>
        app.raw('POST', path, { ...alpha, meetingId, questionId: question.id }, { cookie });
      for (let vote_ = 0; vote_ < UPVOTE_LIMIT_DEFAULT; vote_ += 1) {
        expect((await vote(vote_ % 2 === 0 ? 'question.upvote' : 'question.removeUpvote')).status).toBe(200);
      }
      await refusedWithoutChange(app, () => vote('question.upvote'), 'Too many votes in a row', 60);
    });
  });

  describe('batches', () => {
    const batchUrl = (path: string, calls: number) =>
      `${app.url}/trpc/${Array(calls).fill(path).join(',')}?batch=1`;
    const inputs = (calls: number, input: (index: number) => unknown) =>
      JSON.stringify(Object.fromEntries([...Array(calls).keys()].map((index) => [index, input(index)])));

    it('refuses a request of more than 10 calls as a whole, naming the cap, before any call runs', async () => {
      const before = await snapshotData(app.db);
      const response = await fetch(batchUrl('auth.signUp', 11), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: inputs(11, () => ({
          email: uniqueEmail('batch'),
          password: NEW_ACCOUNT_PASSWORD,
          name: 'Batch',
        })),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: { code: 'BAD_REQUEST', message: 'One request may carry at most 10 calls; this one has 11' },
      });
      expect(await snapshotData(app.db)).toEqual(before);
    });

    it('runs a request of 10 calls', async () => {
      const response = await fetch(
        `${batchUrl('auth.me', 10)}&input=${encodeURIComponent(inputs(10, () => ({})))}`,
      );
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveLength(10);
    });
  });

  // The default limits are per minute, and a room arrives within one; how long the joins take here says
  // nothing about the limits (a loaded machine may take longer), so the bound is only there to end a hang.
  it('lets 1,000 people join a meeting by its code and ask a question each', async () => {
    await withTenantLimits(
      { submitLimitPerMinute: SUBMIT_LIMIT_DEFAULT, upvoteLimitPerMinute: UPVOTE_LIMIT_DEFAULT },
      async () => {
        const meeting = await admin.meeting.create.mutate({
          ...alpha,
          title: 'All hands',
          opensAt: '2020-01-01T00:00:00Z',
          allowGuests: true,
        });
        // A venue's audience arrives over a few networks: four addresses, each under its ceiling.
        const networks = [freshAddress(), freshAddress(), freshAddress(), freshAddress()];
        const people = 1000;
        const failures: string[] = [];
        let next = 0;
        const person = async (index: number) => {
          const joined = await app.raw(
            'POST',
            'auth.joinWithCode',
            { code: meeting.code, name: `Person ${index}` },
            from(networks[index % networks.length] as string),
          );
          const cookie = sessionCookieFrom(joined.headers);
          if (joined.status !== 200 || !cookie) return failures.push(`join ${index}: ${joined.status}`);
          const asked = await app.raw(
            'POST',
            'question.submit',
            { ...alpha, meetingId: meeting.id, body: `Question from person ${index}` },
            { cookie },
          );
          if (asked.status !== 200)
            failures.push(`ask ${index}: ${asked.status} ${JSON.stringify(asked.body)}`);
        };
        // Twenty people at a time, as a busy minute brings them, without needing a thousand sockets at once.
        await Promise.all(
          Array.from({ length: 20 }, async () => {
            while (next < people) await person(next++);
          }),
        );
        expect(failures).toEqual([]);
        const asked = await app.db
          .selectFrom('questions')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('meetingId', '=', meeting.id)
          .executeTakeFirstOrThrow();
        expect(Number(asked.count)).toBe(people);
      },
    );
  }, 300_000);
});
