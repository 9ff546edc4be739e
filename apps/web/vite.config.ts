import { defineConfig } from 'vite';

export default defineConfig({
  resolve: { conditions: ['@pulsestage/source'] },
  server: { proxy: { '/trpc': 'http://localhost:3000', '/events': 'http://localhost:3000' } },
});
