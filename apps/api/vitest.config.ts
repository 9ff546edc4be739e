import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@pulsestage/source'] },
  ssr: { resolve: { conditions: ['@pulsestage/source'] } },
  // Setting up a file signs several accounts in (scrypt) on a fresh database, and many tests sign in or
  // up again; on two busy cores, with the browser tests running beside these, a hash can take seconds.
  // These are bounds, not paces: a test that waits for what it expects ends as soon as it comes.
  test: { hookTimeout: 180_000, testTimeout: 60_000 },
});
