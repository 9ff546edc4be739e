import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';
import {
  type CollectedStream,
  newMember,
  OpenStreams,
  openRawStream,
  subscribeTrpc,
  waitFor,
} from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;

/** Open pages follow settings and role changes live: an event for settings, a resync for a new role. */
describe.each(DIALECTS)('live settings and roles on %s', (dialect) => {
  let app: TestApp;
  let admin: Client;
  const streams = new OpenStreams();

  beforeAll(async () => {
    // No access sweep within the test run: the role change must reach the stream because it is announced.
    app = await startTestApp(dialect, { accessSweepMs: 600_000 });
    [admin] = await app.clients('admin');
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app.close());

  const types = (stream: CollectedStream) => stream.items.map((item) => item.event.type);

  it('records tenant:updated with the change, in its transaction, and streams it to members', async () => {
    const newcomer = await newMember(app, admin);
    const stream = streams.add(subscribeTrpc(app, { cookie: newcomer.cookie }, alpha));
    await waitFor(() => stream.started > 0, 5000, 'the subscription to start');
    const before = await lastSeqOf(app, app.tenantIds.alpha);

    const updated = await admin.tenant.updateSettings.mutate({
      ...alpha,
      requireApproval: true,
      maxQuestionLength: 300,
    });

    expect(updated.sequence).toBe(before + 1);
    const settings = { ...updated.settings, requireApproval: true, maxQuestionLength: 300 };
    expect(await eventsOf(app, app.tenantIds.alpha, before)).toMatchObject([
      { seq: before + 1, type: 'tenant:updated', data: { name: updated.name, settings } },
    ]);
    await waitFor(() => stream.items.length > 0, 5000, 'the settings event');
    // Subscribers get version 1 unless they ask for more: the per-minute limits came with version 2,
    // the default language with version 3.
    const {
      submitLimitPerMinute: _submit,
      upvoteLimitPerMinute: _upvote,
      defaultLanguage: _language,
      ...settingsV1
    } = settings;
    expect(stream.items[0]).toMatchObject({
      id: String(before + 1),
      event: { type: 'tenant:updated.v1', data: { name: updated.name, settings: settingsV1 } },
    });
    await admin.tenant.updateSettings.mutate({ ...alpha, requireApproval: false });
  });

  it("tells only the promoted or demoted person's open streams to load again, on both transports", async () => {
    const promoted = await newMember(app, admin);
    const bystander = await newMember(app, admin);
    const trpc = streams.add(subscribeTrpc(app, { cookie: promoted.cookie }, alpha));
    const plain = streams.add(await openRawStream(app, '/events?tenant=alpha', { cookie: promoted.cookie }));
    const other = streams.add(subscribeTrpc(app, { cookie: bystander.cookie }, alpha));
    await waitFor(() => trpc.started > 0 && other.started > 0, 5000, 'the subscriptions to start');
    await waitFor(() => plain.frames.length > 1, 5000, 'the plain stream to start');

    const position = await lastSeqOf(app, app.tenantIds.alpha);
    await admin.tenant.setRole.mutate({ ...alpha, userId: promoted.userId, role: 'moderator' });
    await waitFor(() => trpc.items.length > 0 && plain.items.length > 0, 5000, 'the role change notice');
    for (const stream of [trpc, plain]) {
      expect(stream.items).toEqual([
        {
          id: String(position),
          event: expect.objectContaining({
            type: 'stream:resync',
            data: { reason: expect.stringContaining('moderator') },
          }),
        },
      ]);
    }

    await admin.tenant.setRole.mutate({ ...alpha, userId: promoted.userId, role: 'member' });
    await waitFor(() => trpc.items.length > 1, 5000, 'the demotion notice');
    expect(types(trpc)).toEqual(['stream:resync', 'stream:resync']);
    expect(other.items).toEqual([]);
  });
});
