import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.PULSESTAGE_API ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  resolve: { conditions: ['@pulsestage/source'] },
  // Every browser PulseStage supports preloads modules itself; the polyfill would only add bytes.
  build: { reportCompressedSize: false, modulePreload: { polyfill: false } },
  server: { proxy: { '/trpc': api, '/events': api, '/healthz': api } },
});
