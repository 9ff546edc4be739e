import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@pulsestage/source'] },
  ssr: { resolve: { conditions: ['@pulsestage/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    setupFiles: ['src/i18n/test-setup.ts'],
    // The browser tests share one API process and one Chromium; they run one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
