import { defineConfig } from 'vitest/config';

// Node's process, without pulling in @types/node for one line.
declare const process: { env: Record<string, string | undefined> };

// A local Rewind, for `npm run dev`; cookies ignore ports, so the grant that
// http://localhost:8080/v/{id} sets also reaches the dev server's /live/ proxy.
const rewind = process.env.REWIND_URL ?? 'http://localhost:8080';

export default defineConfig({
  // The server serves dist/ at /player/ and writes the page itself from the manifest.
  base: '/player/',
  build: {
    manifest: true,
    // hls.js is most of it (about 370 kB minified, 110 kB gzipped); media-chrome the rest.
    chunkSizeWarningLimit: 600,
    rolldownOptions: { input: 'src/main.ts' },
  },
  server: {
    proxy: {
      '/live': { target: rewind, changeOrigin: true },
      // Rewind answers these POSTs only when Origin is its own.
      '^/v/[^/]+/grant$': { target: rewind, changeOrigin: true, headers: { origin: rewind } },
      '/sign-out': { target: rewind, changeOrigin: true, headers: { origin: rewind } },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
  },
});
