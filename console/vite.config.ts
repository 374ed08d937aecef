import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is served under `/app/` (docs/architecture.md#web-console): by the local gateway and by Firebase Hosting.
 * It is built into `console/dist/app` (gitignored): Firebase Hosting publishes `console/dist`, so the
 * files sit under `/app/` there as they do behind the gateway.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  build: { outDir: 'dist/app', emptyOutDir: true, target: 'es2022' },
  logLevel: 'warn',
});
