/**
 * A static file server on 127.0.0.1 for the browser suite: the bundled demo at `/`, the built
 * package at `/dist/`, reference data at `/fixtures/`, the suite's page scripts at `/suite/`, and
 * the pages below (`/esm.html`, `/threads.html`, `/bits.html`). It
 * sends the cross-origin isolation headers so pages can use shared memory, and starts every HTML
 * page with a script that records uncaught errors in `window.pageErrors` (the same on every
 * engine, whatever its driver can report).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
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

/** Collects the page's uncaught errors and unhandled rejections, before any other script runs. */
const ERRORS_SCRIPT = `<script>window.pageErrors = [];
addEventListener('error', (e) => pageErrors.push(String(e.error ?? e.message)));
addEventListener('unhandledrejection', (e) => pageErrors.push('unhandled rejection: ' + String(e.reason)));</script>`;

/** Puts ERRORS_SCRIPT first in `html`'s head. */
export function withErrorLog(html: string): string {
  const head = /<head[^>]*>/i.exec(html) ?? /<meta charset[^>]*>/i.exec(html);
  if (!head) throw new Error('withErrorLog: the page has neither <head> nor <meta charset>');
  const at = head.index + head[0].length;
  return html.slice(0, at) + ERRORS_SCRIPT + html.slice(at);
}

/**
 * A module whose one function uses a relaxed SIMD instruction (i32x4.relaxed_trunc_f32x4_s):
 * it validates only where the engine has relaxed SIMD. The library does not use relaxed SIMD
 * (its results would differ between engines); the suite reports where it exists.
 */
const RELAXED_SIMD_PROBE = '[0,97,115,109,1,0,0,0,1,6,1,96,1,123,1,123,3,2,1,0,10,9,1,7,0,32,0,253,129,2,11]';

/** Page that imports the built package as plain ESM, with no bundler. */
const ESM_PAGE = `<!doctype html><meta charset="utf-8"><title>plain ESM</title>
<script>
  window.relaxedSimd = typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(${RELAXED_SIMD_PROBE}));
  const q = new URLSearchParams(location.search);
  if (q.has('nowasm')) delete globalThis.WebAssembly;
  if (q.has('nosimd')) WebAssembly.validate = () => false;
</script>
<script type="module">
  window.result = (async () => {
    const m = await import('/dist/index.js');
    const out = { detected: m.detectBackend(), hasSimd: m.hasSimd(), hasWebAssembly: m.hasWebAssembly(), relaxedSimd: window.relaxedSimd };
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

/**
 * Page that runs Adam on a 2-thread engine (Web Workers on shared memory) and on one thread, and
 * what `threads: 'auto'` gives. Where the engine has no shared memory it reports the error that
 * `threads: 2` gives instead.
 */
const THREADS_PAGE = `<!doctype html><meta charset="utf-8"><title>threads</title>
<script type="module">
  window.result = (async () => {
    const m = await import('/dist/index.js');
    const out = { isolated: crossOriginIsolated, sharedMemory: m.hasSharedMemory() };
    const auto = await m.createEngine({ threads: 'auto' });
    out.autoThreads = auto.threads;
    auto.dispose();
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
    const one = await run(1);
    let two;
    try {
      two = await run(2);
    } catch (e) {
      return { ...out, error: String(e.message) };
    }
    let diff = 0;
    for (let i = 0; i < one.bits.length; i++) if (one.bits[i] !== two.bits[i]) diff++;
    return { ...out, threads: two.threads, diff, n: one.bits.length };
  })().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;

/** Page that runs page/bits.js (served at /suite/) on the built package: Node runs it too. */
const BITS_PAGE = `<!doctype html><meta charset="utf-8"><title>bits</title>
<script type="module">
  window.result = (async () => {
    const m = await import('/dist/index.js');
    const { optimizerBits } = await import('/suite/bits.js');
    return { bits: await optimizerBits(m) };
  })().catch((e) => ({ error: String(e && e.stack || e) }));
</script>`;

const PAGES: Record<string, string> = { '/esm.html': ESM_PAGE, '/threads.html': THREADS_PAGE, '/bits.html': BITS_PAGE };

export function serve(roots: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    const page = PAGES[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.html']! }).end(withErrorLog(page));
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
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    if (extname(file) === '.html') {
      res.writeHead(200, { 'content-type': type }).end(withErrorLog(readFileSync(file, 'utf8')));
      return;
    }
    res.writeHead(200, { 'content-type': type });
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
