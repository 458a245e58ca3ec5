/**
 * Pure-JS reference for assembly/lbfgs.ts: the same operations in the same order, elementwise
 * results rounded with Math.fround, reductions summed in float64 in the kernels' fixed order —
 * elements [0, n & ~7) into partial sum i % 8, s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)),
 * then the tail in order — so the results equal the WebAssembly ones bit for bit (the product of
 * two float32 numbers is exact in float64; only the additions round).
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { sum8 } from './sum8.js';

const f = Math.fround;

/** Σ x·y */
function dot(h: Heap, x: number, y: number, n: number): number {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2;
  return sum8(n, (i) => a[X + i]! * a[Y + i]!);
}

/** x ← x + a·y; Σ x·z over the new x. */
function axpyDot(h: Heap, x: number, y: number, z: number, n: number, alpha: number): number {
  const a = h.f32;
  const X = x >> 2, Y = y >> 2, Z = z >> 2;
  const fa = f(alpha);
  return sum8(n, (i) => {
    const v = f(a[X + i]! + f(fa * a[Y + i]!));
    a[X + i] = v;
    return v * a[Z + i]!;
  });
}

/** Σ y·s and Σ y·y (y = g − prev, s = d·t) as two f64 at byte offset `out`. */
function curvature(h: Heap, g: number, prev: number, d: number, out: number, n: number, t: number): void {
  const a = h.f32;
  const G = g >> 2, P = prev >> 2, D = d >> 2;
  const ft = f(t);
  const yOf = (i: number): number => f(a[G + i]! - a[P + i]!);
  const ys = sum8(n, (i) => yOf(i) * f(a[D + i]! * ft));
  const yy = sum8(n, (i) => {
    const y = yOf(i);
    return y * y;
  });
  h.f64[out >> 3] = ys;
  h.f64[(out >> 3) + 1] = yy;
}

/** y ← g − prev, s ← d·t */
function push(h: Heap, g: number, prev: number, d: number, y: number, s: number, n: number, t: number): void {
  const a = h.f32;
  const G = g >> 2, P = prev >> 2, D = d >> 2, Y = y >> 2, S = s >> 2;
  const ft = f(t);
  for (let i = 0; i < n; i++) {
    a[Y + i] = f(a[G + i]! - a[P + i]!);
    a[S + i] = f(a[D + i]! * ft);
  }
}

export const lbfgs_dot_f32 = kernel({ pointers: { x: 'reduced', y: 'reduced' }, returns: 'f64' }, (h, x, y, n) => dot(h, x, y, n));

export const lbfgs_axpy_dot_f32 = kernel(
  { pointers: { x: 'reduced', y: 'reduced', z: 'reduced' }, scalars: ['a'], returns: 'f64' },
  (h, x, y, z, n, s) => axpyDot(h, x, y, z, n, s.a),
);

export const lbfgs_curvature_f32 = kernel(
  { pointers: { g: 'reduced', prev: 'reduced', d: 'reduced', out: 'reduced' }, scalars: ['t'] },
  (h, g, prev, d, out, n, s) => curvature(h, g, prev, d, out, n, s.t),
);

export const lbfgs_push_f32 = kernel(
  { pointers: { g: 'elementwise', prev: 'elementwise', d: 'elementwise', y: 'elementwise', s: 'elementwise' }, scalars: ['t'] },
  (h, g, prev, d, y, s, n, sc) => push(h, g, prev, d, y, s, n, sc.t),
);
