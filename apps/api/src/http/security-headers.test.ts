import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/schema.js';
import { InProcessBus } from '../events/bus/in-process-bus.js';
import { StreamEngine } from '../events/stream/engine.js';
import { EventHub } from '../events/stream/hub.js';
import { SSE_PING_MS } from '../events/stream/trpc-sse.js';
import { BATCH_MAX_DEFAULT } from '../limits/budgets.js';
import { RateLimits } from '../limits/rate-limits.js';
import { memoryStore } from '../limits/store.js';
import { startTestApp, TEST_RATE_LIMITS, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ACCOUNTS, FIXTURE_MEETING_IDS, PASSWORD } from '../test-support/fixture.js';
import { waitFor } from '../test-support/sse.js';
import { createApp } from './server.js';

const POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
const PERMISSIONS =
  'accelerometer=(), bluetooth=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), hid=(), ' +
  'magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()';
const HSTS = 'max-age=31536000; includeSubDomains';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
}

/**
 * The status and headers of one request over node:http (any method, any body size); the body is
 * not waited for, so an event stream answers as soon as it starts.
 */
function send(
  url: string,
  method = 'GET',
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
      res.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer 413 and close before the whole body is sent.
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    req.end(body);
  });
}

interface Server {
  url: string;
  close(): Promise<void>;
}

/** The server as main.ts wires it, over the test's database and a built web app of a few files. */
async function startServer(db: Database, webDist: string, secureCookies: boolean): Promise<Server> {
  const hub = new EventHub(db, new InProcessBus(), {
    pollIntervalMs: 200,
    accessSweepMs: 60_000,
    log: () => {},
  });
  const engine = new StreamEngine(db, hub, {
    trpcPingMs: SSE_PING_MS,
    heartbeatMs: 30_000,
    maxPendingEvents: 10_000,
    log: () => {},
  });
  const points = TEST_RATE_LIMITS;
  const limits = new RateLimits(memoryStore(), { enabled: true, points, batchMax: BATCH_MAX_DEFAULT });
  const { server } = createApp({
    db,
    hub,
    engine,
    limits,
    secureCookies,
    demoMode: false,
    webDist,
    log: () => {},
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await engine.close();
      await hub.close();
    },
  };
}

