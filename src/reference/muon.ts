/**
 * Pure-JS reference for assembly/muon.ts: the same operations in the same order (see the comment
 * there), every intermediate rounded with Math.fround, the bfloat16 rounding done on the float32
 * bits, and the Newton–Schulz products through the matmul references, so it agrees with the
 * WebAssembly kernels bit for bit.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';
import { matmul_f32, matmul_nt_f32 } from './matmul.js';

const f = Math.fround;
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const QNAN_BITS = 0x7fc00000;

/** `x` (a float32 value) rounded to bfloat16, nearest even; NaN becomes the quiet NaN 0x7FC0. */
export function bfloat16(x: number): number {
  F32[0] = x;
  const u = U32[0]!;
  U32[0] = x !== x ? QNAN_BITS : (u + 0x7fff + ((u >>> 16) & 1)) & 0xffff0000;
  return F32[0];
}

const rnd = (x: number, bf: boolean): number => (bf ? bfloat16(x) : x);

function momentum(h: Heap, grad: number, buf: number, out: number, n: number, gs: number, w1: number, w2: number, nesterov: boolean): void {
  const a = h.f32;
  const G = grad >> 2, B = buf >> 2, U = out >> 2;
  const small1 = lerpIsSmall(w1), c1 = lerpCoefficient(w1, small1);
  const small2 = lerpIsSmall(w2), c2 = lerpCoefficient(w2, small2);
  for (let i = 0; i < n; i++) {
    const g = f(a[G + i]! * gs);
    const b = lerp(a[B + i]!, g, c1, small1);
    a[B + i] = b;
    a[U + i] = nesterov ? lerp(g, b, c2, small2) : b;
  }
}

/** Σ r(u)²: 16 lanes over 32-element chunks (elements 0–15, then 16–31), lanes added in order, then the tail. */
function sumSquares(a: Float32Array, U: number, n: number, bf: boolean): number {
  const chunks = n >> 5;
  let sum = 0;
  for (let j = 0; j < 16; j++) {
    let l = 0;
    for (let q = 0; q < chunks; q++) {
      let v = rnd(a[U + 32 * q + j]!, bf);
      l = f(l + f(v * v));
      v = rnd(a[U + 32 * q + 16 + j]!, bf);
      l = f(l + f(v * v));
    }
    sum = f(sum + l);
  }
  for (let i = chunks << 5; i < n; i++) {
    const v = rnd(a[U + i]!, bf);
    sum = f(sum + f(v * v));
  }
  return sum;
}

/** M ← r((α·T) + (β·M)) over n floats. */
function combine(a: Float32Array, T: number, M: number, n: number, alpha: number, beta: number, bf: boolean): void {
  for (let i = 0; i < n; i++) a[M + i] = rnd(f(f(alpha * a[T + i]!) + f(beta * a[M + i]!)), bf);
}

function orthogonalize(
  h: Heap, u: number, x: number, am: number, t: number, rows: number, cols: number,
  eps: number, ca: number, cb: number, cc: number, steps: number, bf: boolean,
): void {
  const n = rows * cols;
  if (n === 0) return;
  const a = h.f32;
  const U = u >> 2, X = x >> 2, A = am >> 2;
  const m = Math.min(rows, cols), k = Math.max(rows, cols);
  const nu = Math.max(rnd(f(Math.sqrt(sumSquares(a, U, n, bf))), bf), rnd(eps, bf));
  const tr = rows > cols;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const v = rnd(a[U + r * cols + c]!, bf);
      a[X + (tr ? c * rows + r : r * cols + c)] = rnd(f(v / nu), bf);
    }
  }
  for (let s = 0; s < steps; s++) {
    matmul_nt_f32.reference(h, x, x, am, m, m, k);
    if (bf) for (let i = 0; i < m * m; i++) a[A + i] = bfloat16(a[A + i]!);
    matmul_f32.reference(h, am, am, 0, t, m, m, m);
    combine(a, t >> 2, A, m * m, cc, cb, bf);
    matmul_f32.reference(h, am, x, 0, t, m, k, m);
    combine(a, t >> 2, X, n, 1, ca, bf);
  }
}

function apply(h: Heap, param: number, x: number, rows: number, cols: number, decay: number, negLr: number): void {
  const a = h.f32;
  const P = param >> 2, X = x >> 2;
  const tr = rows > cols;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const i = P + r * cols + c;
      a[i] = f(f(a[i]! * decay) + f(negLr * a[X + (tr ? c * rows + r : r * cols + c)]!));
    }
  }
}

export const muon_momentum_f32 = kernel(
  { pointers: { grad: 'elementwise', buf: 'elementwise', out: 'elementwise' }, scalars: ['gradSign', 'oneMinusMomentum', 'momentum', 'nesterov'] },
  (h, grad, buf, out, n, s) => momentum(h, grad, buf, out, n, s.gradSign, s.oneMinusMomentum, s.momentum, s.nesterov !== 0),
);

export const muon_orthogonalize_f32 = kernel(
  {
    pointers: { u: 'reduced', x: 'reduced', a: 'reduced', t: 'reduced' },
    ints: ['rows', 'cols'],
    scalars: ['eps', 'a', 'b', 'c', 'nsSteps', 'bf16'],
  },
  (h, u, x, a, t, rows, cols, s) => orthogonalize(h, u, x, a, t, rows, cols, s.eps, s.a, s.b, s.c, s.nsSteps, s.bf16 !== 0),
);

export const muon_apply_f32 = kernel(
  { pointers: { param: 'reduced', x: 'reduced' }, ints: ['rows', 'cols'], scalars: ['decay', 'negLr'] },
  (h, param, x, rows, cols, s) => apply(h, param, x, rows, cols, s.decay, s.negLr),
);
