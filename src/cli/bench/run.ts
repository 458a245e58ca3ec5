/// <reference types="node" />
/**
 * The benchmark command, shared by `wasm-optim bench` and `npm run bench`: parses the options,
 * runs the measurement groups one after another, each in a fresh process (see worker.ts),
 * prints the table (or, with `--json`, the results as JSON on stdout and progress on stderr) and
 * writes `latest.json`, `latest.md` and `speedup.svg` to the output folder when there is one.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listValue, parseCommand, sizesValue, UsageError } from '../args.js';
import { FULL, QUICK, selectCases, SIZES, TFJS_CPU_MAX } from './cases.js';
import type { CoreResult } from './core.js';
import type { BenchRecord, BenchResults } from './records.js';
import { buildRows, consoleTable, markdownReport, targets } from './report.js';
import { speedupSvg } from './svg.js';
import type { WorkerConfig } from './worker.js';

const here = fileURLToPath(import.meta.url);
/** The worker next to this file: `worker.ts` under tsx, `worker.js` in the compiled package. */
const workerPath = join(dirname(here), `worker${here.endsWith('.ts') ? '.ts' : '.js'}`);

/** Largest `--sizes` entry: the core process holds 14 float blocks of it in one 4 GiB memory. */
export const MAX_SIZE = 1 << 26;

export interface BenchCommand {
  /** How the command is invoked, for messages and the report (`wasm-optim bench`, `npm run bench --`). */
  name: string;
  /** Where results go without `--out` (none: results are only printed). */
  defaultOut?: string;
  /** The committed baseline folder that `--update-baseline` writes (none: option not offered). */
  baselineDir?: string;
}

export interface BenchArgs {
  quick: boolean;
  only?: string[];
  sizes?: number[];
  tfjs: boolean;
  extras: boolean;
  json: boolean;
  targets: boolean;
  out?: string;
  clock: 'wall' | 'cpu';
}

export function benchUsage(cmd: BenchCommand): string {
  return [
    `usage: ${cmd.name} [--quick] [--optimizer NAMES] [--sizes N,N,…] [--json] [--targets] [--no-tfjs] [--no-extras]`,
    `       ${' '.repeat(cmd.name.length)} [--out DIR] [--clock cpu|wall]${cmd.baselineDir ? ' [--update-baseline]' : ''}`,
    '',
    '  --quick            the six main optimizers, 1K … 1M (+ Adam at 16M), short rounds',
    `  --optimizer NAMES  comma-separated benchmark cases (${selectCases(true).map((c) => c.name).join(', ')}); alias --only`,
    `  --sizes N,N,…      parameter counts (default ${SIZES.join(',')})`,
    '  --json             print the results as JSON on stdout (progress goes to stderr)',
    "  --targets          also check the project's performance targets",
    '  --no-tfjs          skip TensorFlow.js (run when @tensorflow/tfjs-core and a backend are installed)',
    '  --no-extras        skip the many-tensor and allocation checks',
    `  --out DIR          write latest.json, latest.md and speedup.svg to DIR${cmd.defaultOut ? ` (default ${cmd.defaultOut})` : ''}`,
    '  --clock cpu|wall   time samples in process CPU time (default) or wall time',
    ...(cmd.baselineDir ? [`  --update-baseline  write the committed baseline report (${cmd.baselineDir}) instead`] : []),
  ].join('\n');
}

/** Parses the bench options; a mistake is a {@link UsageError}. Returns null for `--help`. */
export function parseBenchArgs(argv: readonly string[], cmd: BenchCommand): BenchArgs | null {
  const { values: v } = parseCommand(
    argv,
    {
      quick: { type: 'boolean' }, optimizer: { type: 'string' }, only: { type: 'string' }, sizes: { type: 'string' },
      json: { type: 'boolean' }, targets: { type: 'boolean' }, 'no-tfjs': { type: 'boolean' }, 'no-extras': { type: 'boolean' },
      out: { type: 'string' }, clock: { type: 'string' }, help: { type: 'boolean' },
      ...(cmd.baselineDir ? { 'update-baseline': { type: 'boolean' as const } } : {}),
    },
    { min: 0, max: 0 },
  );
  if (v.help) return null;
  const clock = (v.clock as string | undefined) ?? 'cpu';
  if (clock !== 'wall' && clock !== 'cpu') throw new UsageError(`--clock: expected cpu or wall, got ${JSON.stringify(clock)}`);
  if (v.optimizer !== undefined && v.only !== undefined) throw new UsageError('--optimizer and --only are the same option; give one');
  const names = v.optimizer ?? v.only;
  let only: string[] | undefined;
  if (names !== undefined) {
    only = listValue(v.optimizer !== undefined ? 'optimizer' : 'only', names as string);
    const known = selectCases(true).map((c) => c.name);
    const bad = only.find((n) => !known.includes(n));
    if (bad) throw new UsageError(`--optimizer: unknown benchmark case ${JSON.stringify(bad)} (known: ${known.join(', ')})`);
  }
  if (v['update-baseline'] && v.out !== undefined) throw new UsageError('--update-baseline writes the baseline folder; leave out --out');
  if (v.out === '') throw new UsageError('--out: expected a folder');
  return {
    quick: v.quick === true,
    only,
    sizes: v.sizes === undefined ? undefined : sizesValue('sizes', v.sizes as string, MAX_SIZE),
    tfjs: v['no-tfjs'] !== true,
    extras: v['no-extras'] !== true,
    json: v.json === true,
    targets: v.targets === true,
    out: v['update-baseline'] ? cmd.baselineDir : ((v.out as string | undefined) ?? cmd.defaultOut),
    clock,
  };
}

