import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@pulsestage/source'] },
  ssr: { resolve: { conditions: ['@pulsestage/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
