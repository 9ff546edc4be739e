import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { tenantScoped } from '@pulsestage/contracts';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSession, SESSION_COOKIE } from '../auth/sessions.js';
import { InProcessBus } from '../events/bus/in-process-bus.js';
import { StreamEngine } from '../events/stream/engine.js';
import { EventHub } from '../events/stream/hub.js';
import { VoteBatcher } from '../questions/vote-batcher.js';
import { createTestDatabase, type TestDatabase } from '../test-support/databases.js';
import { seedFixture } from '../test-support/fixture.js';
import { routerProcedures } from '../test-support/procedures.js';
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
    const votes = new VoteBatcher(database.db, (tenantId) => hub.announce(tenantId));
    const deps = { db: database.db, hub, engine, votes, secureCookies: false, demoMode: false };
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

/** Every mutation, and whether it changes who may reach a tenant: a new one must take a side here. */
const CHANGES_ACCESS: Record<string, boolean> = {
  'auth.signUp': false,
  'auth.signIn': false,
  'auth.signOut': true,
  'auth.openDisplay': false,
  'auth.joinWithCode': false,
  'account.endSession': true,
  'account.signOutEverywhere': true,
  'account.setAnswerEmails': false,
  'tenant.create': false,
  'tenant.updateSettings': false,
  'tenant.updateSafetySettings': false,
  'sso.updateSettings': true,
  'tenant.setRole': true,
  'tenant.setMemberTeam': false,
  'tenant.removeMember': true,
  'tenant.removeGuests': true,
  'tenant.readmitMember': true,
  'tenant.createJoinLink': true,
  'tenant.createDisplayLink': true,
  'tenant.revokeLink': true,
  'tenant.createServiceToken': true,
  'tenant.revokeServiceToken': true,
  'team.create': false,
  'tag.create': false,
  'question.submit': false,
  'question.upvote': false,
  'question.removeUpvote': false,
  'question.answer': false,
  'question.tag': false,
  'question.untag': false,
  'question.pin': false,
  'question.approve': false,
  'question.reject': false,
  'question.edit': false,
  'question.withdraw': false,
  'question.hide': false,
  'question.restore': false,
  'question.reopen': false,
  'question.setNotify': false,
  'notification.markRead': false,
  'notification.setEmailByLink': false,
  'question.merge': false,
  'queue.freeze': false,
  'meeting.create': false,
  'meeting.update': false,
  'meeting.open': false,
  'meeting.close': false,
  'meeting.delete': false,
  'pulse.updateSettings': false,
  'pulse.createQuestion': false,
  'pulse.updateQuestion': false,
  'pulse.reorderQuestions': false,
  'pulse.respond': false,
  'pulse.setEmailPreference': false,
  'pulse.respondWithLink': false,
};

function declaresAccessChange(meta: unknown): boolean {
  return typeof meta === 'object' && meta !== null && 'changesAccess' in meta && meta.changesAccess === true;
}

describe('procedure meta', () => {
  it('declares changesAccess on exactly the mutations that change members, roles, links, tokens or sessions', () => {
    const mutations = Object.entries(routerProcedures()).filter(
      ([, procedure]) => procedure._def.type === 'mutation',
    );
    const declared = mutations.map(([path, procedure]) => [path, declaresAccessChange(procedure._def.meta)]);
    expect(Object.fromEntries(declared)).toEqual(CHANGES_ACCESS);
  });
});
