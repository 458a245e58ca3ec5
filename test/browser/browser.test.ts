// The package in a real browser (Debian's chromium driven by playwright-core): bundled by Vite,
// loaded as plain ESM, the conformance suite on every backend, the fallbacks when WebAssembly or
// SIMD is missing, and the playground. Skipped with a message where chromium is absent, except
// under CI=true, where it must run.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from './server.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const available = existsSync(CHROMIUM);
const required = process.env.CI === 'true';
if (!available && !required) console.warn(`browser suite skipped: no chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!available && !required)('in chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    if (!available) throw new Error(`CI=true but no chromium at ${CHROMIUM}`);
    if (!existsSync(root('dist/index.js'))) throw new Error('dist/ is missing: run npm run build');
    await build({ configFile: root('demo/vite.config.ts'), logLevel: 'warn' });
    ({ server, url } = await serve({ '/': root('build/demo'), '/dist/': root('dist'), '/fixtures/': root('test/fixtures') }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url + path);
    (page as unknown as { errors: string[] }).errors = errors;
    return page;
  }

  it('runs every reference case on every backend inside the browser', async () => {
    const cases = (JSON.parse(gunzipSync(readFileSync(root('test/fixtures/optimizers.json.gz'))).toString()) as { cases: unknown[] }).cases;
    const page = await open('/conformance.html');
    await page.waitForFunction(() => window.conformance?.done, null, { timeout: 120_000 });
    const r = await page.evaluate(() => window.conformance);
    expect(r.failures).toEqual([]);
    expect(r.line).toBe(`${cases.length} passed, 0 failed`);
    await page.close();
  }, 150_000);

  it('loads the built package as plain ESM and picks SIMD', async () => {
    const page = await open('/esm.html');
    const r = await page.evaluate(() => (window as unknown as { result: Promise<Record<string, unknown>> }).result);
    expect(r).toMatchObject({ detected: 'simd', hasSimd: true, backend: 'simd', values: [0.5, 1.5, 2.5, 3.5, 4.5], simdError: null });
    await page.close();
  });

  it('falls back to the scalar build where SIMD is missing, with a clear error if SIMD is forced', async () => {
    const page = await open('/esm.html?nosimd');
    const r = await page.evaluate(() => (window as unknown as { result: Promise<Record<string, unknown>> }).result);
    expect(r).toMatchObject({ detected: 'scalar', hasSimd: false, backend: 'scalar', values: [0.5, 1.5, 2.5, 3.5, 4.5] });
    expect(r.simdError).toMatch(/does not support WebAssembly SIMD; use backend "scalar" or "js"/);
    await page.close();
  });

  it('falls back to pure JS where WebAssembly is missing', async () => {
    const page = await open('/esm.html?nowasm');
    const r = await page.evaluate(() => (window as unknown as { result: Promise<Record<string, unknown>> }).result);
    expect(r).toMatchObject({ detected: 'js', hasWebAssembly: false, backend: 'js', values: [0.5, 1.5, 2.5, 3.5, 4.5] });
    expect(r.simdError).toMatch(/backend "simd" needs WebAssembly, which is not available in this runtime; use backend "js"/);
    await page.close();
  });

  it('threads: Web Workers on shared memory under cross-origin isolation give the bits of one thread', async () => {
    const page = await open('/threads.html');
    const r = await page.evaluate(() => (window as unknown as { result: Promise<Record<string, unknown>> }).result);
    expect(r).toEqual({ isolated: true, threads: 2, diff: 0, n: 100003 });
    await page.close();
  }, 60_000);

  it('playground: every trajectory on every function moves toward a minimum; screenshot', async () => {
    const page = await open('/');
    await page.waitForFunction(() => window.playground?.ready && window.playground.done, null, { timeout: 60_000 });
    expect(await page.evaluate(() => window.playground.backend)).toBe('simd');
    const fns = await page.$$eval('#fn option', (os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(fns.length).toBeGreaterThanOrEqual(5);
    for (const fn of [...fns.slice(1), fns[0]!]) {
      await page.selectOption('#fn', fn);
      await page.waitForFunction(() => window.playground.done, null, { timeout: 60_000 });
      const ts = await page.evaluate(() => window.playground.trajectories.map((t) => ({ o: t.optimizer, first: t.losses[0]!, last: t.losses[t.losses.length - 1]!, n: t.path.length })));
      expect(ts.length).toBeGreaterThanOrEqual(4);
      for (const t of ts) {
        expect(t.n, `${fn} ${t.o}`).toBeGreaterThan(100);
        expect(t.last, `${fn} ${t.o}: final loss below the start`).toBeLessThan(t.first);
      }
    }
    // The default view (Rosenbrock) for the README.
    mkdirSync(root('test/artifacts'), { recursive: true });
    await page.screenshot({ path: root('test/artifacts/playground.png'), fullPage: true });
    expect((page as unknown as { errors: string[] }).errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('training panel: the classifier reaches 90% validation accuracy in the page', async () => {
    const page = await open('/');
    await page.waitForFunction(() => window.playground?.ready);
    await page.click('#train');
    await page.waitForFunction(() => window.training?.done, null, { timeout: 90_000 });
    const t = await page.evaluate(() => window.training);
    expect(t.epochs).toBe(25);
    expect(t.valAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(t.losses[t.losses.length - 1]!).toBeLessThan(t.losses[0]!);
    expect(await page.textContent('#train-log')).toMatch(/val accuracy/);
    await page.close();
  }, 120_000);

  it('live benchmark panel measures SIMD, scalar and JS at 1M parameters', async () => {
    const page = await open('/');
    await page.waitForFunction(() => window.playground?.ready);
    await page.click('#bench');
    await page.waitForFunction(() => document.querySelectorAll('#bench-table tbody tr').length >= 4, null, { timeout: 90_000 });
    const rows = await page.$$eval('#bench-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
    for (const [name, simd, scalar, js] of rows) {
      expect(Number(simd), name).toBeGreaterThan(0);
      expect(Number(js), `${name}: SIMD faster than JS`).toBeGreaterThan(Number(simd));
      expect(Number(scalar)).toBeGreaterThan(0);
    }
    await page.close();
  }, 120_000);
});
