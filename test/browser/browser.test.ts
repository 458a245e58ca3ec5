// The package in real browsers, the same checks on three engines (drivers.ts): Chromium,
// Firefox and WebKit. Bundled by Vite, loaded as plain ESM, the conformance suite on every backend,
// the fallbacks when WebAssembly or SIMD is missing, threads where the engine offers shared memory
// (the fallback and its error where it does not), and the playground. An engine that is not
// installed is skipped with a message, except under CI=true, where every engine must run.
// `BROWSERS=firefox,webkit` limits a local run to some engines (not under CI=true). The run ends by printing the
// support table for the README and writing it to test/artifacts/browser-support.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, ENGINES, type EngineName, missing, type Page, waitFor } from './drivers.js';
import { serve } from './server.js';
import { COMMAND, type Support, supportTable } from './support.js';
// @ts-expect-error plain ESM JavaScript shared with the pages, without types
import { optimizerBits } from './page/bits.js';

declare global {
  interface Window {
    pageErrors: string[];
    result: Promise<Record<string, unknown>>;
  }
}

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const required = process.env.CI === 'true';
const only = required ? undefined : process.env.BROWSERS?.split(',').map((s) => s.trim());
if (required && process.env.BROWSERS) console.warn(`browser suite: CI=true runs every engine; BROWSERS=${process.env.BROWSERS} ignored`);
const support = new Map<EngineName, Support>();
const VALUES = [0.5, 1.5, 2.5, 3.5, 4.5];

let server: Server | undefined;
let url = '';
let serving: Promise<void> | undefined;
let nodeBits: Promise<Record<string, string>> | undefined;
/** Builds the playground and starts the server once, for whichever engine runs first. */
function ensureServer(): Promise<void> {
  serving ??= (async () => {
    if (!existsSync(root('dist/index.js'))) throw new Error('dist/ is missing: run npm run build');
    await build({ configFile: root('demo/vite.config.ts'), logLevel: 'warn' });
    ({ server, url } = await serve({ '/': root('build/demo'), '/dist/': root('dist'), '/fixtures/': root('test/fixtures'), '/suite/': root('test/browser/page') }));
  })();
  return serving;
}

afterAll(() => {
  server?.close();
  if (support.size === 0) return;
  const table = supportTable(support);
  mkdirSync(root('test/artifacts'), { recursive: true });
  writeFileSync(root('test/artifacts/browser-support.md'), `${table}\n\nMeasured by \`${COMMAND}\` on ${new Date().toISOString().slice(0, 10)}.\n`);
  console.log(`browser support (${COMMAND}):\n${table}`);
});

