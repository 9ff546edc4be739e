import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@pulsestage/source'] },
  ssr: { resolve: { conditions: ['@pulsestage/source'] } },
  test: { testTimeout: 60_000, hookTimeout: 180_000 },
});
