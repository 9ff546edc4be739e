import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { expect } from 'vitest';
import { hashPassword } from '../auth/passwords.js';
import { createSession, SESSION_COOKIE } from '../auth/sessions.js';
import type { SsoOptions } from '../auth/sso/options.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/schema.js';
import { InProcessBus } from '../events/bus/in-process-bus.js';
import { StreamEngine } from '../events/stream/engine.js';
import { EventHub } from '../events/stream/hub.js';
import type { StreamLimits } from '../events/stream/stream-limits.js';
import { SSE_PING_MS } from '../events/stream/trpc-sse.js';
import type { TrustedProxies } from '../http/client-address.js';
import { createApp } from '../http/server.js';
import type { RequestTimeouts } from '../http/timeouts.js';
import { BATCH_MAX_DEFAULT, type OperatorBudget, RATE_LIMIT_DEFAULTS } from '../limits/budgets.js';
import { RateLimits } from '../limits/rate-limits.js';
import { memoryStore } from '../limits/store.js';
import { startMeetingScheduler } from '../meetings/scheduler.js';
import { containsProfanity } from '../questions/content-filter.js';
import type { AppRouter } from '../router.js';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.js';
import { type AccountName, type Fixture, seedFixture } from './fixture.js';
import { snapshotData } from './snapshot.js';

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface ClientOptions {
  cookie?: string;
  bearer?: string;
  headers?: Record<string, string>;
}

/** A typed tRPC client of the API. */
export type Client = ReturnType<typeof createTRPCClient<AppRouter>>;

/** An account a test signed up itself, outside the fixture. */
export interface NewAccount {
  email: string;
  cookie: string;
  userId: string;
  client: Client;
}

export interface TestApp extends TestDatabase, Fixture {
  url: string;
  hub: EventHub;
  dropStreams(): void;
  /** A typed tRPC client carrying the given credentials. */
  client(options?: ClientOptions): Client;
  /** A typed client signed in as one of the fixture accounts. */
  as(account: AccountName): Promise<Client>;
  /** Typed clients signed in as the given fixture accounts, in the same order. */
  clients<Names extends AccountName[]>(...accounts: Names): Promise<{ [K in keyof Names]: Client }>;
  /** The session cookie of a fixture account, signing in on first use. */
  cookieOf(account: AccountName): Promise<string>;
  /** Asserts that `call` is refused with the tRPC error `code` and leaves every row as it was. */
  expectNoChange(call: () => Promise<unknown>, code: string): Promise<void>;
  /** Signs up a new account through `auth.signUp`, named `label`, with an email no other test uses. */
  signUp(label: string, password?: string): Promise<NewAccount>;
  /**
   * A new signed-in account, named `label`, with the password `NEW_ACCOUNT_PASSWORD`, made directly in the
   * database: for tests about what accounts do, not about signing up.
   */
  newAccount(label: string): Promise<NewAccount>;
  /** A raw HTTP call to `/trpc/<path>`: GET with `?input=` for queries, POST with a JSON body for mutations. */
  raw(
    method: 'GET' | 'POST',
    path: string,
    input?: unknown,
    options?: ClientOptions & { body?: string },
  ): Promise<RawResponse>;
  close(): Promise<void>;
}

function requestHeaders(options: ClientOptions): Record<string, string> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  return headers;
}

let labels = 0;
/**
 * A short label unique within the test run, for bodies, slugs, tag and team names. A label the profanity
 * filter would send to review is skipped: digits and letters spell words in leetspeak now and then
 * ("455"), and a question that waits for review is not where the test expects it.
 */
