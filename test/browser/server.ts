/**
 * A static file server on 127.0.0.1 for the browser suite: the bundled demo at `/`, the built
 * package at `/dist/`, reference data at `/fixtures/`, and a plain-ESM page at `/esm.html`. It
 * sends the cross-origin isolation headers so pages can use shared memory.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.gz': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

/** Page that imports the built package as plain ESM, with no bundler. */
const ESM_PAGE = `<!doctype html><meta charset="utf-8"><title>plain ESM</title>
<script>
  const q = new URLSearchParams(location.search);
  if (q.has('nowasm')) delete globalThis.WebAssembly;
  if (q.has('nosimd')) WebAssembly.validate = () => false;
</script>
<script type="module">
  window.result = (async () => {
    const m = await import('/dist/index.js');
    const out = { detected: m.detectBackend(), hasSimd: m.hasSimd(), hasWebAssembly: m.hasWebAssembly() };
    const engine = await m.createEngine();
    out.backend = engine.backend;
    const [p] = engine.parameters([new Float32Array([1, 2, 3, 4, 5])]);
    p.grad.fill(1);
    new m.SGD([p], { lr: 0.5 }).step();
    out.values = Array.from(p.data);
    out.simdError = await m.createEngine({ backend: 'simd' }).then(() => null, (e) => String(e.message));
    return out;
  })().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;

/** Page that runs Adam on a 2-thread engine (Web Workers on shared memory) and on one thread. */
const THREADS_PAGE = `<!doctype html><meta charset="utf-8"><title>threads</title>
<script type="module">
  window.result = (async () => {
    const m = await import('/dist/index.js');
    const run = async (threads) => {
      const e = await m.createEngine({ threads, threadThreshold: 0, initialBytes: 8 << 20 });
      const [p] = e.parameters([100003]);
      for (let i = 0; i < p.length; i++) { p.data[i] = Math.sin(i); p.grad[i] = Math.cos(i / 3); }
      const opt = new m.Adam([p], { lr: 0.01, amsgrad: true });
      for (let s = 0; s < 5; s++) opt.step();
      const out = { threads: e.threads, bits: Array.from(new Uint32Array(p.data.slice().buffer)) };
      e.dispose();
      return out;
    };
    const one = await run(1), two = await run(2);
    let diff = 0;
    for (let i = 0; i < one.bits.length; i++) if (one.bits[i] !== two.bits[i]) diff++;
    return { isolated: crossOriginIsolated, threads: two.threads, diff, n: one.bits.length };
  })().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;

export function serve(roots: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    if (path === '/esm.html' || path === '/threads.html') {
      res.writeHead(200, { 'content-type': TYPES['.html']! }).end(path === '/esm.html' ? ESM_PAGE : THREADS_PAGE);
      return;
    }
    const prefix = Object.keys(roots)
      .sort((a, b) => b.length - a.length)
      .find((p) => path.startsWith(p));
    if (prefix === undefined) {
      res.writeHead(404).end();
      return;
    }
    let file = normalize(join(roots[prefix]!, path.slice(prefix.length)));
    if (!file.startsWith(normalize(roots[prefix]!))) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}
