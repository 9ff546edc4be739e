/**
 * `/metrics`, as an outsider and as the scraper: never served without its protection, every refusal a
 * plain JSON error, and nothing in it that names a person, a question or a secret.
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_SECONDS } from '../limits/budgets.js';
import { startTestApp, startTestServer, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { ACCOUNTS, ALPHA_MEETING } from '../test-support/fixture.js';
import { parseSamples, sampleValue, scrapeMetrics } from '../test-support/metrics.js';
import { openRawStream } from '../test-support/sse.js';
import { createLogger } from './logger.js';
import { startMetricsListener } from './metrics-endpoint.js';

const TOKEN = randomBytes(24).toString('hex');
const STACK_TRACE = /at .*\.(ts|js):\d+/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MUTATIONS = 'pulsestage_mutation_duration_seconds_count';

/** What a request for `/metrics` must be answered, and with which error code. */
const REFUSALS: {
  what: string;
  headers?: Record<string, string>;
  path?: string;
  status: number;
  code: string;
}[] = [
  { what: 'no Authorization header', status: 401, code: 'UNAUTHORIZED' },
  {
    what: 'a wrong token',
    headers: { authorization: `Bearer ${'0'.repeat(48)}` },
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    what: 'a shorter token',
    headers: { authorization: `Bearer ${TOKEN.slice(0, 20)}` },
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    what: 'the token with more after it',
    headers: { authorization: `Bearer ${TOKEN}x` },
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    what: 'the token as a second word',
    headers: { authorization: `Bearer ${TOKEN} ${TOKEN}` },
    status: 401,
    code: 'UNAUTHORIZED',
  },
  {
    what: 'the token as Basic credentials',
    headers: { authorization: `Basic ${TOKEN}` },
    status: 401,
    code: 'UNAUTHORIZED',
  },
  { what: 'the token in a cookie', headers: { cookie: `token=${TOKEN}` }, status: 401, code: 'UNAUTHORIZED' },
  {
    what: 'the token in the query string',
    path: `/metrics?token=${TOKEN}`,
    status: 401,
    code: 'UNAUTHORIZED',
  },
];

async function expectPlainRefusal(
  url: string,
  init: { method?: string; headers?: Record<string, string> },
  status: number,
  code: string,
  what: string,
): Promise<void> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  expect(response.status, what).toBe(status);
  expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
  expect(JSON.parse(text), what).toMatchObject({ error: { code } });
  expect(text, what).not.toMatch(STACK_TRACE);
  expect(text, what).not.toContain(TOKEN);
  expect(text, what).not.toContain('pulsestage_');
}

