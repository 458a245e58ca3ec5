/**
 * Pure-JS reference for assembly/reduce.ts. Sums run in float64 in the kernels' fixed order —
 * elements [0, n & ~3) into partial sum i % 4, s = (s0 + s2) + (s1 + s3), then the tail in order —
 * so the results equal the WebAssembly ones bit for bit (squares and absolute values of float32
 * numbers are exact in float64; only the additions round).
 */
import type { Heap } from '../memory/heap.js';

/** Σ x[i]² in float64. */
export function sum_squares_f32(h: Heap, x: number, n: number): number {
  const a = h.f32;
  const X = x >> 2;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v0 = a[X + i]!, v1 = a[X + i + 1]!, v2 = a[X + i + 2]!, v3 = a[X + i + 3]!;
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
    s3 += v3 * v3;
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) {
    const v = a[X + i]!;
    s += v * v;
  }
  return s;
}

/** Σ |x[i]| in float64. */
export function sum_abs_f32(h: Heap, x: number, n: number): number {
  const a = h.f32;
  const X = x >> 2;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += Math.abs(a[X + i]!);
    s1 += Math.abs(a[X + i + 1]!);
    s2 += Math.abs(a[X + i + 2]!);
    s3 += Math.abs(a[X + i + 3]!);
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) s += Math.abs(a[X + i]!);
  return s;
}

/** max |x[i]| (0 when n = 0; NaN when any element is NaN). */
export function max_abs_f32(h: Heap, x: number, n: number): number {
  const a = h.f32;
  const X = x >> 2;
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a[X + i]!));
  return m;
}

/** Number of elements that are NaN, +Inf or −Inf. */
export function count_nonfinite_f32(h: Heap, x: number, n: number): number {
  const a = h.f32;
  const X = x >> 2;
  let c = 0;
  for (let i = 0; i < n; i++) if (!Number.isFinite(a[X + i]!)) c++;
  return c;
}
