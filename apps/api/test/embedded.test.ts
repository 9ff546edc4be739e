import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mutate, signIn } from '@pulsestage/test-harness/accounts';
import { ApiProcess, killAllProcesses } from '@pulsestage/test-harness/process';
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
  const dataDir = mkdtempSync(join(tmpdir(), 'pulsestage-embedded-'));
  afterAll(() => {
    killAllProcesses();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('seeds the demo tenants once and keeps every change across a restart', async () => {
    const first = await ApiProcess.start({ name: 'first', env: { DATA_DIR: dataDir } });
    const cookie = await signIn(first.url, 'alice@demo.test');
    const before = await query<Page>(first.url, 'question.list', { tenant: 'demo', limit: 100 }, cookie);
    expect(before.items.length).toBeGreaterThanOrEqual(15);
    const asked = await mutate<{ id: string }>(
      first.url,
      'question.submit',
      { tenant: 'demo', body: 'Does this survive a restart?' },
      cookie,
    );
    expect((await first.stop()).code).toBe(0);

    const second = await ApiProcess.start({ name: 'second', env: { DATA_DIR: dataDir } });
    const after = await query<Page>(second.url, 'question.list', { tenant: 'demo', limit: 100 }, cookie);
    expect(after.items.map((question) => question.id).sort()).toEqual(
      [...before.items.map((question) => question.id), asked.id].sort(),
    );
    expect(second.logs()).not.toMatch(/Seeded/);
    const acme = await fetch(
      `${second.url}/trpc/question.list?input=${encodeURIComponent('{"tenant":"acme"}')}`,
      {
        headers: { cookie },
      },
    );
    expect(acme.status).toBe(403);
    await second.stop();
  }, 90_000);
});
