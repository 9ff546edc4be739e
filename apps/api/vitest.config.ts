import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@pulsestage/source'] },
  ssr: { resolve: { conditions: ['@pulsestage/source'] } },
  // Setting up a file signs several accounts in (scrypt) on a fresh database; on two busy cores, with
  // the browser tests running beside these, that can take longer than the 10 s default.
  test: { hookTimeout: 60_000 },
});
