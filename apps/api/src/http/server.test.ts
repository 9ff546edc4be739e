import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { InProcessBus } from '../events/bus/in-process-bus.js';
import { StreamEngine } from '../events/stream/engine.js';
import { EventHub } from '../events/stream/hub.js';
import { SSE_PING_MS } from '../events/stream/trpc-sse.js';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { createApp } from './server.js';

interface PlainResponse {
  status: number;
  allow: string | undefined;
  contentType: string | undefined;
  body: string;
}

/** A request over node:http, which (unlike fetch) may use any method, TRACE included. */
function send(url: string, method: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          contentType: res.headers['content-type'],
          body,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(DIALECTS)('HTTP server on %s', (dialect) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(dialect);
  });
  afterAll(() => app.close());

  it('answers liveness and readiness', async () => {
    expect(await (await fetch(`${app.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers a malformed path with 400 rather than an error', async () => {
    const response = await fetch(`${app.url}/%E0%A4%A`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('answers methods a path does not serve with 405, Allow and a JSON error, and OPTIONS with 204', async () => {
    const cases = [
      {
        path: '/trpc/question.list',
        methods: ['TRACE', 'PUT', 'DELETE', 'PATCH'],
        allow: 'GET, HEAD, POST, OPTIONS',
      },
      { path: '/trpc/auth.signIn', methods: ['TRACE', 'PUT'], allow: 'GET, HEAD, POST, OPTIONS' },
      { path: '/events?tenant=alpha', methods: ['TRACE', 'POST', 'HEAD'], allow: 'GET, OPTIONS' },
      { path: '/trpc/events.subscribe', methods: ['TRACE', 'POST', 'DELETE'], allow: 'GET, OPTIONS' },
      { path: '/healthz', methods: ['TRACE', 'POST', 'DELETE'], allow: 'GET, HEAD, OPTIONS' },
      { path: '/readyz', methods: ['TRACE', 'PUT'], allow: 'GET, HEAD, OPTIONS' },
    ];
    for (const { path, methods, allow } of cases) {
      for (const method of methods) {
        const response = await send(`${app.url}${path}`, method);
        const what = `${method} ${path}`;
        expect(response.status, what).toBe(405);
        expect(response.allow, what).toBe(allow);
        if (method === 'HEAD') continue;
        expect(response.contentType, what).toMatch(/^application\/json/);
        expect(JSON.parse(response.body), what).toEqual({
          error: { code: 'METHOD_NOT_SUPPORTED', message: `${method} is not supported here; use ${allow}` },
        });
      }
      const options = await send(`${app.url}${path}`, 'OPTIONS');
      expect(options.status, `OPTIONS ${path}`).toBe(204);
      expect(options.allow, `OPTIONS ${path}`).toBe(allow);
    }
    const head = await send(`${app.url}/healthz`, 'HEAD');
    expect([head.status, head.body]).toEqual([200, '']);
  });

  it('refuses an oversized request body with 413 and no stack trace', async () => {
    const response = await app.raw('POST', 'auth.signIn', undefined, { body: 'x'.repeat(300 * 1024) });
    expect(response.status).toBe(413);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });
});

it('reports not ready while the database is unreachable', async () => {
  const db = openDatabase({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/nothing' });
  const hub = new EventHub(db, new InProcessBus(), {
    pollIntervalMs: 60_000,
    accessSweepMs: 60_000,
    log: () => {},
  });
  const engine = new StreamEngine(db, hub, {
    trpcPingMs: SSE_PING_MS,
    heartbeatMs: 60_000,
    maxPendingEvents: 10,
    log: () => {},
  });
  const { server } = createApp({
    db,
    hub,
    engine,
    secureCookies: false,
    demoMode: false,
    webDist: '/nonexistent',
    log: () => {},
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable' });
  } finally {
    server.close();
    engine.close();
    await hub.close();
    await db.destroy();
  }
});
