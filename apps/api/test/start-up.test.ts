import { EmbeddedApi, killAllProcesses } from '@pulsestage/test-harness/process';
import { afterAll, expect, it } from 'vitest';

afterAll(killAllProcesses);

it('refuses to start with a PUBLIC_URL phones could not open, saying what it must be', async () => {
  const start = EmbeddedApi.start({ env: { PUBLIC_URL: 'ask.example.com' } });
  await expect(start).rejects.toThrow(
    /exited[\s\S]*Invalid configuration: PUBLIC_URL: must be an absolute http:\/\/ or https:\/\/ URL/,
  );
});
