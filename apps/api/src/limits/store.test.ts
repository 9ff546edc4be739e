import { createScratchDatabase, type ScratchDatabase } from '@pulsestage/test-harness/postgres';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BusTarget } from '../config.js';
import {
  NEW_ACCOUNT_PASSWORD,
  type RawResponse,
  startTestApp,
  startTestServer,
  type TestApp,
  uniqueEmail,
  uniqueLabel,
} from '../test-support/app.js';
import { BATCH_MAX_DEFAULT, RATE_LIMIT_DEFAULTS } from './budgets.js';
import { RateLimits } from './rate-limits.js';
import { type LimitStore, openLimitStore } from './store.js';

const postgresUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

if (!postgresUrl) console.warn('TEST_DATABASE_URL is not set: the PostgreSQL limit store tests are skipped.');
if (!redisUrl) console.warn('TEST_REDIS_URL is not set: the Redis limit store tests are skipped.');

type SharedKind = Exclude<BusTarget['kind'], 'memory'>;
const STORES = [...(redisUrl ? ['redis' as const] : []), ...(postgresUrl ? ['postgres' as const] : [])];

/** Collects what a store logs. */
function logged() {
  const lines: string[] = [];
  return { lines, log: (message: string) => lines.push(message) };
}

/** Where each kind of shared store lives for a test: Redis as is, PostgreSQL in a database of its own. */
async function sharedTarget(kind: SharedKind): Promise<{ target: BusTarget; drop(): Promise<void> }> {
  if (kind === 'redis') return { target: { kind, url: redisUrl as string }, drop: async () => {} };
  const scratch: ScratchDatabase = await createScratchDatabase(postgresUrl as string);
  return { target: { kind, url: scratch.url }, drop: () => scratch.drop() };
}

describe('a limit store that cannot be reached', () => {
  it('counts in memory and says so in the log, rather than refusing everyone', async () => {
    const { lines, log } = logged();
    const store = await openLimitStore({ kind: 'redis', url: 'redis://127.0.0.1:1' }, { log });
    try {
      const limiter = store.limiter({ name: 'away', points: 2, windowSeconds: 60 });
      await limiter.consume('someone');
      await limiter.consume('someone');
      await expect(limiter.consume('someone')).rejects.toBeInstanceOf(RateLimiterRes);
      expect(lines.some((line) => /unreachable/.test(line))).toBe(true);
    } finally {
      await store.close();
    }
  });
});

describe.each(STORES)('limits counted in %s', (kind) => {
  let shared: Awaited<ReturnType<typeof sharedTarget>>;
  /** Two instances of the API over one database, each with its own connection to the store. */
  let app: TestApp;
  let secondUrl: string;
  let closeSecond: () => Promise<void>;
  const stores: LimitStore[] = [];

  beforeAll(async () => {
    shared = await sharedTarget(kind);
    const namespace = uniqueLabel('shared-limits');
    const limits = async () => {
      const store = await openLimitStore(shared.target, { log: () => {}, namespace });
      stores.push(store);
      return new RateLimits(store, {
        enabled: true,
        points: { ...RATE_LIMIT_DEFAULTS },
        batchMax: BATCH_MAX_DEFAULT,
      });
    };
    app = await startTestApp('sqlite', { limits: await limits() });
    const second = await startTestServer(app.db, { limits: await limits() });
    secondUrl = second.url;
    closeSecond = async () => {
      second.server.closeAllConnections();
      await new Promise((resolve) => second.server.close(resolve));
      await second.engine.close();
      await second.hub.close();
    };
  });
  afterAll(async () => {
    await closeSecond?.();
    await app?.close();
    await Promise.all(stores.map((store) => store.close()));
    await shared?.drop();
  });

  const signIn = async (url: string, email: string, password: string): Promise<RawResponse> => {
    const response = await fetch(`${url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  it('holds a lockout across instances: wrong passwords on either count against the account', async () => {
    const { email } = await app.newAccount('guessed');
    for (const url of [app.url, secondUrl, app.url, secondUrl, app.url]) {
      expect((await signIn(url, email, 'wrong')).status).toBe(401);
    }
    for (const url of [secondUrl, app.url]) {
      const refused = await signIn(url, email, NEW_ACCOUNT_PASSWORD);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    const other = uniqueEmail('other');
    expect((await signIn(secondUrl, other, 'wrong')).status).toBe(401);
  });

  it('keeps limiting in this instance, and says so, once the store goes away', async () => {
    const { lines, log } = logged();
    const store = await openLimitStore(shared.target, { log, namespace: uniqueLabel('gone') });
    const limiter = store.limiter({ name: 'gone', points: 2, windowSeconds: 60 });
    await limiter.consume('someone');
    await store.close();
    await limiter.consume('someone');
    await limiter.consume('someone');
    await expect(limiter.consume('someone')).rejects.toBeInstanceOf(RateLimiterRes);
    expect(lines.some((line) => /unreachable/.test(line))).toBe(true);
  });
});