describe.each(DIALECTS)('/metrics on the main port on %s', (dialect) => {
  let app: TestApp;
  /** The same server without a token: it serves no metrics. */
  let unprotected: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    app = await startTestApp(dialect, { metricsToken: TOKEN, rateLimitPoints: { codeGuessesPerAddress: 2 } });
    unprotected = await startTestServer(app.db);
  });
  afterAll(async () => {
    unprotected?.server.closeAllConnections();
    await new Promise((resolve) => unprotected?.server.close(resolve));
    await unprotected?.engine.close();
    await unprotected?.hub.close();
    await app?.close();
  });

  it('is not there without a token configured, whatever the request carries (404)', async () => {
    const headerSets: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}` }];
    for (const headers of headerSets)
      await expectPlainRefusal(
        `${unprotected.url}/metrics`,
        { headers },
        404,
        'NOT_FOUND',
        JSON.stringify(headers),
      );
  });

  it.each(REFUSALS)('refuses $what with $status', async ({ what, headers, path, status, code }) => {
    await expectPlainRefusal(`${app.url}${path ?? '/metrics'}`, { headers }, status, code, what);
  });

  it('asks for the bearer token, and serves only GET', async () => {
    const refused = await fetch(`${app.url}/metrics`);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
    const authorization = `Bearer ${TOKEN}`;
    await expectPlainRefusal(
      `${app.url}/metrics`,
      { method: 'POST', headers: { authorization } },
      405,
      'METHOD_NOT_SUPPORTED',
      'POST',
    );
  });

  it('serves the Prometheus text format with the token, never to be cached', async () => {
    const response = await fetch(`${app.url}/metrics`, { headers: { authorization: `bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    for (const name of [
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
      'pulsestage_events_delivered_total',
      'pulsestage_outbox_lag_seconds_count',
    ])
      expect(
        parseSamples(text).some((sample) => sample.name === name),
        name,
      ).toBe(true);
    for (const limit of Object.keys(WINDOW_SECONDS))
      expect(text, limit).toContain(`pulsestage_rate_limit_refusals_total{limit="${limit}"}`);
  });

  it('times each mutation per procedure and outcome', async () => {
    const member = await app.as('member');
    const before = await scrapeMetrics(app.url, TOKEN);
    await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'How long did this take?' });
    await app.raw(
      'POST',
      'question.submit',
      { ...ALPHA_MEETING, body: '' },
      { cookie: await app.cookieOf('member') },
    );
    await app.raw('POST', 'question.submit', { ...ALPHA_MEETING, body: 'Anyone?' });
    const after = await scrapeMetrics(app.url, TOKEN);
    const delta = (outcome: string) =>
      sampleValue(after, MUTATIONS, { procedure: 'question.submit', outcome }) -
      sampleValue(before, MUTATIONS, { procedure: 'question.submit', outcome });
    expect([delta('ok'), delta('BAD_REQUEST'), delta('UNAUTHORIZED')]).toEqual([1, 1, 1]);
  });

  it('counts refusals per rate limit', async () => {
    const refusals = (text: string) =>
      sampleValue(text, 'pulsestage_rate_limit_refusals_total', { limit: 'codeGuessesPerAddress' });
    const before = await scrapeMetrics(app.url, TOKEN);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1)
      statuses.push((await app.raw('POST', 'auth.joinWithCode', { code: '000000' })).status);
    expect(statuses).toEqual([404, 404, 429]);
    const after = await scrapeMetrics(app.url, TOKEN);
    expect(refusals(after) - refusals(before)).toBe(1);
    const tooMany = { procedure: 'auth.joinWithCode', outcome: 'TOO_MANY_REQUESTS' };
    expect(sampleValue(after, MUTATIONS, tooMany) - sampleValue(before, MUTATIONS, tooMany)).toBe(1);
  });

  it('names tenants by id alone and carries no person, question or secret', async () => {
    const cookie = await app.cookieOf('member');
    const stream = await openRawStream(app, '/events?tenant=alpha', { cookie });
    try {
      const body = `A question nobody else asks ${randomBytes(6).toString('hex')}`;
      await (await app.as('member')).question.submit.mutate({ ...ALPHA_MEETING, body });
      const text = await scrapeMetrics(app.url, TOKEN);
      const secrets = [
        body,
        cookie.split('=')[1] ?? cookie,
        TOKEN,
        ...Object.values(ACCOUNTS).map((a) => a.email),
      ];
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toContain('@');
      for (const { labels } of parseSamples(text))
        if (labels.tenant !== undefined) expect(labels.tenant).toMatch(UUID);
    } finally {
      stream.close();
    }
  });
});

describe('the metrics listener', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve)))));

  async function listener(token: string | undefined): Promise<string> {
    const logger = createLogger('silent');
    const server = await startMetricsListener({ host: '127.0.0.1', port: 0, token, logger, log: () => {} });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('serves /metrics and nothing else, without a token when none is set', async () => {
    const url = await listener(undefined);
    expect(await scrapeMetrics(url)).toContain('pulsestage_events_delivered_total');
    for (const path of ['/', '/healthz', '/trpc/auth.me', '/metricsx'])
      await expectPlainRefusal(`${url}${path}`, {}, 404, 'NOT_FOUND', path);
  });

  it('requires the token when one is set', async () => {
    const url = await listener(TOKEN);
    for (const { what, headers, path, status, code } of REFUSALS)
      await expectPlainRefusal(`${url}${path ?? '/metrics'}`, { headers }, status, code, what);
    expect(await scrapeMetrics(url, TOKEN)).toContain('pulsestage_events_delivered_total');
  });
});
