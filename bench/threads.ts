/**
 * npm run bench:threads [-- --quick] [--out DIR] [--update-baseline]
 *
 * One thread vs two (this machine has two cores) for Adam and SGD-momentum and the roofline
 * kernel at 16K, 64K, 256K, 1M, 16M and 64M parameters, interleaved; the engine under test cuts every call
 * (threshold 0) so the table shows where threads start to pay. Writes threads.json (records
 * { optimizer, size, variant, nsPerParam, samples }) and threads.md to bench/results/local/
 * (git-ignored) or DIR; the committed copies in bench/results/ change only with --update-baseline.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommand, runCommand, UsageError } from '../src/cli/args.js';
import { createEngine, type Engine } from '../src/engine.js';
import { Adam, SGD } from '../src/index.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { measureInterleaved, type Schedule } from '../src/cli/bench/measure.js';

const results = fileURLToPath(new URL('./results/', import.meta.url));
const USAGE = 'usage: npm run bench:threads -- [--quick] [--out DIR] [--update-baseline]';

function parseThreadArgs(argv: string[]): { quick: boolean; out: string } | null {
  const { values: v } = parseCommand(argv, { quick: { type: 'boolean' }, out: { type: 'string' }, 'update-baseline': { type: 'boolean' }, help: { type: 'boolean' } }, { min: 0, max: 0 });
  if (v.help) return null;
  if (v['update-baseline'] && v.out !== undefined) throw new UsageError('--update-baseline writes bench/results/; leave out --out');
  if (v.out === '') throw new UsageError('--out: expected a folder');
  return { quick: v.quick === true, out: v['update-baseline'] ? results : ((v.out as string | undefined) ?? join(results, 'local')) };
}

let args: { quick: boolean; out: string } | null = null;
const code = await runCommand('bench:threads', USAGE, async () => {
  args = parseThreadArgs(process.argv.slice(2));
  if (!args) console.log(USAGE);
  return 0;
});
if (code !== 0 || !args) process.exit(code);
const { quick, out } = args as { quick: boolean; out: string };
const SIZES = quick ? [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 24] : [1 << 14, 1 << 16, 1 << 18, 1 << 20, 1 << 24, 1 << 26];
const schedule: Schedule = quick ? { rounds: 4, roundMs: 120, batchMs: 20, warmupMs: 100 } : { rounds: 8, roundMs: 250, batchMs: 30, warmupMs: 200 };
const CASES = [
  { name: 'adam', make: (p: never) => new Adam(p, { lr: 1e-3 }) as unknown as Optimizer<object> },
  { name: 'sgd-momentum', make: (p: never) => new SGD(p, { lr: 1e-3, momentum: 0.9 }) as unknown as Optimizer<object> },
];

interface Row {
  optimizer: string;
  size: number;
  variant: string;
  nsPerParam: number;
  samples: number;
}

function setup(engine: Engine, make: (p: never) => Optimizer<object>, n: number) {
  const [p] = engine.parameters([n]);
  const d = p!.data, g = p!.grad;
  for (let i = 0; i < n; i++) {
    d[i] = ((i * 2654435761) % 1000) / 1000 - 0.5;
    g[i] = ((i * 40503) % 997) / 997 - 0.5;
  }
  const opt = make([p!] as never);
  opt.step();
  return { p: p!, opt };
}

const rows: Row[] = [];
for (const n of SIZES) {
  const bytes = 8 * n * 4 + (64 << 20);
  const one = await createEngine({ backend: 'simd', initialBytes: bytes, threads: 1 });
  const two = await createEngine({ backend: 'simd', initialBytes: bytes, threads: 2, threadThreshold: 0 });
  for (const c of CASES) {
    const a = setup(one, c.make, n), b = setup(two, c.make, n);
    const t = measureInterleaved([{ variant: '1 thread', step: () => a.opt.step() }, { variant: '2 threads', step: () => b.opt.step() }], n, schedule);
    for (const x of t) rows.push({ optimizer: c.name, size: n, variant: x.variant, nsPerParam: x.nsPerParam, samples: x.samples });
    for (const r of [a, b]) {
      r.opt.dispose();
      r.p.dispose();
    }
  }
  const blocks = (e: Engine) => [0, 1, 2, 3].map(() => e.allocFloats(n));
  const [p1, g1, m1, v1] = blocks(one), [p2, g2, m2, v2] = blocks(two);
  const a = one.kernels.roofline_f32.scalars();
  a.a = 1e-7;
  const t = measureInterleaved(
    [
      { variant: '1 thread', step: () => one.kernels.roofline_f32(p1!, g1!, m1!, v1!, n, a) },
      { variant: '2 threads', step: () => two.kernels.roofline_f32(p2!, g2!, m2!, v2!, n, a) },
    ],
    n,
    schedule,
  );
  for (const x of t) rows.push({ optimizer: 'roofline', size: n, variant: x.variant, nsPerParam: x.nsPerParam, samples: x.samples });
  two.dispose();
  one.dispose();
  console.log(`size ${n}: ${rows.slice(-6).map((r) => `${r.optimizer} ${r.variant} ${r.nsPerParam.toFixed(3)}`).join(', ')}`);
}

const lines = [
  `# Threads: 1 vs 2 (${quick ? 'quick' : 'full'} run)`,
  '',
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} logical cores, Node ${process.version}. Command: \`npm run bench:threads${quick ? ' -- --quick' : ''}\`.`,
  'Median ns per parameter per step over interleaved samples; the 2-thread engine cuts every call (threshold 0).',
  '',
  '| kernel | size | 1 thread ns/param | 2 threads ns/param | speed-up |',
  '|---|---:|---:|---:|---:|',
];
for (let i = 0; i < rows.length; i += 2) {
  const a = rows[i]!, b = rows[i + 1]!;
  lines.push(`| ${a.optimizer} | ${a.size.toLocaleString('en-US')} | ${a.nsPerParam.toFixed(3)} | ${b.nsPerParam.toFixed(3)} | ${(a.nsPerParam / b.nsPerParam).toFixed(2)}× |`);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'threads.json'), `${JSON.stringify(rows, null, 1)}\n`);
writeFileSync(join(out, 'threads.md'), `${lines.join('\n')}\n`);
console.log(lines.join('\n'));
console.log(`wrote ${relative(process.cwd(), join(out, 'threads.json')) || out}, threads.md`);