function makeWebDist(head = ''): string {
  const root = mkdtempSync(join(tmpdir(), 'pulsestage-headers-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><title>PulseStage</title>${head}<div id="root"></div>`,
  );
  writeFileSync(join(root, 'assets', 'index-AbC123.js'), 'export {};\n');
  writeFileSync(join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return root;
}

const query = (path: string, input: unknown) =>
  `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;

function expectFramingRefused(headers: IncomingHttpHeaders, what: string): void {
  expect(headers['content-security-policy'], what).toBe(`${POLICY}; frame-ancestors 'none'`);
  expect(headers['x-frame-options'], what).toBe('DENY');
}

describe.each(DIALECTS)('security headers on %s', (dialect) => {
  let app: TestApp;
  let webDist: string;
  let development: Server;
  let production: Server;
  let memberCookie: string;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    webDist = makeWebDist();
    development = await startServer(app.db, webDist, false);
    production = await startServer(app.db, webDist, true);
    memberCookie = await app.cookieOf('member');
  }, 60_000);
  afterAll(async () => {
    await development?.close();
    await production?.close();
    await app?.close();
    if (webDist) rmSync(webDist, { recursive: true, force: true });
  });

  /** One request of each kind the server answers, with the status it must get. */
  const requests = () => [
    { what: 'liveness', path: '/healthz', status: 200 },
    { what: 'readiness', path: '/readyz', status: 200 },
    { what: 'a tRPC query', path: '/trpc/auth.me', status: 200 },
    { what: 'a tRPC error', path: query('tenant.get', { tenant: 'alpha' }), status: 401 },
    {
      what: 'a tRPC batch',
      path: '/trpc/auth.me,auth.publicUrl?batch=1',
      status: 200,
    },
    { what: 'an event stream refused', path: '/events?tenant=alpha', status: 401 },
    { what: 'an event stream refused for bad input', path: '/events', status: 400 },
    { what: 'a static file', path: '/favicon.svg', status: 200 },
    { what: 'a fingerprinted asset', path: '/assets/index-AbC123.js', status: 200 },
    { what: 'the page for an app route', path: '/t/alpha/admin', status: 200 },
    { what: 'a missing asset (404)', path: '/assets/missing.js', status: 404 },
    { what: 'an unknown procedure (404)', path: '/trpc/nothing.here', status: 404 },
    { what: 'metrics, not served without METRICS_TOKEN (404)', path: '/metrics', status: 404 },
    { what: 'a method not served (405)', path: '/healthz', method: 'TRACE', status: 405 },
    { what: 'a method the files do not serve (405)', path: '/favicon.svg', method: 'DELETE', status: 405 },
    { what: 'OPTIONS (204)', path: '/trpc/auth.me', method: 'OPTIONS', status: 204 },
    { what: 'a malformed path (400)', path: '/%E0%A4%A', status: 400 },
    {
      what: 'a body too large (413)',
      path: '/trpc/auth.signIn',
      method: 'POST',
      body: JSON.stringify({ email: 'x'.repeat(300 * 1024), password: 'y' }),
      status: 413,
    },
  ];

  it.each([
    ['development', false],
    ['production', true],
  ])('gives every kind of response the headers in %s, HSTS only behind HTTPS', async (_, https) => {
    const server = https ? production : development;
    for (const { what, path, method, body, status } of requests()) {
      const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
      const answer = await send(`${server.url}${path}`, method, headers, body);
      expect(answer.status, what).toBe(status);
      expectFramingRefused(answer.headers, what);
      expect(answer.headers['x-content-type-options'], what).toBe('nosniff');
      expect(answer.headers['referrer-policy'], what).toBe('strict-origin-when-cross-origin');
      expect(answer.headers['permissions-policy'], what).toBe(PERMISSIONS);
      expect(answer.headers['cross-origin-opener-policy'], what).toBe('same-origin');
      expect(answer.headers['strict-transport-security'], what).toBe(https ? HSTS : undefined);
    }
  });

  it('gives an open event stream the headers', async () => {
    for (const path of ['/events?tenant=alpha', query('events.subscribe', { tenant: 'alpha' })]) {
      const answer = await send(`${development.url}${path}`, 'GET', { cookie: memberCookie });
      expect(answer.status, path).toBe(200);
      expect(answer.headers['content-type'], path).toMatch(/^text\/event-stream/);
      expectFramingRefused(answer.headers, path);
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });

  it("lets the built page's own inline scripts run by their hashes, and no other", async () => {
    const script = 'document.documentElement.dataset.theme = "dark"';
    const dist = makeWebDist(`<script>${script}</script><script src="/assets/index-AbC123.js"></script>`);
    const server = await startServer(app.db, dist, false);
    try {
      const hash = createHash('sha256').update(script).digest('base64');
      for (const path of ['/', '/t/alpha', '/healthz']) {
        const policy = (await send(`${server.url}${path}`)).headers['content-security-policy'];
        expect(policy, path).toBe(
          `${POLICY.replace("script-src 'self'", `script-src 'self' 'sha256-${hash}'`)}; frame-ancestors 'none'`,
        );
      }
    } finally {
      await server.close();
      rmSync(dist, { recursive: true, force: true });
    }
  });

  describe('framing the presenter display', () => {
    const allowed = ['https://intranet.alpha.test', 'http://localhost:8080'];
    const setOrigins = (tenant: string, origins: string[]) =>
      app.db
        .updateTable('tenants')
        .set({ displayFrameOrigins: JSON.stringify(origins) })
        .where('slug', '=', tenant)
        .execute();
    const frameAncestors = async (path: string) =>
      String((await send(`${development.url}${path}`)).headers['content-security-policy']).split(
        'frame-ancestors ',
      )[1];

    beforeAll(() => setOrigins('alpha', allowed));
    afterAll(() => setOrigins('alpha', []));

    it("lets the tenant's origins frame its presenter display, and nothing else", async () => {
      const alphaMeeting = `/t/alpha/m/${FIXTURE_MEETING_IDS.alpha}`;
      for (const path of [`${alphaMeeting}/present`, '/t/alpha/present', '/t/alpha/present/?from=admin']) {
        const answer = await send(`${development.url}${path}`);
        expect(answer.status, path).toBe(200);
        expect(answer.headers['content-security-policy'], path).toBe(
          `${POLICY}; frame-ancestors https://intranet.alpha.test http://localhost:8080`,
        );
        expect(answer.headers['x-frame-options'], path).toBeUndefined();
      }
      const refused = [
        alphaMeeting,
        `${alphaMeeting}/moderate`,
        `${alphaMeeting}/analytics`,
        '/t/alpha',
        '/t/alpha/admin',
        '/display',
        `/t/beta/m/${FIXTURE_MEETING_IDS.beta}/present`,
        '/t/beta/present',
        '/t/nobody/present',
        '/t/alpha/present/more',
        `/trpc/x?path=/t/alpha/present`,
      ];
      for (const path of refused)
        expectFramingRefused((await send(`${development.url}${path}`)).headers, path);
    });

    it('follows a changed setting within seconds, and never lets a malformed origin into the header', async () => {
      await setOrigins('beta', [
        'https://screens.beta.test',
        "https://evil.test; script-src 'unsafe-inline'",
      ]);
      const betaDisplay = `/t/beta/m/${FIXTURE_MEETING_IDS.beta}/present`;
      await waitFor(
        async () => (await frameAncestors(betaDisplay)) === 'https://screens.beta.test',
        20_000,
        'beta allowed',
      );
      await setOrigins('beta', []);
      await waitFor(
        async () => (await frameAncestors(betaDisplay)) === "'none'",
        20_000,
        'beta refused again',
      );
    }, 60_000);
  });

  describe('the credential cookies', () => {
    const setCookies = (headers: IncomingHttpHeaders) => headers['set-cookie'] ?? [];
    const pair = (cookie: string) => cookie.split(';')[0] ?? '';

    async function signIn(server: Server) {
      const answer = await send(
        `${server.url}/trpc/auth.signIn`,
        'POST',
        { 'content-type': 'application/json' },
        JSON.stringify({ email: ACCOUNTS.owner.email, password: PASSWORD }),
      );
      expect(answer.status).toBe(200);
      return setCookies(answer.headers);
    }

    async function meAs(cookie: string): Promise<string | null> {
      const response = await fetch(`${production.url}${'/trpc/auth.me'}`, {
        headers: { cookie },
      });
      const { result } = (await response.json()) as { result: { data: { email: string } | null } };
      return result.data?.email ?? null;
    }

    it('names the session cookie __Host- behind HTTPS: Secure, Path=/, no Domain', async () => {
      const [cookie = ''] = await signIn(production);
      expect(cookie).toMatch(
        /^__Host-pulsestage_session=[^;]+; HttpOnly; SameSite=Lax; Path=\/; Expires=[^;]+; Secure$/,
      );
      expect(cookie).not.toMatch(/Domain=/i);
      expect(await meAs(pair(cookie))).toBe(ACCOUNTS.owner.email);
    });

    it('reads only the name in force, so a cookie planted under the plain name is not taken', async () => {
      const [cookie = ''] = await signIn(production);
      const token = pair(cookie).split('=')[1] ?? '';
      expect(await meAs(`pulsestage_session=${token}`)).toBeNull();
      const stream = await send(`${production.url}/events?tenant=alpha`, 'GET', {
        cookie: `pulsestage_session=${token}`,
      });
      expect(stream.status).toBe(401);
      const opened = await send(`${production.url}/events?tenant=alpha`, 'GET', { cookie: pair(cookie) });
      expect(opened.status).toBe(200);
    });

    it('keeps the plain names without HTTPS, where browsers refuse __Host-', async () => {
      const [cookie = ''] = await signIn(development);
      expect(cookie).toMatch(/^pulsestage_session=[^;]+; HttpOnly; SameSite=Lax; Path=\/; Expires=[^;]+$/);
    });

    it('names the display cookie __Host- too, and clears both names on signing out', async () => {
      const link = await (await app.as('admin')).tenant.createDisplayLink.mutate({ tenant: 'alpha' });
      const opened = await send(
        `${production.url}/trpc/auth.openDisplay`,
        'POST',
        { 'content-type': 'application/json' },
        JSON.stringify({ token: link.token }),
      );
      const [display = ''] = setCookies(opened.headers);
      expect(display).toMatch(
        /^__Host-pulsestage_display=psd_[^;]+; HttpOnly; SameSite=Lax; Path=\/; .*Secure$/,
      );
      const stream = await send(`${production.url}/events?tenant=alpha`, 'GET', { cookie: pair(display) });
      expect(stream.status).toBe(200);

      const signedOut = await send(`${production.url}/trpc/auth.signOut`, 'POST', {
        'content-type': 'application/json',
        cookie: pair(display),
      });
      expect(setCookies(signedOut.headers).map(pair).sort()).toEqual([
        '__Host-pulsestage_display=',
        '__Host-pulsestage_session=',
      ]);
    });
  });
});
