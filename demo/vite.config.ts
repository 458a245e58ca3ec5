// `npm run demo` serves the playground from the TypeScript sources; `vite build` bundles it
// against the built package (dist/), which is how an application would consume wasm-optim.
// The dev server also serves test/fixtures/ at /fixtures/, which conformance.html reads (without
// it the server would answer that request with index.html).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/** Serves the files of `dir` at `/fixtures/` in the dev server: 404 for anything else. */
export function serveFixtures(dir = here('../test/fixtures')): Plugin {
  return {
    name: 'wasm-optim-fixtures',
    configureServer(server) {
      server.middlewares.use('/fixtures', (req, res) => {
        const name = decodeURIComponent((req.url ?? '/').split('?')[0]!).replace(/^\/+/, '');
        const file = join(dir, name);
        if (!name || name.split('/').includes('..') || !existsSync(file) || !statSync(file).isFile()) {
          res.statusCode = 404;
          res.end(`no fixture ${name}`);
          return;
        }
        res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        res.setHeader('Cache-Control', 'no-cache');
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig(({ command }) => ({
  root: here('.'),
  plugins: [serveFixtures()],
  resolve: {
    alias: { 'wasm-optim': command === 'build' ? here('../dist/index.js') : here('../src/index.ts') },
  },
  build: {
    target: 'es2022',
    outDir: here('../build/demo'),
    emptyOutDir: true,
    rollupOptions: { input: { index: here('index.html'), conformance: here('conformance.html') } },
  },
  server: { port: 5173 },
}));
