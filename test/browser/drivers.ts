/**
 * One small driver interface over three browser engines, so each browser check is written once:
 * Chromium (Debian's `chromium`, playwright-core over CDP), Firefox (Debian's `firefox-esr`,
 * puppeteer-core over WebDriver BiDi) and WebKit (WebKitGTK's MiniBrowser through
 * `WebKitWebDriver` and selenium-webdriver, under Xvfb). No browser is downloaded: each engine
 * runs the Debian build at the paths below (overridable by environment variables).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { machine } from 'node:os';
import { delimiter, join } from 'node:path';

export type EngineName = 'chromium' | 'firefox' | 'webkit';

/** A page in one engine: the few operations the browser suite needs. */
export interface Page {
  /** Runs `fn` in the page (serialised: it may not close over test variables) and awaits its result. */
  evaluate<T>(fn: () => T | Promise<T>): Promise<T>;
  click(selector: string): Promise<void>;
  /** Chooses `value` in the `<select>` at `selector`, as a user would (fires `change`). */
  select(selector: string, value: string): Promise<void>;
  /** A PNG of the page, the whole document where the engine can, else the 1280-wide viewport. */
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

export interface Browser {
  /** Product and version as the engine reports it, e.g. `firefox/140.12.0`. */
  version: string;
  open(url: string): Promise<Page>;
  close(): Promise<void>;
}

export interface Engine {
  name: EngineName;
  /** The browser and its JavaScript engine, for reports. */
  title: string;
  /** Everything that must exist for the engine to run. */
  needs: string[];
  /** The Debian packages that provide it. */
  packages: string;
  launch(): Promise<Browser>;
}

const VIEWPORT = { width: 1280, height: 1000 };
/** MiniBrowser's window, taller than the viewports elsewhere so that one capture holds the playground. */
const WEBKIT_WINDOW_HEIGHT = 1200;
const env = process.env;

function which(cmd: string): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

const CHROMIUM = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FIREFOX = env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
const WEBKIT_DRIVER = env.WEBKIT_DRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
const MINIBROWSER = env.MINIBROWSER_PATH ?? `/usr/lib/${machine()}-linux-gnu/webkit2gtk-4.1/MiniBrowser`;
/** WebKitGTK needs an X display: Xvfb through xvfb-run, or the session's own `DISPLAY`. */
const XVFB_RUN = env.DISPLAY ? undefined : (which('xvfb-run') ?? '/usr/bin/xvfb-run');

const chromium: Engine = {
  name: 'chromium',
  title: 'Chromium (V8)',
  needs: [CHROMIUM],
  packages: 'chromium',
  async launch() {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    return {
      version: `chromium/${browser.version()}`,
      async open(url) {
        const page = await browser.newPage({ viewport: VIEWPORT });
        await page.goto(url);
        return {
          evaluate: (fn) => page.evaluate(fn),
          click: (s) => page.click(s),
          select: async (s, v) => void (await page.selectOption(s, v)),
          screenshot: async (path) => void (await page.screenshot({ path, fullPage: true })),
          close: () => page.close(),
        };
      },
      close: () => browser.close(),
    };
  },
};

const firefox: Engine = {
  name: 'firefox',
  title: 'Firefox ESR (SpiderMonkey)',
  needs: [FIREFOX],
  packages: 'firefox-esr',
  async launch() {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({ browser: 'firefox', protocol: 'webDriverBiDi', executablePath: FIREFOX, headless: true, defaultViewport: VIEWPORT });
    return {
      version: await browser.version(),
      async open(url) {
        const page = await browser.newPage();
        await page.goto(url);
        return {
          evaluate: (fn) => page.evaluate(fn) as never,
          click: (s) => page.click(s),
          select: async (s, v) => void (await page.select(s, v)),
          screenshot: async (path) => void (await page.screenshot({ path: path as `${string}.png`, fullPage: true })),
          close: () => page.close(),
        };
      },
      close: () => browser.close(),
    };
  },
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts WebKitWebDriver (under xvfb-run when there is no display) in its own process group. */
async function startWebKitDriver(): Promise<{ url: string; stop(): void }> {
  const port = await freePort();
  const argv = [WEBKIT_DRIVER, `--port=${port}`];
  // Xvfb has no GPU: WebKitGTK's accelerated compositing there renders in software, about 3x
  // slower than without it (the playground's animation: ~3 s per test function instead of ~10 s).
  const options = { detached: true, stdio: 'ignore' as const, env: { WEBKIT_DISABLE_COMPOSITING_MODE: '1', ...env } };
  const child: ChildProcess = XVFB_RUN ? spawn(XVFB_RUN, ['-a', '-s', '-screen 0 1280x1600x24', ...argv], options) : spawn(argv[0]!, argv.slice(1), options);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () => {
    // The group holds xvfb-run, Xvfb, the driver and the browser it started: end all of them.
    if (!exited && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`WebKitWebDriver exited before it listened (${argv.join(' ')})`);
    try {
      if ((await fetch(`${url}/status`)).ok) return { url, stop };
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`WebKitWebDriver did not answer on ${url} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Page scripts that keep a transparent 1×1 element repainting every 50 ms, and stop it. */
const REPAINT_START = `const d = document.createElement('div');
d.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none';
document.body.append(d);
let k = 0;
window.__repaint = { d, timer: setInterval(() => { d.style.background = k++ % 2 ? 'rgba(0,0,0,0)' : 'rgba(255,255,255,0)'; }, 50) };`;
const REPAINT_STOP = 'clearInterval(window.__repaint.timer); window.__repaint.d.remove(); delete window.__repaint;';

const webkit: Engine = {
  name: 'webkit',
  title: 'WebKitGTK MiniBrowser (JavaScriptCore)',
  needs: [WEBKIT_DRIVER, MINIBROWSER, ...(XVFB_RUN ? [XVFB_RUN] : [])],
  packages: 'webkit2gtk-driver xvfb xauth',
  async launch() {
    const { Builder, By } = await import('selenium-webdriver');
    const service = await startWebKitDriver();
    try {
      const driver = await new Builder()
        .usingServer(service.url)
        .withCapabilities({ browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } })
        .build();
      await driver.manage().setTimeouts({ script: 180_000, pageLoad: 120_000 });
      await driver.manage().window().setRect({ width: VIEWPORT.width, height: WEBKIT_WINDOW_HEIGHT });
      const caps = await driver.getCapabilities();
      // One MiniBrowser window serves one page at a time: open() navigates it.
      return {
        version: `webkitgtk/${caps.get('browserVersion')}`,
        async open(url) {
          await driver.get(url);
          return {
            // WebDriver's Execute Script awaits a returned promise.
            evaluate: (fn) => driver.executeScript(`return (${fn.toString()})()`),
            click: async (s) => driver.findElement(By.css(s)).click(),
            select: async (s, v) => driver.findElement(By.css(`${s} option[value="${v.replace(/"/g, '\\"')}"]`)).click(),
            // WebDriver captures the viewport, which the tall window makes hold the whole playground
            // (resizing the window just for the capture could hang WebKitGTK under Xvfb).
            async screenshot(path) {
              // Without compositing, WebKitGTK captures at the next repaint, which an idle page never
              // has: repaint an invisible pixel until the capture is taken.
              await driver.executeScript(REPAINT_START);
              try {
                writeFileSync(path, await driver.takeScreenshot(), 'base64');
              } finally {
                await driver.executeScript(REPAINT_STOP);
              }
            },
            close: async () => void (await driver.get('about:blank')),
          };
        },
        async close() {
          try {
            await driver.quit();
          } finally {
            service.stop();
          }
        },
      };
    } catch (e) {
      service.stop();
      throw e;
    }
  },
};

export const ENGINES: Engine[] = [chromium, firefox, webkit];

/** Where `engine` cannot run here: the first thing it needs that is missing. */
export function missing(engine: Engine): string | undefined {
  return engine.needs.find((p) => !existsSync(p));
}

/** Polls `fn` in the page until it returns a truthy value; fails naming `what` after `timeoutMs`. */
export async function waitFor(page: Page, fn: () => unknown, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(fn))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
