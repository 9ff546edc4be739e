import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Client, failureOf, startTestApp, type TestApp } from '../test-support/app.js';
import { DIALECTS } from '../test-support/databases.js';
import { eventsOf, lastSeqOf } from '../test-support/outbox.js';
import { snapshotData } from '../test-support/snapshot.js';
import { newMember, OpenStreams, subscribeTrpc, waitFor } from '../test-support/sse.js';

const alpha = { tenant: 'alpha' } as const;

/** The tenant's default language: an admin's setting, in `tenant.get` and in `tenant:updated.v3`. */
describe.each(DIALECTS)('the tenant default language on %s', (dialect) => {
  let app: TestApp;
  let admin: Client;
  const streams = new OpenStreams();

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [admin] = await app.clients('admin');
  });
  afterEach(() => {
    expect(streams.closeAll(), 'payloads off their published schema').toEqual([]);
  });
  afterAll(() => app.close());

  it('starts unset, is set and cleared by an admin, and reaches members on the stream', async () => {
    expect((await admin.tenant.get.query(alpha)).settings.defaultLanguage).toBeNull();
    const member = await newMember(app, admin);
    const newest = streams.add(
      subscribeTrpc(app, { cookie: member.cookie }, { ...alpha, versions: { 'tenant:updated': 3 } }),
    );
    const older = streams.add(
      subscribeTrpc(app, { cookie: member.cookie }, { ...alpha, versions: { 'tenant:updated': 2 } }),
    );
    await waitFor(() => newest.started > 0 && older.started > 0, 5000, 'the subscriptions to start');
    const before = await lastSeqOf(app, app.tenantIds.alpha);

    const updated = await admin.tenant.updateSettings.mutate({ ...alpha, defaultLanguage: 'de' });

    expect(updated.settings.defaultLanguage).toBe('de');
    expect((await member.client.tenant.get.query(alpha)).settings.defaultLanguage).toBe('de');
    expect(await eventsOf(app, app.tenantIds.alpha, before)).toMatchObject([
      { type: 'tenant:updated', data: { settings: { defaultLanguage: 'de' } } },
    ]);
    await waitFor(() => newest.items.length > 0 && older.items.length > 0, 5000, 'the settings event');
    expect(newest.items[0]?.event).toMatchObject({
      type: 'tenant:updated.v3',
      data: { settings: { defaultLanguage: 'de' } },
    });
    // A published version never changes: version 2 goes on without the language.
    expect(older.items[0]?.event).toMatchObject({ type: 'tenant:updated.v2' });
    expect(older.items[0]?.event.data).not.toHaveProperty('settings.defaultLanguage');

    const cleared = await admin.tenant.updateSettings.mutate({ ...alpha, defaultLanguage: null });
    expect(cleared.settings.defaultLanguage).toBeNull();
    // Other settings leave the language alone.
    await admin.tenant.updateSettings.mutate({ ...alpha, defaultLanguage: 'fr' });
    const other = await admin.tenant.updateSettings.mutate({ ...alpha, allowGuests: false });
    expect(other.settings.defaultLanguage).toBe('fr');
    await admin.tenant.updateSettings.mutate({ ...alpha, defaultLanguage: null });
  });

  it('refuses a language the web app does not speak with BAD_REQUEST naming the field, changing nothing', async () => {
    for (const defaultLanguage of ['it', 'EN', 'de-DE', '']) {
      const before = await snapshotData(app.db);
      const refused = await failureOf(
        // @ts-expect-error: a value outside the list, as a raw client could send it
        admin.tenant.updateSettings.mutate({ ...alpha, defaultLanguage }),
      );
      expect(refused.code, defaultLanguage).toBe('BAD_REQUEST');
      expect(refused.message).toContain('defaultLanguage');
      expect(await snapshotData(app.db)).toEqual(before);
    }
  });

  it('refuses members and moderators with FORBIDDEN', async () => {
    for (const account of ['member', 'moderator'] as const) {
      const [client] = await app.clients(account);
      await app.expectNoChange(
        () => client.tenant.updateSettings.mutate({ ...alpha, defaultLanguage: 'es' }),
        'FORBIDDEN',
      );
    }
  });
});
