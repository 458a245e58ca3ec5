/**
 * The playground's dev server (`npm run demo`) serves test/fixtures/ at /fixtures/ so that
 * conformance.html finds its reference file, and the page tells an HTML answer (a server's
 * index.html fallback) from the reference file instead of failing inside gunzip.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureText } from '../demo/fixture.js';

const root = join(import.meta.dirname, '..');

describe('npm run demo serves the fixtures', () => {
  let server: ViteDevServer;
  let base = '';
  beforeAll(async () => {
    server = await createServer({ configFile: join(root, 'demo', 'vite.config.ts'), logLevel: 'silent', server: { port: 0, host: '127.0.0.1' } });
    await server.listen();
    base = `http://127.0.0.1:${(server.httpServer!.address() as AddressInfo).port}`;
  });
  afterAll(() => server?.close());

  it('/fixtures/<file> is the file, byte for byte; anything else a 404, not index.html', async () => {
    const gz = await fetch(`${base}/fixtures/optimizers.json.gz`);
    expect(gz.status).toBe(200);
    expect(Buffer.from(await gz.arrayBuffer()).equals(readFileSync(join(root, 'test/fixtures/optimizers.json.gz')))).toBe(true);
    const json = await fetch(`${base}/fixtures/clipping.json`);
    expect(((await json.json()) as { cases: unknown[] }).cases.length).toBeGreaterThan(0);
    for (const p of ['/fixtures/nope.json', '/fixtures/', '/fixtures/..%2Fpackage.json']) {
      const r = await fetch(base + p);
      expect(r.status, p).toBe(404);
      expect(await r.text(), p).not.toContain('<html');
    }
  });
});

describe('the conformance page reads what it fetched', () => {
  it('gzipped or plain JSON', async () => {
    expect(await fixtureText('f', new Uint8Array(gzipSync('{"cases":[1]}')))).toBe('{"cases":[1]}');
    expect(await fixtureText('f', new TextEncoder().encode(' {"cases":[]}'))).toBe(' {"cases":[]}');
  });
  it('an HTML page or anything else is an error naming the file', async () => {
    await expect(fixtureText('/fixtures/x.json.gz', new TextEncoder().encode('<!doctype html><html></html>'))).rejects.toThrow('/fixtures/x.json.gz: got an HTML page, not the reference file');
    await expect(fixtureText('f', new Uint8Array([1, 2, 3]))).rejects.toThrow('f: got neither gzip nor JSON');
  });
});
