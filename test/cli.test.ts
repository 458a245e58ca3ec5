/**
 * The command-line layer: option parsing of `bench` (shared by `wasm-optim bench` and
 * `npm run bench`), where results go, conformance file loading, `info`, the one-line error
 * handling, and the npm scripts and examples answering bad arguments without a stack trace.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exampleUsage, parseCommonArgs, runOptions } from '../examples/lib/args.js';
import { parseCommand, runCommand, UsageError } from '../src/cli/args.js';
import { timeSlice } from '../src/cli/bench/measure.js';
import { type BenchCommand, missingTfjs, parseBenchArgs } from '../src/cli/bench/run.js';
import { loadCases } from '../src/cli/conformance/run.js';
import { collectInfo, formatInfo } from '../src/cli/info.js';
import { BINARY_HASH } from '../src/wasm/binaries.generated.js';

const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const exec = promisify(execFile);
const STACK = /^\s+at /m;

async function script(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [tsx, ...args], { cwd: root });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

afterEach(() => vi.restoreAllMocks());

describe('bench options', () => {
  const npmBench: BenchCommand = { name: 'npm run bench --', defaultOut: 'bench/results/local', baselineDir: 'bench/results' };
  const bin: BenchCommand = { name: 'wasm-optim bench' };

  it('defaults: every size, tfjs and extras on, no targets, results to the local folder (npm) or nowhere (bin)', () => {
    expect(parseBenchArgs([], npmBench)).toEqual({ quick: false, only: undefined, sizes: undefined, tfjs: true, extras: true, json: false, targets: false, out: 'bench/results/local', clock: 'cpu' });
    expect(parseBenchArgs([], bin)!.out).toBeUndefined();
  });

  it('the committed baseline is written only with --update-baseline', () => {
    expect(parseBenchArgs(['--update-baseline'], npmBench)!.out).toBe('bench/results');
    expect(parseBenchArgs(['--out', '/tmp/x'], npmBench)!.out).toBe('/tmp/x');
    expect(() => parseBenchArgs(['--update-baseline', '--out', '/tmp/x'], npmBench)).toThrow(UsageError);
    expect(() => parseBenchArgs(['--update-baseline'], bin)).toThrow(/Unknown option '--update-baseline'/);
  });

  it('--optimizer (or --only), --sizes, --json, --targets, --clock, --quick, --no-tfjs, --no-extras', () => {
    const a = parseBenchArgs(['--quick', '--optimizer', 'adam,sgd-momentum', '--sizes=1024,4096', '--json', '--targets', '--clock', 'wall', '--no-tfjs', '--no-extras'], bin)!;
    expect(a).toMatchObject({ quick: true, only: ['adam', 'sgd-momentum'], sizes: [1024, 4096], json: true, targets: true, clock: 'wall', tfjs: false, extras: false });
    expect(parseBenchArgs(['--only', 'lion'], bin)!.only).toEqual(['lion']);
  });

  it.each([
    [['--sizes', '0'], /--sizes: expected positive integers, got "0"/],
    [['--sizes', '1024,abc'], /--sizes: expected positive integers/],
    [['--sizes', '1.5'], /--sizes: expected positive integers/],
    [['--sizes', ''], /--sizes: expected a comma-separated list/],
    [['--sizes', '1024,1000000000'], /--sizes: at most 67108864 each, got 1000000000/],
    [['--optimizer', 'adamm'], /--optimizer: unknown benchmark case "adamm" \(known: adam, /],
    [['--optimizer', 'adam,'], /--optimizer: expected a comma-separated list/],
    [['--optimizer', 'adam', '--only', 'lion'], /same option/],
    [['--clock', 'gpu'], /--clock: expected cpu or wall, got "gpu"/],
    [['--frob'], /Unknown option '--frob'/],
    [['results.json'], /unexpected argument "results.json"/],
    [['--sizes'], /argument missing/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseBenchArgs(argv, bin)).toThrow(UsageError);
    expect(() => parseBenchArgs(argv, bin)).toThrow(message);
  });

  it('--help returns null (print the usage, run nothing)', () => {
    expect(parseBenchArgs(['--help'], bin)).toBeNull();
  });

  it('finds the optional tfjs packages (dev dependencies here)', () => {
    expect(missingTfjs('wasm')).toEqual([]);
    expect(missingTfjs('cpu')).toEqual([]);
  });
});

describe('timing slices', () => {
  it('batches of reps calls until the clock has advanced by the slice, at least one batch', () => {
    let t = 0, calls = 0;
    const now = () => t;
    const step = () => {
      calls++;
      t += 0.5;
    };
    expect(timeSlice(step, 4, 5, now)).toEqual([2, 2, 2]); // 3 batches of 4 calls × 0.5 ms reach 5 ms
    expect(calls).toBe(12);
    expect(timeSlice(step, 1, 0, now)).toEqual([0.5]);
  });
});

describe('argument parsing and errors', () => {
  it('parseCommand: positional counts', () => {
    expect(parseCommand(['a'], {}, { min: 1, max: 1 }).positionals).toEqual(['a']);
    expect(() => parseCommand([], {}, { min: 1, max: 1, name: 'FILE' })).toThrow('missing FILE');
    expect(() => parseCommand(['a', 'b'], {}, { min: 1, max: 1 })).toThrow('unexpected argument "b"');
    // --help never counts as a file name.
    expect(parseCommand(['--help'], { help: { type: 'boolean' } }, { min: 1, max: 1 }).values.help).toBe(true);
  });

  it('runCommand: a usage error is one line, a blank line and the usage, exit 2; a failure one line, exit 1; no stack', async () => {
    const out: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    expect(await runCommand('prog', 'usage: prog X', async () => { throw new UsageError('bad X'); })).toBe(2);
    expect(out.join('')).toBe('prog: bad X\n\nusage: prog X\n');
    out.length = 0;
    expect(await runCommand('prog', 'usage: prog X', async () => { throw new RangeError('it broke'); })).toBe(1);
    expect(out.join('')).toBe('prog: it broke\n');
    expect(await runCommand('prog', 'usage', async () => 7)).toBe(7);
  });
});

describe('conformance files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-optim-cli-'));
  it('reads plain and gzipped JSON', () => {
    writeFileSync(join(dir, 'a.json'), '{"cases":[1]}');
    writeFileSync(join(dir, 'a.json.gz'), gzipSync('{"cases":[2]}'));
    expect(loadCases(join(dir, 'a.json'))).toEqual({ cases: [1] });
    expect(loadCases(join(dir, 'a.json.gz'))).toEqual({ cases: [2] });
  });
  it('a missing file, a folder or bad JSON is a usage error naming the file', () => {
    writeFileSync(join(dir, 'bad.json'), '{cases');
    expect(() => loadCases(join(dir, 'nope.json'))).toThrow(new UsageError(`${join(dir, 'nope.json')}: no such file`));
    expect(() => loadCases(dir)).toThrow(/is a folder/);
    expect(() => loadCases(join(dir, 'bad.json'))).toThrow(/bad\.json: not JSON or gzipped JSON/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('info', () => {
  it('reports the package version, every backend, SIMD, threads and the kernel hash', async () => {
    const info = await collectInfo();
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(info.version).toBe(pkg.version);
    expect(info.backends).toEqual({ simd: 'ok', scalar: 'ok', js: 'ok' });
    expect(info.defaultBackend).toBe('simd');
    expect(info.kernelHash).toBe(BINARY_HASH);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    const text = formatInfo(info);
    expect(text.split('\n')[0]).toMatch(/^wasm-optim\s+\d+\.\d+\.\d+$/);
    expect(text).toMatch(/^backends\s+simd, scalar, js$/m);
    expect(formatInfo({ ...info, backends: { ...info.backends, simd: 'no SIMD' } })).toMatch(/simd \(unavailable: no SIMD\)/);
  });
});

describe('examples: arguments', () => {
  it('bad arguments are usage errors; --help is not a file name', () => {
    expect(() => parseCommonArgs([], ['--frob'])).toThrow(UsageError);
    expect(() => parseCommonArgs([], ['data.json'])).toThrow(/Unexpected argument 'data.json'/);
    expect(() => parseCommonArgs([], ['--epochs', '0'])).toThrow('--epochs must be an integer >= 1, got 0');
    expect(() => parseCommonArgs([], ['--backend', 'gpu'])).toThrow(UsageError);
    expect(parseCommonArgs(['tfjs'], ['--help']).help).toBe(true);
    expect(exampleUsage('mnist', ['tfjs'])).toBe('usage: npm run example:mnist -- [--json] [--quick] [--seed N] [--epochs N] [--backend auto|simd|scalar|js] [--tfjs]');
  });
  it('--quick takes the small sizes, --epochs and --seed win, and the full run keeps the example defaults', () => {
    const quick = { epochs: 2, train: 1000, test: 300 };
    const opts = (...argv: string[]) => runOptions(parseCommonArgs([], argv), quick);
    expect(opts()).toEqual({ seed: undefined, epochs: undefined, verbose: true });
    expect(opts('--quick', '--json')).toEqual({ ...quick, seed: undefined, verbose: false });
    expect(opts('--quick', '--epochs', '5', '--seed', '7')).toEqual({ ...quick, epochs: 5, seed: 7, verbose: true });
    expect(opts('--epochs', '5')).toEqual({ seed: undefined, epochs: 5, verbose: true });
  });
});

describe('npm scripts and examples on the command line', () => {
  it('npm run conformance -- --help prints the usage; a missing file is one line and the usage, exit 2', async () => {
    const help = await script(['scripts/conformance.ts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run conformance -- FILE/);
    const missing = await script(['scripts/conformance.ts', 'missing.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n').slice(0, 3)).toEqual(['conformance: missing.json: no such file', '', 'usage: npm run conformance -- FILE [--only NAMES]']);
    expect(missing.stderr).not.toMatch(STACK);
    const ok = await script(['scripts/conformance.ts', 'test/fixtures/clipping.json']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^\d+ passed, 0 failed\n$/m);
  });

  it('npm run conformance -- FILE --only NAMES runs the cases of those optimizers; an unknown name is a usage error', async () => {
    const only = await script(['scripts/conformance.ts', 'test/fixtures/optimizers.json.gz', '--only', 'lion,adamax']);
    expect(only.code).toBe(0);
    expect(only.stdout).toBe('8 passed, 0 failed\n');
    const bad = await script(['scripts/conformance.ts', 'test/fixtures/optimizers.json.gz', '--only', 'adamz']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toMatch(/^conformance: --only: no cases for "adamz" in .* \(it has sgd, adam, /);
  });

  it('a benchmark worker that fails reports one line, no stack, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasm-optim-worker-'));
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ cases: [], sizes: [1024], tfjsCpuSizes: [], schedule: {} }));
    const r = await script(['src/cli/bench/worker.ts', 'nogroup', join(dir, 'c.json'), join(dir, 'o.json')]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('  [nogroup] worker: unknown group "nogroup"\n');
  });

  it('an example with a bad option: one line and the usage, exit 2, no stack', async () => {
    const r = await script(['examples/linear-regression.ts', '--seed', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('example:linear-regression: --seed must be an integer >= 0, got x');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('the tfjs example answers --help and bad options like the others', async () => {
    const help = await script(['examples/tfjs.ts', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^usage: npm run example:tfjs -- .*\[--cpu\]/);
    const bad = await script(['examples/tfjs.ts', '--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('example:tfjs: --seed must be an integer >= 0, got x');
    expect(bad.stderr).not.toMatch(STACK);
  });

  it('npm run bench writes to bench/results/local/, leaves the committed baseline alone, prints no targets', async () => {
    const baseline = join(root, 'bench', 'results', 'latest.json');
    const before = readFileSync(baseline, 'utf8');
    const local = join(root, 'bench', 'results', 'local', 'latest.json');
    rmSync(local, { force: true });
    const r = await script(['bench/run.ts', '--quick', '--optimizer', 'adam', '--sizes', '1024', '--no-tfjs', '--no-extras']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(baseline, 'utf8')).toBe(before);
    expect(existsSync(local)).toBe(true);
    expect((JSON.parse(readFileSync(local, 'utf8')) as { meta: { command: string } }).meta.command).toBe('npm run bench -- --quick --optimizer adam --sizes 1024 --no-tfjs --no-extras');
    expect(r.stdout).not.toMatch(/MISSED|goal/);
    expect(readFileSync(join(root, 'bench', 'results', 'local', 'latest.md'), 'utf8')).not.toContain('## Targets');
    const bad = await script(['bench/run.ts', '--sizes', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('bench: --sizes: expected positive integers, got "x"');
    expect(bad.stderr).toContain('--update-baseline');
    expect(bad.stderr).not.toMatch(STACK);
  }, 60_000);
});
