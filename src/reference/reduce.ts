/**
 * Pure-JS reference for assembly/reduce.ts. Sums run in float64 in the kernels' fixed order —
 * elements [0, n & ~7) into partial sum i % 8, s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)),
 * then the tail in order — so the results equal the WebAssembly ones bit for bit (squares and
 * absolute values of float32 numbers are exact in float64; only the additions round).
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

/** Σ x[i]² in float64. */
function sumSquares(h: Heap, x: number, n: number): number {
  const a = h.f32;
  const X = x >> 2;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const j = X + i;
    const v0 = a[j]!, v1 = a[j + 1]!, v2 = a[j + 2]!, v3 = a[j + 3]!;
    const v4 = a[j + 4]!, v5 = a[j + 5]!, v6 = a[j + 6]!, v7 = a[j + 7]!;
    s0 += v0 * v0;
    s1 += v1 * v1;
    s2 += v2 * v2;
    s3 += v3 * v3;
    s4 += v4 * v4;
    s5 += v5 * v5;
    s6 += v6 * v6;
    s7 += v7 * v7;
  }
  let s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  for (; i < n; i++) {
    const v = a[X + i]!;
    s += v * v;
  }
  return s;
}

/** Σ |x[i]| in float64. */
function sumAbs(h: Heap, x: number, n: number): number {
  const a = h.f32;
  const X = x >> 2;
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const j = X + i;
    s0 += Math.abs(a[j]!);
    s1 += Math.abs(a[j + 1]!);
    s2 += Math.abs(a[j + 2]!);
    s3 += Math.abs(a[j + 3]!);
    s4 += Math.abs(a[j + 4]!);
    s5 += Math.abs(a[j + 5]!);
    s6 += Math.abs(a[j + 6]!);
    s7 += Math.abs(a[j + 7]!);
  }
  let s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7));
  for (; i < n; i++) s += Math.abs(a[X + i]!);
  return s;
}

const bits = new Uint32Array(1);
const asFloat = new Float32Array(bits.buffer);

/**
 * max |x[i]| (0 when n = 0; NaN when any element is NaN), as the kernel computes it: the
 * largest sign-cleared bit pattern, read back as a float32.
 */
function maxAbs(h: Heap, x: number, n: number): number {
  const w = new Uint32Array(h.u8.buffer);
  const X = x >> 2;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const b = w[X + i]! & 0x7fffffff;
    if (b > m) m = b;
  }
  bits[0] = m;
  return asFloat[0]!;
}

/** Number of elements that are NaN, +Inf or −Inf. */
function countNonfinite(h: Heap, x: number, n: number): number {
  const w = new Uint32Array(h.u8.buffer);
  const X = x >> 2;
  let c = 0;
  for (let i = 0; i < n; i++) if ((w[X + i]! & 0x7f800000) === 0x7f800000) c++;
  return c;
}

export const sum_squares_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'f64' }, (h, x, n) =>
  sumSquares(h, x, n),
);

export const sum_abs_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'f64' }, (h, x, n) =>
  sumAbs(h, x, n),
);

export const max_abs_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'f64' }, (h, x, n) =>
  maxAbs(h, x, n),
);

export const count_nonfinite_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'i32' }, (h, x, n) =>
  countNonfinite(h, x, n),
);
