/**
 * The `wasm-optim` bin as a user gets it: `npm pack` → `npm install <tarball>` into an empty
 * project (offline: the package has no runtime dependencies) → `npx wasm-optim …`. It runs the
 * compiled JS in dist/ (no tsx), finds no TensorFlow.js and says so, and answers bad command
 * lines with one line and the usage, exit code 2, no stack trace.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINARY_HASH } from '../src/wasm/binaries.generated.js';

const exec = promisify(execFile);
const root = join(import.meta.dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

let dir = '';
let project = '';
let packed: string[] = [];

function newest(folder: string): number {
  let t = 0;
  for (const e of readdirSync(folder, { withFileTypes: true })) {
    const p = join(folder, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * Runs the installed bin in the project: through `npx --no wasm-optim` with `viaNpx`, else the
 * `node_modules/.bin/wasm-optim` link npx resolves to (the same file, without npx's second of
 * start-up). Never throws; returns the exit code and output.
 */
async function run(viaNpx: boolean, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const [file, pre] = viaNpx ? [npx, ['--no', 'wasm-optim']] : [join(project, 'node_modules', '.bin', 'wasm-optim'), []];
    const r = await exec(file, [...pre, ...args], { cwd: project, maxBuffer: 1 << 26 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

const npxCli = (...args: string[]) => run(true, args);
const cli = (...args: string[]) => run(false, args);
const STACK = /^\s+at /m;

beforeAll(async () => {
  // The tarball ships dist/: rebuild it when a source file is newer (a plain `vitest run` after edits).
  const main = join(root, 'dist', 'cli', 'main.js');
  if (!existsSync(main) || statSync(main).mtimeMs < newest(join(root, 'src'))) {
    await exec(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
  }
  dir = mkdtempSync(join(tmpdir(), 'wasm-optim-pack-'));
  const { stdout } = await exec(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, maxBuffer: 1 << 26 });
  const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  packed = info!.files.map((f) => f.path);
  project = join(dir, 'project');
  await exec('mkdir', ['-p', project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cli-check', private: true, type: 'module' }));
  await exec(npm, ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', join(dir, info!.filename)], { cwd: project });
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('wasm-optim from the packed tarball', () => {
  it('ships the compiled bin and nothing that needs tsx', () => {
    expect(packed).toContain('dist/cli/main.js');
    expect(packed).toContain('dist/cli/bench/worker.js');
    expect(packed.filter((p) => p.startsWith('src/') || p.startsWith('bench/') || p.startsWith('scripts/'))).toEqual([]);
  });

  it('info: version, backends, SIMD and threads detection, kernel hash', async () => {
    const text = await npxCli('info');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^wasm-optim\s+0\.\d+\.\d+/);
    expect(text.stdout).toContain(`kernel hash      ${BINARY_HASH}`);
    const r = await cli('info', '--json');
    const info = JSON.parse(r.stdout) as { version: string; backends: Record<string, string>; simd: boolean; kernelHash: string; tfjs: Record<string, unknown> };
    expect(info.backends).toEqual({ simd: 'ok', scalar: 'ok', js: 'ok' });
    expect(info.simd).toBe(true);
    expect(info.kernelHash).toBe(BINARY_HASH);
    expect(info.tfjs['@tensorflow/tfjs-core']).toBeNull();
  });

  it('conformance FILE runs the reference cases', async () => {
    for (const f of ['clipping.json', 'schedulers.json']) {
      copyFileSync(join(root, 'test', 'fixtures', f), join(project, f));
      const r = await npxCli('conformance', f);
      expect(r.code, r.stderr).toBe(0);
      expect(Number(/^(\d+) passed, 0 failed$/m.exec(r.stdout)?.[1])).toBeGreaterThan(0);
    }
  });

  it('bench --quick --optimizer adam --sizes 1024 --json: JSON on stdout, says tfjs is not installed', async () => {
    const r = await npxCli('bench', '--quick', '--optimizer', 'adam', '--sizes', '1024', '--json');
    expect(r.code, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout) as { meta: { command: string }; records: Array<{ optimizer: string; size: number; variant: string; nsPerParam: number }> };
    expect(res.meta.command).toBe('wasm-optim bench --quick --optimizer adam --sizes 1024 --json');
    expect(res.records.map((x) => x.variant).sort()).toEqual(['js-idiomatic', 'js-reference', 'roofline', 'scalar', 'simd']);
    for (const x of res.records) {
      expect([x.optimizer, x.size]).toEqual(['adam', 1024]);
      expect(x.nsPerParam).toBeGreaterThan(0);
    }
    expect(r.stderr).toMatch(/^tfjs-wasm: skipped \(optional packages @tensorflow\/tfjs-core, @tensorflow\/tfjs-backend-wasm not installed\)$/m);
    expect(r.stderr).not.toMatch(/MISSED|goal/);
  });

  it('bad command lines: one line, the usage, exit code 2, no stack trace', async () => {
    const cases: Array<[string[], RegExp, string]> = [
      [['bench', '--sizes', 'x'], /^wasm-optim: --sizes: expected positive integers, got "x"$/, 'usage: wasm-optim bench'],
      [['bench', '--optimizer', 'adamm'], /^wasm-optim: --optimizer: unknown benchmark case "adamm"/, 'usage: wasm-optim bench'],
      [['bench', '--update-baseline'], /^wasm-optim: Unknown option '--update-baseline'/, 'usage: wasm-optim bench'],
      [['conformance', 'missing.json'], /^wasm-optim: missing.json: no such file$/, 'usage: wasm-optim conformance FILE'],
      [['conformance'], /^wasm-optim: missing FILE$/, 'usage: wasm-optim conformance FILE'],
      [['frobnicate'], /^wasm-optim: unknown command "frobnicate"$/, 'usage: wasm-optim <command>'],
    ];
    for (const [args, first, usage] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      const lines = r.stderr.split('\n');
      expect(lines[0], args.join(' ')).toMatch(first);
      expect(lines[1]).toBe('');
      expect(lines[2]).toContain(usage);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.stdout).toBe('');
    }
    const help = await cli('conformance', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: wasm-optim conformance FILE');
  });
});
