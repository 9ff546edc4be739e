import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.js';
import { InProcessBus } from '../events/bus.js';
import { StreamEngine } from '../events/engine.js';
import { EventHub } from '../events/hub.js';
import { startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { createApp } from './server.js';

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
    trpcPingMs: 60_000,
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
