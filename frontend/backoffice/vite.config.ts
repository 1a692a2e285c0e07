import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The back office is served by nest-app under /backoffice (BACKOFFICE_ENABLED); in development `npm run dev -w
 * frontend/backoffice` proxies /api to a nest-app on :3000.
 */
export default defineConfig({
  base: '/backoffice/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2500 },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
