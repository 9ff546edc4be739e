import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiProcess, killAllProcesses } from '@pulsestage/test-harness/process';
import { afterAll, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'pulsestage-start-up-'));
afterAll(() => {
  killAllProcesses();
  rmSync(dataDir, { recursive: true, force: true });
});

it('refuses to start with a PUBLIC_URL phones could not open, saying what it must be', async () => {
  const start = ApiProcess.start({ name: 'api', env: { DATA_DIR: dataDir, PUBLIC_URL: 'ask.example.com' } });
  await expect(start).rejects.toThrow(
    /exited[\s\S]*Invalid configuration: PUBLIC_URL: must be an absolute http:\/\/ or https:\/\/ URL/,
  );
});
