/**
 * `npx tsx src/cli/bench/lbfgs.ts [--quick]`: the L-BFGS two-loop recursion alone (the direction
 * d = −H·g from m stored pairs over n elements), the library's kernels (fused axpy+dot, one call
 * per parameter) against what a JS user writes (Float32Arrays, f64 arithmetic, one loop per
 * dot and per axpy). A whole LBFGS step is dominated by the user's closure, so it is not in the
 * per-parameter benchmark; this measures the part the library owns. Prints ns per element per
 * pair (each pair costs two dots and two axpys over n elements).
 */
import { pathToFileURL } from 'node:url';
import { type Backend, createEngine, type Engine } from '../../engine.js';
import type { Run } from '../../optim/layout.js';
import { FlatVectors, twoLoop } from '../../optim/lbfgs-vectors.js';
import { measureInterleaved, type Schedule, type Timed } from './measure.js';

/** Seeded values in [−1, 1). */
function values(seed: number, n: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** The inputs of one direction computation. */
export interface Problem {
  g: Float32Array;
  dirs: Float32Array[];
  stps: Float32Array[];
  ro: Float64Array;
}

/** m pairs with y·s > 0 (s = y + noise), ρ = 1/(y·s) as float32 numbers. */
export function problem(n: number, m: number): Problem {
  const dirs = Array.from({ length: m }, (_, i) => values(10 + i, n));
  const stps = dirs.map((y, i) => Float32Array.from(values(100 + i, n), (v, j) => y[j]! + 0.1 * v));
  const ro = Float64Array.from(dirs, (y, i) => Math.fround(1 / y.reduce((a, v, j) => a + v * stps[i]![j]!, 0)));
  return { g: values(1, n), dirs, stps, ro };
}

/** One variant: a call computes the direction, `result()` reads it. */
export interface TwoLoopVariant {
  step: () => void;
  result: () => Float32Array;
}

/** The library: the pairs in one engine's memory, laid out as LBFGS lays out one parameter's state. */
export function libraryVariant(engine: Engine, pb: Problem, n: number, m: number): TwoLoopVariant {
  const [x, dirs, stps, d] = engine.parameters([n, n * m, n * m, n]);
  x!.grad.set(pb.g);
  pb.dirs.forEach((y, i) => dirs!.data.set(y, i * n));
  pb.stps.forEach((s, i) => stps!.data.set(s, i * n));
  const run = { params: [x!], offset: x!.offset, gradOffset: x!.gradOffset, n, step: 1, scalars: {}, buffers: { old_dirs: dirs!.offset, old_stps: stps!.offset, d: d!.offset } } as Run;
  const v = new FlatVectors(engine, [run], (b, p) => (b === 'd' ? p.length : m * p.length));
  const rows = (b: string) => Array.from({ length: m }, (_, i) => v.row(b, i));
  const y = rows('old_dirs'), s = rows('old_stps');
  const h = { size: m, count: m, head: 0 };
  const al = new Float64Array(m);
  return { step: () => twoLoop(v, h, y, s, pb.ro, al, v.grads, v.buffers.d!, 0.5), result: () => d!.data };
}

/** What a JS user writes: the recursion as in Nocedal & Wright, Algorithm 7.4. */
export function idiomaticVariant(pb: Problem, n: number, m: number): TwoLoopVariant {
  const q = new Float32Array(n), al = new Float64Array(m);
  const { g, dirs, stps, ro } = pb;
  const step = () => {
    for (let j = 0; j < n; j++) q[j] = -g[j]!;
    for (let i = m - 1; i >= 0; i--) {
      const s = stps[i]!, y = dirs[i]!;
      let dot = 0;
      for (let j = 0; j < n; j++) dot += s[j]! * q[j]!;
      const a = ro[i]! * dot;
      al[i] = a;
      for (let j = 0; j < n; j++) q[j] = q[j]! - a * y[j]!;
    }
    for (let j = 0; j < n; j++) q[j] = q[j]! * 0.5;
    for (let i = 0; i < m; i++) {
      const s = stps[i]!, y = dirs[i]!;
      let dot = 0;
      for (let j = 0; j < n; j++) dot += y[j]! * q[j]!;
      const b = al[i]! - ro[i]! * dot;
      for (let j = 0; j < n; j++) q[j] = q[j]! + b * s[j]!;
    }
  };
  return { step, result: () => q };
}

/** Times both variants at each size; returns rows { n, m, variant, nsPerElementPair }. */
export async function benchTwoLoop(sizes: readonly number[], m: number, schedule: Schedule, backend: Backend = 'simd') {
  const out: Array<{ n: number; m: number; variant: string; nsPerElementPair: number }> = [];
  for (const n of sizes) {
    const engine = await createEngine({ backend, initialBytes: (2 * m + 4) * n * 4 + (1 << 20) });
    const pb = problem(n, m);
    const variants: Timed[] = [
      { variant: `library (${backend})`, step: libraryVariant(engine, pb, n, m).step },
      { variant: 'idiomatic JS', step: idiomaticVariant(pb, n, m).step },
    ];
    for (const t of measureInterleaved(variants, n * m, schedule)) out.push({ n, m, variant: t.variant, nsPerElementPair: t.nsPerParam });
    engine.dispose();
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const quick = process.argv.includes('--quick');
  const schedule: Schedule = quick ? { rounds: 3, roundMs: 60, batchMs: 10, warmupMs: 100 } : { rounds: 7, roundMs: 150, batchMs: 20, warmupMs: 300 };
  const rows = await benchTwoLoop(quick ? [1024, 65536] : [1024, 16384, 262144, 1048576], 10, schedule);
  console.log('n        m   variant          ns per element per pair');
  for (const r of rows) console.log(`${String(r.n).padEnd(8)} ${String(r.m).padEnd(3)} ${r.variant.padEnd(16)} ${r.nsPerElementPair.toFixed(3)}`);
}
