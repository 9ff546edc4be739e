import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { InProcessBus } from '../events/bus.js';
import { EventHub } from '../events/hub.js';
import { createApp } from '../http/server.js';
import type { AppRouter } from '../router.js';
import { createTestDatabase, type DialectName, type TestDatabase } from './databases.js';
import { ACCOUNTS, type AccountName, type Fixture, PASSWORD, seedFixture } from './fixture.js';

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

export interface TestApp extends TestDatabase, Fixture {
  url: string;
  hub: EventHub;
  dropStreams(): void;
  /** A typed tRPC client carrying the given credentials. */
  client(options?: ClientOptions): ReturnType<typeof createTRPCClient<AppRouter>>;
  /** A typed client signed in as one of the fixture accounts. */
  as(account: AccountName): Promise<ReturnType<typeof createTRPCClient<AppRouter>>>;
  /** The session cookie of a fixture account, signing in on first use. */
  cookieOf(account: AccountName): Promise<string>;
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

export function sessionCookieFrom(headers: Headers): string | undefined {
  return headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0] ?? '')
    .find((pair) => pair.startsWith('pulsestage_session=') && pair !== 'pulsestage_session=');
}

/** Starts the real HTTP server on an ephemeral port over a fresh database seeded with the fixture. */
export async function startTestApp(
  dialect: DialectName,
  options: { heartbeatMs?: number } = {},
): Promise<TestApp> {
  const database = await createTestDatabase(dialect);
  const fixture = await seedFixture(database.db);
  const hub = new EventHub(database.db, new InProcessBus(), {
    pollIntervalMs: 200,
    accessSweepMs: 1000,
    log: () => {},
  });
  const { server, dropStreams } = createApp({
    db: database.db,
    hub,
    secureCookies: false,
    webDist: '/nonexistent',
    heartbeatMs: options.heartbeatMs ?? 30_000,
    log: () => {},
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
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

  const cookieOf = async (account: AccountName) => {
    const known = cookies.get(account);
    if (known) return known;
    const response = await raw('POST', 'auth.signIn', { email: ACCOUNTS[account].email, password: PASSWORD });
    const cookie = sessionCookieFrom(response.headers);
    if (!cookie) throw new Error(`signing in as ${account} failed: ${JSON.stringify(response.body)}`);
    cookies.set(account, cookie);
    return cookie;
  };

  return {
    ...database,
    ...fixture,
    url,
    client,
    raw,
    cookieOf,
    as: async (account) => client({ cookie: await cookieOf(account) }),
    hub,
    dropStreams,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await hub.close();
      await database.drop();
    },
  };
}

/** The tRPC error code of a failed call, for `await expect(...).rejects` style assertions. */
export async function errorCodeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return String(error.data?.code);
    throw error;
  }
  throw new Error('expected the call to fail');
}
