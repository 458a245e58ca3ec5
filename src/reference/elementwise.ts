/**
 * Pure-JS reference for assembly/elementwise.ts: the same operations in the same order, each
 * rounded to float32 with Math.fround, so it agrees with the WebAssembly kernels bit for bit.
 * Copies and swaps move raw 32-bit words, so NaN payloads survive as they do in WebAssembly.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

/** x ← a·x */
function scale(h: Heap, x: number, n: number, a: number): void {
  const v = h.f32;
  const X = x >> 2;
  const fa = f(a);
  for (let i = 0; i < n; i++) v[X + i] = f(v[X + i]! * fa);
}

/** t ← x < lo ? lo : x; x ← hi < t ? hi : t (NaN stays NaN). */
function clamp(h: Heap, x: number, n: number, lo: number, hi: number): void {
  const v = h.f32;
  const X = x >> 2;
  const flo = f(lo), fhi = f(hi);
  for (let i = 0; i < n; i++) {
    const e = v[X + i]!;
    const t = e < flo ? flo : e;
    v[X + i] = fhi < t ? fhi : t;
  }
}

/** y ← a·y + b·x */
function axpby(h: Heap, y: number, x: number, n: number, a: number, b: number): void {
  const v = h.f32;
  const Y = y >> 2, X = x >> 2;
  const fa = f(a), fb = f(b);
  for (let i = 0; i < n; i++) v[Y + i] = f(f(fa * v[Y + i]!) + f(fb * v[X + i]!));
}

/** dst ← src (non-overlapping, or dst before src). */
function copy(h: Heap, dst: number, src: number, n: number): void {
  const w = new Uint32Array(h.u8.buffer);
  const D = dst >> 2, S = src >> 2;
  for (let i = 0; i < n; i++) w[D + i] = w[S + i]!;
}

/** a ↔ b (non-overlapping). */
function swap(h: Heap, a: number, b: number, n: number): void {
  const w = new Uint32Array(h.u8.buffer);
  const A = a >> 2, B = b >> 2;
  for (let i = 0; i < n; i++) {
    const t = w[A + i]!;
    w[A + i] = w[B + i]!;
    w[B + i] = t;
  }
}

export const scale_f32 = kernel({ pointers: { x: 'elementwise' }, scalars: ['a'] }, (h, x, n, s) =>
  scale(h, x, n, s.a),
);

export const clamp_f32 = kernel({ pointers: { x: 'elementwise' }, scalars: ['lo', 'hi'] }, (h, x, n, s) =>
  clamp(h, x, n, s.lo, s.hi),
);

export const axpby_f32 = kernel({ pointers: { y: 'elementwise', x: 'elementwise' }, scalars: ['a', 'b'] }, (h, y, x, n, s) =>
  axpby(h, y, x, n, s.a, s.b),
);

export const copy_f32 = kernel({ pointers: { dst: 'elementwise', src: 'elementwise' } }, (h, dst, src, n) =>
  copy(h, dst, src, n),
);

export const swap_f32 = kernel({ pointers: { a: 'elementwise', b: 'elementwise' } }, (h, a, b, n) =>
  swap(h, a, b, n),
);
