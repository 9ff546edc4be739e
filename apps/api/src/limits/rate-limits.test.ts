import { SSO_START_PATH } from '@pulsestage/contracts';
import { TRPCError } from '@trpc/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { badRequest, type DomainError, tooManyRequests, unauthorized } from '../errors.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { routerProcedures } from '../test-support/procedures.js';
import { BATCH_MAX_DEFAULT, RATE_LIMIT_DEFAULTS, type RateLimitSettings } from './budgets.js';
import { PROCEDURE_LIMITS, ROUTE_LIMITS } from './procedures.js';
import { RateLimits, retryAfterHeaders } from './rate-limits.js';
import { memoryStore } from './store.js';

const MINUTES = 60;
const SETTINGS: RateLimitSettings = {
  enabled: true,
  points: { ...RATE_LIMIT_DEFAULTS },
  batchMax: BATCH_MAX_DEFAULT,
};

/** How tRPC hands a middleware a procedure's domain refusal. */
const failedWith = (error: DomainError) => ({
  ok: false as const,
  error: new TRPCError({ code: 'INTERNAL_SERVER_ERROR', cause: error }),
});
const WRONG_PASSWORD = failedWith(unauthorized('Email or password is incorrect'));
const SIGNED_IN = { ok: true as const };

describe('rate limits, counted in memory', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(() => database.drop());
  afterEach(() => {
    vi.useRealTimers();
  });

  let addresses = 0;
  /** Sign-in attempts for `email`, each from an address of its own so only the account's count matters. */
  function signIns(limits: RateLimits, email: string) {
    return (outcome: typeof WRONG_PASSWORD | typeof SIGNED_IN) => {
      addresses += 1;
      return limits.guard(
        {
          path: 'auth.signIn',
          caller: { kind: 'anonymous' },
          clientAddress: `10.9.${Math.floor(addresses / 250)}.${addresses % 250}`,
          db: database.db,
          getRawInput: async () => ({ email, password: 'a guess' }),
        },
        async () => outcome,
      );
    };
  }

  /** The seconds to wait a refused attempt names, or undefined when it ran. */
  async function waitAsked(attempt: Promise<unknown>): Promise<number | undefined> {
    try {
      await attempt;
      return undefined;
    } catch (error) {
      expect((error as DomainError).code).toBe('TOO_MANY_REQUESTS');
      return (error as DomainError).retryAfterSeconds;
    }
  }

  it('locks an account out until its window ends, then twice as long at each lockout of the day', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
    const attempt = signIns(new RateLimits(memoryStore(), SETTINGS), 'target@example.test');
    for (const lockoutSeconds of [15 * MINUTES, 30 * MINUTES, 60 * MINUTES]) {
      for (let guess = 0; guess < 5; guess += 1)
        expect(await waitAsked(attempt(WRONG_PASSWORD))).toBeUndefined();
      expect(await waitAsked(attempt(SIGNED_IN))).toBe(lockoutSeconds);
      vi.advanceTimersByTime((lockoutSeconds - 1) * 1000);
      expect(await waitAsked(attempt(SIGNED_IN))).toBe(1);
      vi.advanceTimersByTime(1000);
    }
    // The right password ends the streak: the next lockout is a first one again.
    expect(await waitAsked(attempt(SIGNED_IN))).toBeUndefined();
    for (let guess = 0; guess < 5; guess += 1) await attempt(WRONG_PASSWORD);
    expect(await waitAsked(attempt(WRONG_PASSWORD))).toBe(15 * MINUTES);
  });

  it('counts only wrong passwords: input refused as bad or a server too busy to check give the point back', async () => {
    const attempt = signIns(new RateLimits(memoryStore(), SETTINGS), 'busy@example.test');
    const outcomes = [
      failedWith(badRequest('email: must be an email address')),
      failedWith(tooManyRequests('PulseStage is busy: try again in a few seconds')),
    ];
    for (let call = 0; call < 20; call += 1) {
      expect(await waitAsked(attempt(outcomes[call % 2] as typeof WRONG_PASSWORD))).toBeUndefined();
    }
  });

  it('counts nothing when limits are off', async () => {
    const attempt = signIns(
      new RateLimits(memoryStore(), { ...SETTINGS, enabled: false }),
      'off@example.test',
    );
    for (let guess = 0; guess < 20; guess += 1)
      expect(await waitAsked(attempt(WRONG_PASSWORD))).toBeUndefined();
  });

  it('limits single sign-on starts per address by the route, unless limits are off', async () => {
    const points = { ...SETTINGS.points, ssoStartsPerAddress: 2 };
    const on = new RateLimits(memoryStore(), { ...SETTINGS, points });
    const off = new RateLimits(memoryStore(), { ...SETTINGS, points, enabled: false });
    const start = (limits: RateLimits, clientAddress: string) =>
      waitAsked(
        limits.guard(
          {
            path: SSO_START_PATH,
            caller: { kind: 'anonymous' },
            clientAddress,
            db: database.db,
            getRawInput: async () => ({ tenant: 'alpha' }),
          },
          async () => SIGNED_IN,
        ),
      );
    for (const limits of [on, off])
      for (let started = 0; started < 2; started += 1)
        expect(await start(limits, '10.8.0.1')).toBeUndefined();
    expect(await start(on, '10.8.0.1')).toBeGreaterThan(0);
    expect(await start(on, '10.8.0.2')).toBeUndefined();
    expect(await start(off, '10.8.0.1')).toBeUndefined();
  });

  it('finds a request over the batch cap by the calls its path names, naming the cap', () => {
    const limits = new RateLimits(memoryStore(), SETTINGS);
    const batch = (calls: number, query = '?batch=1') =>
      limits.oversizedBatch(
        new URL(`http://localhost/trpc/${Array(calls).fill('auth.me').join(',')}${query}`),
      );
    expect(batch(10)).toBeUndefined();
    expect(batch(11)).toBe('One request may carry at most 10 calls; this one has 11');
    expect(batch(11, '')).toBeUndefined(); // not a batch: tRPC reads the path as one unknown procedure
    expect(
      limits.oversizedBatch(new URL(`http://localhost/trpc/${Array(12).fill('a').join('%2C')}?batch=1`)),
    ).toBe('One request may carry at most 10 calls; this one has 12');
  });

  it("asks in Retry-After for the longest wait among a response's refusals", () => {
    const refused = (seconds: number) =>
      new TRPCError({ code: 'TOO_MANY_REQUESTS', cause: tooManyRequests('Too many', seconds) });
    expect(retryAfterHeaders([refused(12), new TRPCError({ code: 'UNAUTHORIZED' }), refused(30)])).toEqual({
      headers: { 'retry-after': '30' },
    });
    expect(retryAfterHeaders([new TRPCError({ code: 'TOO_MANY_REQUESTS' })])).toEqual({});
    expect(retryAfterHeaders([])).toEqual({});
  });

  it('limits only procedures the router has: mutations, the code preview that guesses go through, and the look-ups made while typing', () => {
    const procedures = routerProcedures();
    const limitedQueries = ['auth.joinLink', 'question.similar'];
    const limited = Object.keys(PROCEDURE_LIMITS).map((path) => `${path}: ${procedures[path]?._def.type}`);
    const expected = Object.keys(PROCEDURE_LIMITS).map(
      (path) => `${path}: ${limitedQueries.includes(path) ? 'query' : 'mutation'}`,
    );
    expect(limited).toEqual(expected);
  });

  it('limits routes outside tRPC by their paths, none of them a procedure: single sign-on starts', () => {
    const procedures = routerProcedures();
    expect(Object.keys(ROUTE_LIMITS)).toEqual([SSO_START_PATH]);
    expect(Object.keys(ROUTE_LIMITS).filter((path) => path in procedures)).toEqual([]);
  });
});
