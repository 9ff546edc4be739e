/**
 * The API as it runs (`src/main.ts` in a process of its own): its JSON log lines and its two ways of
 * serving `/metrics`. Requests carry a password, a session cookie, a bearer token and a one-tap link,
 * and none of them, nor the author of a question, may appear anywhere in what the process writes.
 */
import { randomBytes } from 'node:crypto';
import { DEMO_PASSWORD, mutate, sessionCookieOf, signIn } from '@pulsestage/test-harness/accounts';
import { createScratchDatabase } from '@pulsestage/test-harness/postgres';
import { ApiProcess, EmbeddedApi, freePort, killAllProcesses } from '@pulsestage/test-harness/process';
import { openSse } from '@pulsestage/test-harness/sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type DialectName } from '../test-support/databases.js';
import { sampleValue, scrapeMetrics } from '../test-support/metrics.js';
import { waitFor } from '../test-support/sse.js';

const TOKEN = randomBytes(24).toString('hex');
const ALICE = 'alice@demo.test';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface RunningApi {
  process(): ApiProcess;
  metricsUrl: string;
  dispose(): Promise<void>;
}

async function startApi(dialect: DialectName): Promise<RunningApi> {
  const metricsPort = await freePort();
  const env = { LOG_LEVEL: 'debug', METRICS_TOKEN: TOKEN, METRICS_PORT: String(metricsPort) };
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  if (dialect === 'sqlite') {
    const api = await EmbeddedApi.start({ name: 'api', env });
    return { process: () => api.process, metricsUrl, dispose: () => api.dispose() };
  }
  const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL ?? '');
  const api = await ApiProcess.start({ name: 'api', databaseUrl: scratch.url, env });
  return {
    process: () => api,
    metricsUrl,
    dispose: async () => {
      await api.stop();
      await scratch.drop();
    },
  };
}

interface LogLine {
  level: string;
  msg: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  durationMs?: number;
}

/** The id of the demo tenant's open meeting, where its members ask. */
async function openDemoMeeting(url: string, cookie: string): Promise<string> {
  const input = encodeURIComponent(JSON.stringify({ tenant: 'demo', when: 'open' }));
  const response = await fetch(`${url}/trpc/meeting.list?input=${input}`, { headers: { cookie } });
  const page = (await response.json()) as { result: { data: { items: { id: string }[] } } };
  const meetingId = page.result.data.items[0]?.id;
  if (!meetingId) throw new Error('the demo tenant has no open meeting');
  return meetingId;
}

const logLines = (api: ApiProcess): LogLine[] =>
  api
    .logs()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogLine);

