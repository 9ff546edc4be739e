import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { tenantScoped } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession, SESSION_COOKIE } from '../auth/sessions.js';
import { InProcessBus } from '../events/bus/in-process-bus.js';
import { StreamEngine } from '../events/stream/engine.js';
import { EventHub } from '../events/stream/hub.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { seedFixture } from '../test-support/fixture.js';
import { createContext } from './context.js';
import { createCallerFactory, router, tenantProcedure } from './trpc.js';

const probes = router({
  participateDeclared: tenantProcedure('participate')
    .meta({ changesAccess: true })
    .input(tenantScoped)
    .mutation(() => 'done'),
  manageUndeclared: tenantProcedure('manage')
    .input(tenantScoped)
    .mutation(() => 'done'),
});

const callProbes = createCallerFactory(probes);

/** Access re-checks follow what a procedure declares, not the permission it needs. */
describe('access changes announced by tenant procedures', () => {
  let database: TestDatabase;
  let hub: EventHub;
  let engine: StreamEngine;
  let caller: ReturnType<typeof callProbes>;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const { userIds } = await seedFixture(database.db);
    hub = new EventHub(database.db, new InProcessBus(), {
      pollIntervalMs: 60_000,
      accessSweepMs: 60_000,
      log: () => {},
    });
    engine = new StreamEngine(database.db, hub, {
      trpcPingMs: 10_000,
      heartbeatMs: 60_000,
      maxPendingEvents: 10,
      log: () => {},
    });
    const { token } = await createSession(database.db, userIds.owner);
    const req = new IncomingMessage(new Socket());
    req.headers.cookie = `${SESSION_COOKIE}=${token}`;
    const deps = { db: database.db, hub, engine, secureCookies: false, demoMode: false };
    caller = callProbes(await createContext(deps, req, new ServerResponse(req)));
  });
  afterAll(async () => {
    engine.close();
    await hub.close();
    await database.drop();
  });

  it('re-checks access after a participant mutation that declares changesAccess', async () => {
    const announceAccessChange = vi.spyOn(hub, 'announceAccessChange');
    await caller.participateDeclared({ tenant: 'alpha' });
    expect(announceAccessChange).toHaveBeenCalledTimes(1);
    announceAccessChange.mockRestore();
  });

  it('does not re-check access after a manage mutation that declares nothing', async () => {
    const announceAccessChange = vi.spyOn(hub, 'announceAccessChange');
    await caller.manageUndeclared({ tenant: 'alpha' });
    expect(announceAccessChange).not.toHaveBeenCalled();
    announceAccessChange.mockRestore();
  });
});
