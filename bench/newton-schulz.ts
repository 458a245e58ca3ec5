/**
 * npx tsx bench/newton-schulz.ts [--quick]
 *
 * Muon's Newton–Schulz orthogonalization (muon_orthogonalize_f32: 5 iterations of X·Xᵀ, A·A and
 * A·X on the engine's matmul kernels, bfloat16 or float32 rounding) in GFLOP/s, against the matmul
 * kernels' own rate on the same backend (matmul_f32, an m×m by m×m product) and against the
 * idiomatic JS Muon step (src/cli/bench/idiomatic/muon.ts, triple loops, f64 arithmetic). The
 * iteration's work is 5·(4m²k + 2m³) flops for an m×k matrix (m ≤ k). Times are process CPU time
 * (the median batch). Prints markdown tables.
 */
import { createEngine, type Engine } from '../src/engine.js';
import { cpuNow, median, timeSlice } from '../src/cli/bench/measure.js';
import idiomaticMuon, { benchShape } from '../src/cli/bench/idiomatic/muon.js';
import { scalars } from '../src/wasm/kernel-table.js';

const quick = process.argv.includes('--quick');
const SHAPES: Array<[number, number]> = quick ? [[64, 64], [128, 128], [128, 512]] : [[64, 64], [128, 128], [256, 256], [512, 512], [256, 1024]];
const SLICE_MS = quick ? 150 : 400;
const STEPS = 5;

/**
 * Median CPU milliseconds per call of `fn`, over batches of about 5 ms (after a warm-up): the
 * machine may be shared, and waiting for a core is not the kernel's time.
 */
function time(fn: () => void): number {
  const t0 = cpuNow();
  fn();
  fn();
  const reps = Math.max(1, Math.ceil(5 / Math.max((cpuNow() - t0) / 2, 1e-3)));
  return median(timeSlice(fn, reps, SLICE_MS, cpuNow)) / reps;
}

function fill(e: Engine, at: number, n: number, seed: number): void {
  const a = e.heap.f32;
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[(at >> 2) + i] = (s / 2 ** 32) * 2 - 1;
  }
}

const gflops = (flops: number, ms: number): number => flops / (ms * 1e6);

const rows: string[] = ['| backend | shape | matmul_f32 m³ GFLOP/s | NS bfloat16 GFLOP/s (% of matmul) | NS float32 GFLOP/s (% of matmul) |', '|---|---|---|---|---|'];
for (const backend of ['simd', 'scalar', 'js'] as const) {
  const e = await createEngine({ backend, initialBytes: 64 << 20 });
  for (const [m, k] of SHAPES) {
    if (backend === 'js' && m * m * k > 128 * 128 * 128) continue; // the reference is slow; its rate is flat
    const [u, x, a, t, b, c] = e.allocMany([m * k, m * k, m * m, m * k, m * m, m * m]) as [number, number, number, number, number, number];
    fill(e, u, m * k, 1);
    fill(e, b, m * m, 2);
    const mm = time(() => e.kernels.matmul_f32(b, b, 0, c, m, m, m));
    const peak = gflops(2 * m * m * m, mm);
    const s = scalars('muon_orthogonalize_f32');
    [s.eps, s.a, s.b, s.c, s.nsSteps] = [1e-7, 3.4445, -4.775, 2.0315, STEPS];
    const nsFlops = STEPS * (4 * m * m * k + 2 * m * m * m);
    const rate = (bf16: number): number => {
      s.bf16 = bf16;
      return gflops(nsFlops, time(() => e.kernels.muon_orthogonalize_f32(u, x, a, t, m, k, s)));
    };
    const r16 = rate(1), r32 = rate(0);
    const pct = (r: number): string => `${r.toFixed(2)} (${((100 * r) / peak).toFixed(0)}%)`;
    rows.push(`| ${backend} | ${m}×${k} | ${peak.toFixed(2)} | ${pct(r16)} | ${pct(r32)} |`);
    for (const off of [u, x, a, t, b, c]) e.freeFloats(off);
  }
  e.dispose();
}
console.log(rows.join('\n'));

// The idiomatic JS step (momentum, normalisation, 5 iterations, update), on the registration's
// shape for the same number of elements (the most square one).
const idi: string[] = ['', '| idiomatic JS | shape | whole step GFLOP/s (the iteration’s flops) |', '|---|---|---|'];
for (const [m0, k0] of SHAPES) {
  if (m0 * m0 * k0 > 256 * 256 * 256) continue;
  const n = m0 * k0;
  const [r, c] = benchShape(n);
  const m = Math.min(r, c), k = Math.max(r, c);
  const p = new Float32Array(n).map((_, i) => Math.sin(i));
  const g = new Float32Array(n).map((_, i) => Math.cos(i));
  const opt = idiomaticMuon(p, g, { lr: 1e-3, nsDtype: 'float32' });
  idi.push(`| js | ${r}×${c} | ${gflops(STEPS * (4 * m * m * k + 2 * m * m * m), time(() => opt.step())).toFixed(2)} |`);
}
console.log(idi.join('\n'));