describe.each(DIALECTS)('the running API on %s', (dialect) => {
  let running: RunningApi;
  let url: string;
  beforeAll(async () => {
    running = await startApi(dialect);
    url = running.process().url;
  });
  afterAll(async () => {
    await running?.dispose();
    killAllProcesses();
  });

  it('writes only JSON lines, one per request, without a secret, a query string, a body or an author', async () => {
    const run = randomBytes(4).toString('hex');
    const id = (step: string) => `${run}-${step}`;
    const send = (path: string, step: string, init: RequestInit = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { 'content-type': 'application/json', 'x-request-id': id(step), ...init.headers },
        signal: AbortSignal.timeout(10_000),
      }).then(async (response) => ({
        status: response.status,
        body: await response.text(),
        cookie: sessionCookieOf(response.headers.getSetCookie()) ?? '',
      }));

    const wrongPassword = `wrong-${randomBytes(8).toString('hex')}`;
    const bearer = `pst_${randomBytes(24).toString('base64url')}`;
    const linkToken = randomBytes(32).toString('base64url');
    const queryMarker = `query-${randomBytes(6).toString('hex')}`;
    const body = `Who asked this ${randomBytes(6).toString('hex')}?`;

    const signedIn = await send('/trpc/auth.signIn', 'sign-in', {
      method: 'POST',
      body: JSON.stringify({ email: ALICE, password: DEMO_PASSWORD }),
    });
    expect(signedIn.status).toBe(200);
    const { cookie } = signedIn;
    const sessionToken = cookie.split('=')[1] ?? '';
    const me = await send('/trpc/auth.me', 'me', { headers: { cookie } });
    const aliceId = (JSON.parse(me.body) as { result: { data: { id: string } } }).result.data.id;
    const refused = [
      await send('/trpc/auth.signIn', 'wrong-password', {
        method: 'POST',
        body: JSON.stringify({ email: ALICE, password: wrongPassword }),
      }),
      await send('/trpc/tenant.get?input=%7B%22tenant%22%3A%22demo%22%7D', 'bearer', {
        headers: { authorization: `Bearer ${bearer}` },
      }),
      await send('/trpc/pulse.respondWithLink', 'link-answer', {
        method: 'POST',
        body: JSON.stringify({ token: linkToken, score: 3 }),
      }),
    ];
    expect(refused.map((response) => response.status)).toEqual([401, 401, 404]);
    await send(`/pulse/r/${linkToken}?score=3`, 'link-page');
    const listed = await send(`/trpc/auth.me?marker=${queryMarker}`, 'query', { headers: { cookie } });
    expect(listed.status).toBe(200);
    const meetingId = await openDemoMeeting(url, cookie);
    const asked = await send('/trpc/question.submit', 'ask', {
      method: 'POST',
      headers: { cookie },
      body: JSON.stringify({ tenant: 'demo', meetingId, body }),
    });
    expect(asked.status).toBe(200);

    const steps = ['sign-in', 'me', 'wrong-password', 'bearer', 'link-answer', 'link-page', 'query', 'ask'];
    const api = running.process();
    await waitFor(
      () => steps.every((step) => api.logs().includes(`"requestId":"${id(step)}"`)),
      10_000,
      'every request line',
    );

    const logs = api.logs();
    const secrets = [
      DEMO_PASSWORD,
      wrongPassword,
      bearer,
      sessionToken,
      linkToken,
      queryMarker,
      body,
      ALICE,
      aliceId,
    ];
    for (const secret of secrets) expect(logs, secret).not.toContain(secret);
    const lines = logLines(api);
    const lineOf = (step: string) => lines.filter((line) => line.requestId === id(step));
    expect(lineOf('link-page')).toEqual([
      expect.objectContaining({ level: 'info', msg: 'request', method: 'GET', path: '/pulse/r/:token' }),
    ]);
    expect(lineOf('query')).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/trpc/auth.me',
        status: 200,
        durationMs: expect.any(Number),
      }),
    ]);
    expect(lineOf('wrong-password')).toEqual([
      expect.objectContaining({ method: 'POST', path: '/trpc/auth.signIn', status: 401 }),
    ]);
  });

  it('echoes a plain X-Request-Id, and replaces one that is not', async () => {
    const kept = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'from-the-proxy.42' } });
    expect(kept.headers.get('x-request-id')).toBe('from-the-proxy.42');
    const replaced = await fetch(`${url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(65) } });
    const generated = replaced.headers.get('x-request-id') ?? '';
    expect(generated).toMatch(UUID);
    const api = running.process();
    await waitFor(() => api.logs().includes(generated), 10_000, 'the line of the replaced id');
    expect(logLines(api).find((line) => line.requestId === generated)).toMatchObject({
      level: 'debug',
      path: '/healthz',
      status: 200,
    });
  });

  it('serves /metrics on the main port with the token, and on the metrics listener', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${running.metricsUrl}/metrics`)).status).toBe(401);
    for (const base of [url, running.metricsUrl])
      expect(await scrapeMetrics(base, TOKEN), base).toContain('process_resident_memory_bytes');
  });

  // What the stream engine and the hub report to `streamMetrics`, as main.ts wires them.
  it('counts an open stream, the events delivered to it and their outbox lag', async () => {
    const cookie = await signIn(url, ALICE);
    const meetingId = await openDemoMeeting(url, cookie);
    const scrape = () => scrapeMetrics(url, TOKEN);
    const openPlainStreams = async () =>
      sampleValue(await scrape(), 'pulsestage_open_streams', { transport: 'plain' });
    const before = await scrape();
    const stream = await openSse(url, '/events?tenant=demo', { cookie });
    try {
      await waitFor(async () => (await openPlainStreams()) === 1, 10_000, 'the open stream counted');
      const body = `Counted on its way ${randomBytes(6).toString('hex')}`;
      await mutate(url, 'question.submit', { tenant: 'demo', meetingId, body }, cookie);
      await waitFor(() => stream.frames.some((frame) => frame.data.includes(body)), 10_000, 'the event');
      const after = await scrape();
      for (const name of ['pulsestage_events_delivered_total', 'pulsestage_outbox_lag_seconds_count'])
        expect(sampleValue(after, name), name).toBeGreaterThan(sampleValue(before, name));
    } finally {
      stream.drop();
    }
    await waitFor(
      async () => (await openPlainStreams()) === 0,
      10_000,
      'the closed stream no longer counted',
    );
  });
});
