/**
 * The fixed cost of a step: ns per whole `opt.step()` on one 16-element parameter (SIMD backend),
 * for Adam, SGD with momentum and Lion. With `--base DIR`, a second build of the package (a
 * `dist/` directory, e.g. one built from an earlier commit) is timed in the same process, its
 * batches interleaved with this checkout's, so both see the same machine load.
 *
 *   npm run build && npx tsx bench/step-overhead.ts [--base /path/to/old/dist] [--rounds 15] [--size 16]
 *
 * Timed in process CPU time (as the benchmark's default clock); each batch runs enough steps for
 * about 20 ms; the figure is the median over rounds.
 */
import { cpuUsage } from 'node:process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from '../src/cli/bench/measure.js';

interface Pkg {
  createEngine(o: { backend: string; initialBytes: number }): Promise<{ parameters(specs: number[]): Array<{ data: Float32Array; grad: Float32Array }> }>;
  [name: string]: unknown;
}
type Opt = { step(): unknown };
type OptClass = new (params: unknown[], options: object) => Opt;

const CASES: ReadonlyArray<{ name: string; cls: string; options: object }> = [
  { name: 'adam', cls: 'Adam', options: { lr: 1e-3 } },
  { name: 'sgd-momentum', cls: 'SGD', options: { lr: 1e-2, momentum: 0.9 } },
  { name: 'lion', cls: 'Lion', options: { lr: 1e-4 } },
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

async function load(dir: string): Promise<Pkg> {
  return (await import(pathToFileURL(resolve(dir, 'index.js')).href)) as Pkg;
}

async function make(pkg: Pkg, c: (typeof CASES)[number], size: number): Promise<Opt> {
  const engine = await pkg.createEngine({ backend: 'simd', initialBytes: 1 << 20 });
  const [p] = engine.parameters([size]);
  for (let i = 0; i < size; i++) {
    p!.data[i] = Math.sin(i + 1) * 0.5;
    p!.grad[i] = Math.cos(3 * i + 1) * 1e-3;
  }
  return new (pkg[c.cls] as OptClass)([p], c.options);
}

/** CPU ns per step over `steps` steps. */
function time(opt: Opt, steps: number): number {
  const t0 = cpuUsage();
  for (let i = 0; i < steps; i++) opt.step();
  const d = cpuUsage(t0);
  return ((d.user + d.system) * 1000) / steps;
}

async function main(): Promise<void> {
  const rounds = Number(arg('--rounds', '15'));
  const size = Number(arg('--size', '16'));
  const only = arg('--optimizers', CASES.map((c) => c.name).join(',')).split(',');
  const base = arg('--base', '');
  const builds: Array<[string, Pkg]> = [];
  if (base) builds.push(['base', await load(base)]);
  builds.push(['current', await load(resolve(import.meta.dirname ?? '.', '..', 'dist'))]);
  const os = await import('node:os');
  console.log(`step() on ${size} parameters, simd, CPU ns per step, median of ${rounds} interleaved rounds; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const c of CASES.filter((x) => only.includes(x.name))) {
    const opts = await Promise.all(builds.map(([, pkg]) => make(pkg, c, size)));
    // Warm up (V8 optimises step()), then size a batch to about 20 ms.
    for (const o of opts) time(o, 200_000);
    const steps = Math.max(10_000, Math.round(20e6 / Math.max(10, time(opts[opts.length - 1]!, 100_000))));
    const samples: number[][] = opts.map(() => []);
    for (let r = 0; r < rounds; r++) {
      // Alternate which build goes first, so neither always follows the other.
      for (let j = 0; j < opts.length; j++) {
        const i = r % 2 === 0 ? j : opts.length - 1 - j;
        samples[i]!.push(time(opts[i]!, steps));
      }
    }
    const line = builds.map(([label], i) => `${label} ${median(samples[i]!).toFixed(1)} ns (range ${Math.min(...samples[i]!).toFixed(1)}–${Math.max(...samples[i]!).toFixed(1)})`);
    console.log(`${c.name.padEnd(13)} ${line.join('   ')}`);
  }
  console.log(`load average after: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

await main();