/** Optional packages a tfjs backend needs that cannot be found from here (empty: it can run). */
export function missingTfjs(backend: 'cpu' | 'wasm'): string[] {
  const require = createRequire(import.meta.url);
  return ['@tensorflow/tfjs-core', `@tensorflow/tfjs-backend-${backend}`].filter((name) => {
    try {
      require.resolve(`${name}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
}

function runGroup<T>(group: string, config: WorkerConfig, dir: string, log: (s: string) => void, json: boolean): T {
  const cfg = join(dir, `${group}.config.json`), out = join(dir, `${group}.json`);
  writeFileSync(cfg, JSON.stringify(config));
  const t0 = performance.now();
  log(`${group}: starting`);
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', workerPath, group, cfg, out], {
    stdio: ['ignore', json ? 2 : 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`bench: group ${group} failed (exit ${r.status ?? r.signal})`);
  log(`${group}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return JSON.parse(readFileSync(out, 'utf8')) as T;
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.${process.pid}.tmp`, text);
  renameSync(`${path}.${process.pid}.tmp`, path);
}

/** Runs the benchmark for `argv`; returns the exit code. */
export async function benchCommand(argv: readonly string[], cmd: BenchCommand): Promise<number> {
  const args = parseBenchArgs(argv, cmd);
  if (!args) {
    console.log(benchUsage(cmd));
    return 0;
  }
  const say = (line: string) => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  const started = performance.now();
  const schedule = { ...(args.quick ? QUICK : FULL), clock: args.clock };
  const all = selectCases(!args.quick, args.only);
  if (!all.length) throw new UsageError(`--optimizer: ${args.only?.join(',')} is not in the ${args.quick ? 'quick' : 'full'} set`);
  const sizes = args.sizes ?? [...SIZES];
  const config: WorkerConfig = {
    cases: all,
    sizes,
    tfjsCpuSizes: sizes.filter((n) => n <= (args.quick ? 262144 : TFJS_CPU_MAX)),
    largeOnly: args.quick ? ['adam'] : undefined,
    stepOverhead: args.sizes === undefined,
    schedule,
  };
  const loadAverage = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'wasm-optim-bench-'));
  const records: BenchRecord[] = [];
  let tfjsVersion: string | undefined;
  let manyTensors: BenchResults['manyTensors'] = [];
  let allocation: BenchResults['allocation'] = [];
  let core: CoreResult;
  try {
    core = runGroup<CoreResult>('core', config, dir, say, args.json);
    records.push(...core.records);
    if (args.tfjs) {
      for (const backend of ['wasm', 'cpu'] as const) {
        const g = `tfjs-${backend}` as const;
        const missing = missingTfjs(backend);
        if (missing.length) {
          say(`${g}: skipped (optional ${missing.length > 1 ? 'packages' : 'package'} ${missing.join(', ')} not installed)`);
          continue;
        }
        const t = runGroup<{ records: BenchRecord[]; version: string }>(g, config, dir, say, args.json);
        records.push(...t.records);
        tfjsVersion = t.version;
      }
    }
    if (args.extras) {
      const mainCases = all.filter((c) => ['adam', 'sgd-momentum'].includes(c.name) || !args.quick);
      if (mainCases.length) {
        const e = runGroup<{ manyTensors: BenchResults['manyTensors']; allocation: BenchResults['allocation'] }>('extras', { ...config, cases: mainCases }, dir, say, args.json);
        manyTensors = e.manyTensors;
        allocation = e.allocation;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const command = argv.length ? `${cmd.name} ${argv.join(' ')}` : cmd.name.replace(/ --$/, '');
  const results: BenchResults = {
    meta: {
      date: new Date().toISOString(),
      command,
      quick: args.quick,
      node: process.versions.node,
      v8: process.versions.v8,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      loadAverage,
      tfjs: tfjsVersion,
      schedule,
      coreGrows: core.grows,
      detachProbe: core.detachProbe,
      durationS: (performance.now() - started) / 1000,
    },
    records,
    manyTensors,
    allocation,
  };
  const rows = buildRows(records);
  say('\n' + consoleTable(rows) + '\n');
  if (args.targets) {
    for (const t of targets(rows, results)) say(`${t.met === undefined ? ' - ' : t.met ? 'met' : 'MISSED'}  ${t.what}: ${t.reached} (goal ${t.goal})`);
  }
  for (const m of manyTensors) say(`many tensors (${m.optimizer}): flat ${m.flat.toFixed(3)}, 1,000 contiguous ${m.contiguous.toFixed(3)}, 1,000 separate ${m.separate.toFixed(3)} ns/param`);
  for (const a of allocation) say(`allocation (${a.optimizer}): heap ${a.heapBefore} → ${a.heapAfter} bytes over ${a.steps} steps, ${a.gcCount} GCs`);
  if (args.out) {
    mkdirSync(args.out, { recursive: true });
    const svgName = 'speedup.svg';
    const subtitle = `${command} · ${results.meta.cpu}, ${results.meta.cores} cores · Node ${results.meta.node} · ${results.meta.date.slice(0, 10)}`;
    writeAtomic(join(args.out, 'latest.json'), JSON.stringify(results, null, 1) + '\n');
    writeAtomic(join(args.out, 'latest.md'), markdownReport(results, svgName, { targets: args.targets || args.out === cmd.baselineDir }));
    writeAtomic(join(args.out, svgName), speedupSvg(rows, subtitle));
    say(`wrote ${join(args.out, 'latest.json')}, latest.md, ${svgName} (${results.meta.durationS.toFixed(0)} s)`);
  }
  if (args.json) process.stdout.write(JSON.stringify(results) + '\n');
  return 0;
}