export function uniqueLabel(prefix: string): string {
  for (;;) {
    labels += 1;
    const label = `${prefix}-${labels}-${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
    if (!containsProfanity(label)) return label;
  }
}

/** An email address no other account of the test run has. */
export const uniqueEmail = (label: string) => `${uniqueLabel(label)}@example.test`;

export function sessionCookieFrom(headers: Headers): string | undefined {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('pulsestage_session=') && pair !== 'pulsestage_session=');
}

/** The password of accounts a test makes; `auth.signUp` accepts it. */
export const NEW_ACCOUNT_PASSWORD = 'a long enough password';

let sharedPasswordHash: Promise<string> | undefined;
/**
 * One scrypt hash of `NEW_ACCOUNT_PASSWORD` for every account `newAccount` makes: hashing is deliberately
 * slow, and a busy machine hashing for each of hundreds of test accounts is what made tests time out.
 */
const newAccountPasswordHash = () => {
  sharedPasswordHash ??= hashPassword(NEW_ACCOUNT_PASSWORD);
  return sharedPasswordHash;
};

/** Starts the real HTTP server on an ephemeral port over a fresh database seeded with the fixture. */
export interface TestAppOptions {
  heartbeatMs?: number;
  trpcPingMs?: number;
  trpcStreams?: 'engine' | 'trpc';
  maxBufferedBytes?: number;
  /** A hub to share; by default the server gets its own over an in-process bus. */
  hub?: EventHub;
  demoMode?: boolean;
  /** `PUBLIC_URL`, the address for QR codes and links. */
  publicUrl?: string;
  /** How often open streams re-check their credentials without being told to (default 1 s). */
  accessSweepMs?: number;
  /** How often meeting presence is shared between instances (default 3 s). */
  presenceIntervalMs?: number;
  /** Runs the meeting scheduler, as main.ts does, looking for due meetings this often. */
  schedulerIntervalMs?: number;
  /** Where the stream engine reports what went wrong (by default nowhere). */
  engineLog?: (message: string, error?: unknown) => void;
  /** Open streams per credential and per address (by default the server's own, 10 and 2,000). */
  streamLimits?: StreamLimits;
  /** Headers and request timeouts (by default the server's own, 10 s and 30 s). */
  requestTimeouts?: RequestTimeouts;
  /** Proxies whose `X-Forwarded-For` is believed: tests of per-address limits call from several addresses. */
  trustedProxies?: TrustedProxies;
  /** Limits counted elsewhere (a store two servers share); by default the server counts in memory. */
  limits?: RateLimits;
  /** Operator limits other than the test defaults (`TEST_RATE_LIMITS`); `RATE_LIMIT_DEFAULTS` for the real ones. */
  rateLimitPoints?: Partial<Record<OperatorBudget, number>>;
  /** The clock pulse procedures read (by default the system's); a `SettableClock` lets a test pick the time. */
  clock?: Clock;
  /** `METRICS_TOKEN`: `/metrics` is served to requests carrying it; by default it is not served. */
  metricsToken?: string;
  /** Single sign-on's settings (by default the server's: https issuers only, no key). */
  sso?: SsoOptions;
}

/**
 * The real limits, but for the per-address ceilings: every test calls from 127.0.0.1, like a whole venue
 * behind one address, and many files sign up and join as guests by the hundred.
 */
export const TEST_RATE_LIMITS: Record<OperatorBudget, number> = {
  ...RATE_LIMIT_DEFAULTS,
  signInFailuresPerAddress: 100_000,
  signUpsPerAddress: 100_000,
  guestJoinsPerAddress: 100_000,
};

function testLimits(options: TestAppOptions): RateLimits {
  const points = { ...TEST_RATE_LIMITS, ...options.rateLimitPoints };
  return (
    options.limits ?? new RateLimits(memoryStore(), { enabled: true, points, batchMax: BATCH_MAX_DEFAULT })
  );
}

/** One API server over `db`, wired as main.ts wires it, listening on an ephemeral loopback port. */
export async function startTestServer(db: Database, options: TestAppOptions = {}) {
  const hub =
    options.hub ??
    new EventHub(db, new InProcessBus(), {
      pollIntervalMs: 200,
      accessSweepMs: options.accessSweepMs ?? 1000,
      log: () => {},
    });
  const engine = new StreamEngine(db, hub, {
    trpcPingMs: options.trpcPingMs ?? SSE_PING_MS,
    heartbeatMs: options.heartbeatMs ?? 30_000,
    maxPendingEvents: 10_000,
    presenceIntervalMs: options.presenceIntervalMs,
    log: options.engineLog ?? (() => {}),
  });
  const { server, dropStreams } = createApp({
    db,
    hub,
    engine,
    secureCookies: false,
    demoMode: options.demoMode ?? false,
    publicUrl: options.publicUrl,
    trustedProxies: options.trustedProxies,
    limits: testLimits(options),
    webDist: '/nonexistent',
    trpcStreams: options.trpcStreams,
    maxBufferedBytes: options.maxBufferedBytes,
    streamLimits: options.streamLimits,
    requestTimeouts: options.requestTimeouts,
    clock: options.clock,
    metricsToken: options.metricsToken,
    sso: options.sso,
    log: () => {},
  });
  const stopScheduler =
    options.schedulerIntervalMs === undefined
      ? async () => {}
      : startMeetingScheduler(db, {
          intervalMs: options.schedulerIntervalMs,
          announce: (tenantId) => hub.announce(tenantId),
          log: () => {},
        });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, hub, engine, dropStreams, stopScheduler };
}

export async function startTestApp(dialect: DialectName, options: TestAppOptions = {}): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const fixture = await seedFixture(database.db);
  const { url, server, hub, engine, dropStreams, stopScheduler } = await startTestServer(
    database.db,
    options,
  );
  const cookies = new Map<AccountName, string>();

  const raw: TestApp['raw'] = async (method, path, input, options = {}) => {
    const query =
      method === 'GET' && input !== undefined ? `?input=${encodeURIComponent(JSON.stringify(input))}` : '';
    const response = await fetch(`${url}/trpc/${path}${query}`, {
      method,
      headers: { 'content-type': 'application/json', ...requestHeaders(options) },
      body: method === 'POST' ? (options.body ?? JSON.stringify(input ?? null)) : undefined,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, headers: response.headers, body };
  };

  const client: TestApp['client'] = (options = {}) =>
    createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${url}/trpc`, headers: () => requestHeaders(options) })],
    });

  // A session made directly, as signing in makes it: the sign-in path has tests of its own, and
  // checking a password (scrypt) for every fixture account of every file is what makes a busy machine slow.
  const cookieOf = async (account: AccountName) => {
    const known = cookies.get(account);
    if (known) return known;
    const { token } = await createSession(database.db, fixture.userIds[account]);
    const cookie = `${SESSION_COOKIE}=${token}`;
    cookies.set(account, cookie);
    return cookie;
  };

  const as = async (account: AccountName) => client({ cookie: await cookieOf(account) });

  const clients = (async (...accounts: AccountName[]) => {
    const signedIn: Client[] = [];
    for (const account of accounts) signedIn.push(await as(account));
    return signedIn;
  }) as TestApp['clients'];

  const signUp: TestApp['signUp'] = async (label, password = NEW_ACCOUNT_PASSWORD) => {
    const email = uniqueEmail(label);
    const response = await raw('POST', 'auth.signUp', { email, password, name: label });
    const cookie = sessionCookieFrom(response.headers);
    if (response.status !== 200 || !cookie)
      throw new Error(`sign up failed: ${JSON.stringify(response.body)}`);
    const { id } = (response.body as { result: { data: { id: string } } }).result.data;
    return { email, cookie, userId: id, client: client({ cookie }) };
  };

  const newAccount: TestApp['newAccount'] = async (label) => {
    const email = uniqueEmail(label);
    const userId = crypto.randomUUID();
    await database.db
      .insertInto('users')
      .values({
        id: userId,
        email,
        name: label,
        passwordHash: await newAccountPasswordHash(),
        guest: 0,
        createdAt: new Date().toISOString(),
      })
      .execute();
    const { token } = await createSession(database.db, userId);
    const cookie = `${SESSION_COOKIE}=${token}`;
    return { email, cookie, userId, client: client({ cookie }) };
  };

  const expectNoChange: TestApp['expectNoChange'] = async (call, code) => {
    const before = await snapshotData(database.db);
    expect(await errorCodeOf(call())).toBe(code);
    expect(await snapshotData(database.db)).toEqual(before);
  };

  return {
    ...database,
    ...fixture,
    url,
    client,
    raw,
    cookieOf,
    as,
    clients,
    signUp,
    newAccount,
    expectNoChange,
    hub,
    dropStreams,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await stopScheduler();
      await engine.close();
      await hub.close();
      await database.drop();
    },
  };
}

/** How a tRPC call was refused: the error code and the message the client received. */
interface Failure {
  code: string;
  message: string;
}

/** The code and message of a tRPC client error; anything else is rethrown. */
export function failureFrom(error: unknown): Failure {
  if (error instanceof TRPCClientError) return { code: String(error.data?.code), message: error.message };
  throw error;
}

/** How a call that must fail was refused; throws when it succeeds. */
export async function failureOf(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return failureFrom(error);
  }
  throw new Error('expected the call to fail');
}

/** The tRPC error code of a call that must fail. */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  return (await failureOf(promise)).code;
}
