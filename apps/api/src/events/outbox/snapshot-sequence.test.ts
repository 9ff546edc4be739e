import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, startTestApp, type TestApp } from '../../test-support/app.js';
import { DIALECTS } from '../../test-support/databases.js';
import { ALPHA_MEETING } from '../../test-support/fixture.js';
import { lastSeqOf } from '../../test-support/outbox.js';

const alpha = { tenant: 'alpha' } as const;

/**
 * Each snapshot the web app patches from the stream says which position of the tenant's stream it
 * reflects, so the stream can start there and a late snapshot can be caught up.
 */
describe.each(DIALECTS)('snapshot sequences on %s', (dialect) => {
  let app: TestApp;
  let member: Client;
  let moderator: Client;

  beforeAll(async () => {
    app = await startTestApp(dialect);
    [member, moderator] = await app.clients('member', 'moderator');
  });
  afterAll(() => app.close());

  const snapshots = async (client: Client) => ({
    tenant: (await client.tenant.get.query(alpha)).sequence,
    list: (await client.question.list.query(ALPHA_MEETING)).sequence,
    queue: (await client.queue.state.query(ALPHA_MEETING)).sequence,
    mine: (await client.question.mine.query(ALPHA_MEETING)).sequence,
  });

  it('tenant.get, question.list, question.mine and queue.state return the sequence they reflect', async () => {
    const before = await lastSeqOf(app, app.tenantIds.alpha);
    expect(await snapshots(member)).toEqual({ tenant: before, list: before, queue: before, mine: before });

    const asked = await member.question.submit.mutate({ ...ALPHA_MEETING, body: 'Which position is this?' });
    await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: true });
    await moderator.queue.freeze.mutate({ ...ALPHA_MEETING, frozen: false });
    const after = before + 3;
    expect(await lastSeqOf(app, app.tenantIds.alpha)).toBe(after);
    expect(await snapshots(member)).toEqual({ tenant: after, list: after, queue: after, mine: after });
    expect((await member.question.list.query(ALPHA_MEETING)).items.map((item) => item.id)).toContain(
      asked.id,
    );
  });
});
