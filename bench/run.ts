/**
 * `npm run bench [-- --quick] [--only adam,lion] [--sizes 1024,1048576] [--no-tfjs] [--no-extras]
 * [--out DIR] [--clock cpu|wall]`: runs the measurement groups one after another, each in a fresh process (see
 * worker.ts), prints the table and writes `latest.json`, `latest.md` and `speedup.svg` under
 * bench/results/ (or DIR).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FULL, QUICK, selectCases, SIZES, TFJS_CPU_MAX } from './cases.js';
import type { CoreResult } from './core.js';
import type { BenchRecord, BenchResults } from './records.js';
import { buildRows, consoleTable, markdownReport, targets } from './report.js';
import { speedupSvg } from './svg.js';
import type { WorkerConfig } from './worker.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Args {
  quick: boolean;
  only?: string[];
  sizes?: number[];
  tfjs: boolean;
  extras: boolean;
  out: string;
  clock: 'wall' | 'cpu';
}

function parseArgs(argv: string[]): Args {
  const a: Args = { quick: false, tfjs: true, extras: true, out: join(here, 'results'), clock: 'cpu' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i] ?? '';
    if (flag === '--quick') a.quick = true;
    else if (flag === '--no-tfjs') a.tfjs = false;
    else if (flag === '--no-extras') a.extras = false;
    else if (flag === '--only') a.only = value().split(',');
    else if (flag === '--out') a.out = value();
    else if (flag === '--clock') {
      const c = value();
      if (c !== 'wall' && c !== 'cpu') throw new RangeError(`--clock: expected wall or cpu, got ${c}`);
      a.clock = c;
    }
    else if (flag === '--sizes') {
      a.sizes = value().split(',').map(Number);
      if (a.sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new RangeError(`--sizes: expected positive integers, got ${a.sizes.join(',')}`);
    } else throw new TypeError(`bench: unknown argument ${argv[i]} (known: --quick, --only, --sizes, --no-tfjs, --no-extras, --out, --clock)`);
  }
  return a;
}

function runGroup<T>(group: string, config: WorkerConfig, dir: string): T {
  const cfg = join(dir, `${group}.config.json`), out = join(dir, `${group}.json`);
  writeFileSync(cfg, JSON.stringify(config));
  const t0 = performance.now();
  console.log(`${group}: starting`);
  const r = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', join(here, 'worker.ts'), group, cfg, out], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`bench: group ${group} failed (exit ${r.status ?? r.signal})`);
  console.log(`${group}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return JSON.parse(readFileSync(out, 'utf8')) as T;
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.${process.pid}.tmp`, text);
  renameSync(`${path}.${process.pid}.tmp`, path);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const schedule = { ...(args.quick ? QUICK : FULL), clock: args.clock };
  const all = selectCases(!args.quick, args.only);
  if (!all.length) throw new RangeError('bench: no optimizer selected');
  const sizes = args.sizes ?? [...SIZES];
  const config: WorkerConfig = {
    cases: all,
    sizes,
    tfjsCpuSizes: sizes.filter((n) => n <= (args.quick ? 262144 : TFJS_CPU_MAX)),
    largeOnly: args.quick ? ['adam'] : undefined,
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
    core = runGroup<CoreResult>('core', config, dir);
    records.push(...core.records);
    if (args.tfjs) {
      for (const g of ['tfjs-wasm', 'tfjs-cpu'] as const) {
        const t = runGroup<{ records: BenchRecord[]; version: string }>(g, config, dir);
        records.push(...t.records);
        tfjsVersion = t.version;
      }
    }
    if (args.extras) {
      const mainCases = all.filter((c) => ['adam', 'sgd-momentum'].includes(c.name) || !args.quick);
      const e = runGroup<{ manyTensors: BenchResults['manyTensors']; allocation: BenchResults['allocation'] }>('extras', { ...config, cases: mainCases }, dir);
      manyTensors = e.manyTensors;
      allocation = e.allocation;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
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
  console.log('\n' + consoleTable(rows) + '\n');
  for (const t of targets(rows, results)) console.log(`${t.met === undefined ? ' - ' : t.met ? 'met' : 'MISSED'}  ${t.what}: ${t.reached} (goal ${t.goal})`);
  for (const m of manyTensors) console.log(`many tensors (${m.optimizer}): flat ${m.flat.toFixed(3)}, 1,000 contiguous ${m.contiguous.toFixed(3)}, 1,000 separate ${m.separate.toFixed(3)} ns/param`);
  for (const a of allocation) console.log(`allocation (${a.optimizer}): heap ${a.heapBefore} → ${a.heapAfter} bytes over ${a.steps} steps, ${a.gcCount} GCs`);
  mkdirSync(args.out, { recursive: true });
  const svgName = 'speedup.svg';
  const subtitle = `${command} · ${results.meta.cpu}, ${results.meta.cores} cores · Node ${results.meta.node} · ${results.meta.date.slice(0, 10)}`;
  writeAtomic(join(args.out, 'latest.json'), JSON.stringify(results, null, 1) + '\n');
  writeAtomic(join(args.out, 'latest.md'), markdownReport(results, svgName));
  writeAtomic(join(args.out, svgName), speedupSvg(rows, subtitle));
  console.log(`wrote ${join(args.out, 'latest.json')}, latest.md, ${svgName} (${results.meta.durationS.toFixed(0)} s)`);
}

await main();