for (const engine of ENGINES) {
  const absent = missing(engine);
  const chosen = !only || only.includes(engine.name);
  const run = chosen && (!absent || required);
  if (!chosen) console.warn(`browser suite: ${engine.name} skipped (BROWSERS=${process.env.BROWSERS})`);
  else if (absent && !required) console.warn(`browser suite: ${engine.name} skipped: no ${absent} (apt-get install ${engine.packages})`);

  describe.skipIf(!run)(`in ${engine.name}`, () => {
    let browser: Browser | undefined;
    // A browser that cannot start fails every check of its engine (a failed hook alone would
    // leave them counted as skipped).
    let unavailable: Error | undefined;
    const info: Support = { title: engine.title };

    beforeAll(async () => {
      try {
        if (absent) throw new Error(`CI=true but ${engine.name} cannot run: no ${absent} (apt-get install ${engine.packages})`);
        await ensureServer();
        browser = await engine.launch();
        info.version = browser.version;
        support.set(engine.name, info);
      } catch (e) {
        unavailable = e as Error;
      }
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
    });

    /** Opens `path`; `check` runs on the page, then the page must have thrown nothing uncaught. */
    async function onPage<T>(path: string, check: (page: Page) => Promise<T>): Promise<T> {
      if (!browser) throw unavailable ?? new Error(`${engine.name} did not start`);
      const page = await browser.open(url + path);
      let out: T;
      try {
        out = await check(page);
        expect(await page.evaluate(() => window.pageErrors), `uncaught errors in ${path}`).toEqual([]);
      } catch (e) {
        // Report the check's failure, not a later one from closing a page that may be stuck.
        await page.close().catch(() => {});
        throw e;
      }
      await page.close();
      return out;
    }

    it('runs every reference case on every backend inside the browser', async () => {
      const cases = (JSON.parse(gunzipSync(readFileSync(root('test/fixtures/optimizers.json.gz'))).toString()) as { cases: unknown[] }).cases;
      const r = await onPage('/conformance.html', async (page) => {
        await waitFor(page, () => window.conformance?.done, 'the conformance run', 150_000);
        return page.evaluate(() => window.conformance);
      });
      expect(r.failures).toEqual([]);
      expect(r.line).toBe(`${cases.length} passed, 0 failed`);
    }, 180_000);

    it("gives Node's bits: every optimizer on every backend, hashed after each step", async () => {
      nodeBits ??= import(root('dist/index.js')).then((m) => optimizerBits(m) as Promise<Record<string, string>>);
      const expected = await nodeBits;
      expect(Object.keys(expected).length).toBeGreaterThanOrEqual(13 * 3);
      const r = await onPage('/bits.html', (page) => page.evaluate(() => window.result));
      expect(r.error).toBeUndefined();
      expect(r.bits).toEqual(expected);
    }, 90_000);

    it('loads the built package as plain ESM and picks SIMD', async () => {
      const r = await onPage('/esm.html', (page) => page.evaluate(() => window.result));
      expect(r).toMatchObject({ detected: 'simd', hasSimd: true, backend: 'simd', values: VALUES, simdError: null });
      expect(typeof r.relaxedSimd).toBe('boolean');
      info.simd = r.hasSimd === true;
      info.relaxedSimd = r.relaxedSimd as boolean;
    });

    it('falls back to the scalar build where SIMD is missing, with a clear error if SIMD is forced', async () => {
      const r = await onPage('/esm.html?nosimd', (page) => page.evaluate(() => window.result));
      expect(r).toMatchObject({ detected: 'scalar', hasSimd: false, backend: 'scalar', values: VALUES });
      expect(r.simdError).toMatch(/does not support WebAssembly SIMD; use backend "scalar" or "js"/);
    });

    it('falls back to pure JS where WebAssembly is missing', async () => {
      const r = await onPage('/esm.html?nowasm', (page) => page.evaluate(() => window.result));
      expect(r).toMatchObject({ detected: 'js', hasWebAssembly: false, backend: 'js', values: VALUES });
      expect(r.simdError).toMatch(/backend "simd" needs WebAssembly, which is not available in this runtime; use backend "js"/);
    });

    it('threads: two Web Workers on shared memory give the bits of one thread, or one thread and a clear error without shared memory', async () => {
      const r = await onPage('/threads.html', (page) => page.evaluate(() => window.result));
      expect(r.error === undefined || typeof r.error === 'string').toBe(true);
      expect(r.isolated, 'the page is cross-origin isolated').toBe(true);
      const t: NonNullable<Support['threads']> = { sharedMemory: r.sharedMemory === true, isolated: true, autoThreads: r.autoThreads as number };
      info.threads = t;
      // Chromium and Firefox offer SharedArrayBuffer to isolated pages; losing it would be a regression.
      if (engine.name !== 'webkit') expect(r.sharedMemory, `${engine.name} offers shared memory when isolated`).toBe(true);
      if (r.sharedMemory) {
        expect(r).toMatchObject({ threads: 2, diff: 0, n: 100003 });
        expect(r.autoThreads).toBeGreaterThanOrEqual(1);
        Object.assign(t, { threads: 2, identical: r.diff === 0 });
      } else {
        expect(r.autoThreads, "threads: 'auto' falls back to one thread").toBe(1);
        expect(r.error).toBe('createEngine: threads > 1 needs shared WebAssembly memory (SharedArrayBuffer; in browsers, a cross-origin isolated page)');
        t.refused = true;
      }
    }, 90_000);

    it('playground: every trajectory on every function moves toward a minimum; screenshot', async () => {
      await onPage('/', async (page) => {
        await waitFor(page, () => window.playground?.ready && window.playground.done, 'the playground');
        expect(await page.evaluate(() => window.playground.backend)).toBe('simd');
        const fns = await page.evaluate(() => Array.from(document.querySelectorAll('#fn option'), (o) => (o as HTMLOptionElement).value));
        expect(fns.length).toBeGreaterThanOrEqual(5);
        for (const fn of [...fns.slice(1), fns[0]!]) {
          await page.select('#fn', fn);
          await waitFor(page, () => window.playground.done && (document.getElementById('fn') as HTMLSelectElement).value, `${fn}'s trajectories`, 120_000);
          expect(await page.evaluate(() => (document.getElementById('fn') as HTMLSelectElement).value)).toBe(fn);
          const ts = await page.evaluate(() => window.playground.trajectories.map((t) => ({ o: t.optimizer, first: t.losses[0]!, last: t.losses[t.losses.length - 1]!, n: t.path.length })));
          expect(ts.length).toBeGreaterThanOrEqual(4);
          for (const t of ts) {
            expect(t.n, `${fn} ${t.o}`).toBeGreaterThan(100);
            expect(t.last, `${fn} ${t.o}: final loss below the start`).toBeLessThan(t.first);
          }
        }
        // The default view (Rosenbrock), as each engine draws it.
        mkdirSync(root('test/artifacts'), { recursive: true });
        await page.screenshot(root(`test/artifacts/playground-${engine.name}.png`));
      });
    }, 300_000);

    it('training panel: the classifier reaches 90% validation accuracy in the page', async () => {
      const t = await onPage('/', async (page) => {
        await waitFor(page, () => window.playground?.ready, 'the playground');
        await page.click('#train');
        await waitFor(page, () => window.training?.done, 'the training panel', 120_000);
        expect(await page.evaluate(() => document.getElementById('train-log')!.textContent)).toMatch(/val accuracy/);
        return page.evaluate(() => window.training);
      });
      expect(t.epochs).toBe(25);
      expect(t.valAccuracy).toBeGreaterThanOrEqual(0.9);
      expect(t.losses[t.losses.length - 1]!).toBeLessThan(t.losses[0]!);
    }, 150_000);

    it('live benchmark panel measures SIMD, scalar and JS at 1M parameters', async () => {
      const rows = await onPage('/', async (page) => {
        await waitFor(page, () => window.playground?.ready, 'the playground');
        await page.click('#bench');
        await waitFor(page, () => document.querySelectorAll('#bench-table tbody tr').length >= 4 && !(document.getElementById('bench') as HTMLButtonElement).disabled, 'the benchmark panel', 120_000);
        return page.evaluate(() => Array.from(document.querySelectorAll('#bench-table tbody tr'), (tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
      });
      expect(rows.map((r) => r[0])).toEqual(['adam', 'sgd', 'rmsprop', 'lion']);
      for (const [name, simd, scalar, js] of rows) {
        expect(Number(simd), name).toBeGreaterThan(0);
        expect(Number(scalar), name).toBeGreaterThan(0);
        expect(Number(js), `${name}: SIMD faster than JS`).toBeGreaterThan(Number(simd));
      }
      const [, simd, scalar, js] = rows[0]!.map(Number);
      info.adam = { simd: simd!, scalar: scalar!, js: js! };
    }, 150_000);
  });
}
