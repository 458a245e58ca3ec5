/**
 * Pure-JS reference for assembly/reduce.ts. Sums run in float64 in the kernels' fixed order —
 * elements [0, n & ~7) into partial sum i % 8, s = ((s0 + s4) + (s2 + s6)) + ((s1 + s5) + (s3 + s7)),
 * then the tail in order — so the results equal the WebAssembly ones bit for bit (squares and
 * absolute values of float32 numbers are exact in float64; only the additions round).
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { sum8 } from './sum8.js';

/** Σ term(x[i]) over the float32 array at byte offset x: Σ x² and Σ |x|. */
function sumOf(h: Heap, x: number, n: number, term: (v: number) => number): number {
  const a = h.f32;
  const X = x >> 2;
  return sum8(n, (i) => term(a[X + i]!));
}

/** x² in float64 (exact for a float32 x). */
const square = (v: number): number => v * v;

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
  sumOf(h, x, n, square),
);

export const sum_abs_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'f64' }, (h, x, n) =>
  sumOf(h, x, n, Math.abs),
);

export const max_abs_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'f64' }, (h, x, n) =>
  maxAbs(h, x, n),
);

export const count_nonfinite_f32 = kernel({ pointers: { x: 'reduced' }, returns: 'i32' }, (h, x, n) =>
  countNonfinite(h, x, n),
);
