// `npm run demo` serves the playground from the TypeScript sources; `vite build` bundles it
// against the built package (dist/), which is how an application would consume wasm-optim.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig(({ command }) => ({
  root: here('.'),
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
