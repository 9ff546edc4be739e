import { mutate, signIn } from '@pulsestage/test-harness/accounts';
import { EmbeddedApi, killAllProcesses } from '@pulsestage/test-harness/process';
import { afterAll, describe, expect, it } from 'vitest';

async function query<T>(baseUrl: string, path: string, input: unknown, cookie: string): Promise<T> {
  const response = await fetch(`${baseUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

interface Page {
  items: { id: string; body: string }[];
}

describe('the embedded default (SQLite file, demo data, one process)', () => {
  let api: EmbeddedApi | undefined;
  afterAll(async () => {
    await api?.dispose();
    killAllProcesses();
  });

  it('seeds the demo tenants once and keeps every change across a restart', async () => {
    api = await EmbeddedApi.start();
    const cookie = await signIn(api.url, 'alice@demo.test');
    const open = await query<Page>(api.url, 'meeting.list', { tenant: 'demo', when: 'open' }, cookie);
    const demo = { tenant: 'demo', meetingId: open.items[0]?.id };
    const before = await query<Page>(api.url, 'question.list', { ...demo, limit: 100 }, cookie);
    expect(before.items.length).toBeGreaterThanOrEqual(15);
    const asked = await mutate<{ id: string }>(
      api.url,
      'question.submit',
      { ...demo, body: 'Does this survive a restart?' },
      cookie,
    );
    expect((await api.restart('SIGTERM')).code).toBe(0);

    const after = await query<Page>(api.url, 'question.list', { ...demo, limit: 100 }, cookie);
    expect(after.items.map((question) => question.id).sort()).toEqual(
      [...before.items.map((question) => question.id), asked.id].sort(),
    );
    expect(api.process.logs()).not.toMatch(/Seeded/);
    const acme = await fetch(
      `${api.url}/trpc/question.list?input=${encodeURIComponent(JSON.stringify({ ...demo, tenant: 'acme' }))}`,
      {
        headers: { cookie },
      },
    );
    expect(acme.status).toBe(403);
  }, 90_000);
});
