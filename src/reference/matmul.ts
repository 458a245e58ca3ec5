/**
 * Pure-JS reference for assembly/matmul.ts: the same order of operations per element (see the
 * comment there), every product and sum rounded with Math.fround, so it agrees with the
 * WebAssembly kernels bit for bit. Row-major float32; pointers are byte offsets.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

/**
 * Row `row` of C += Σₚ A(i, p)·B[p, :], p = 0 … k−1 in order, with A(i, p) at `ai + p·ap`: each
 * product and each sum rounded.
 */
function addRowProducts(x: Float32Array, ai: number, ap: number, B: number, row: number, n: number, k: number): void {
  for (let p = 0; p < k; p++) {
    const s = x[ai + p * ap]!;
    const br = B + p * n;
    for (let j = 0; j < n; j++) x[row + j] = f(x[row + j]! + f(s * x[br + j]!));
  }
}

/** C[m×n] = A[m×k]·B[k×n] (+ bias[n] on every row; `bias` = 0 means no bias). */
function matmul(h: Heap, a: number, b: number, bias: number, c: number, m: number, n: number, k: number): void {
  const x = h.f32;
  const A = a >> 2, B = b >> 2, Z = bias >> 2, C = c >> 2;
  for (let i = 0; i < m; i++) {
    const row = C + i * n;
    for (let j = 0; j < n; j++) x[row + j] = bias === 0 ? 0 : x[Z + j]!;
    addRowProducts(x, A + i * k, 1, B, row, n, k);
  }
}

/** C[m×n] += A[k×m]ᵀ·B[k×n]. */
function matmulTn(h: Heap, a: number, b: number, c: number, m: number, n: number, k: number): void {
  const x = h.f32;
  const A = a >> 2, B = b >> 2, C = c >> 2;
  for (let i = 0; i < m; i++) addRowProducts(x, A + i, m, B, C + i * n, n, k);
}

/** C[m×n] = A[m×k]·B[n×k]ᵀ; each element a dot product in the four-partial-sum order. */
function matmulNt(h: Heap, a: number, b: number, c: number, m: number, n: number, k: number): void {
  const x = h.f32;
  const A = a >> 2, B = b >> 2, C = c >> 2;
  const k4 = k & ~3;
  for (let i = 0; i < m; i++) {
    const ar = A + i * k;
    for (let j = 0; j < n; j++) {
      const br = B + j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let p = 0;
      for (; p < k4; p += 4) {
        s0 = f(s0 + f(x[ar + p]! * x[br + p]!));
        s1 = f(s1 + f(x[ar + p + 1]! * x[br + p + 1]!));
        s2 = f(s2 + f(x[ar + p + 2]! * x[br + p + 2]!));
        s3 = f(s3 + f(x[ar + p + 3]! * x[br + p + 3]!));
      }
      let s = f(f(s0 + s2) + f(s1 + s3));
      for (; p < k; p++) s = f(s + f(x[ar + p]! * x[br + p]!));
      x[C + i * n + j] = s;
    }
  }
}

/** c[n] += Σᵢ A[i, :] for A[m×n], rows added in order. */
function colsum(h: Heap, a: number, c: number, m: number, n: number): void {
  const x = h.f32;
  const A = a >> 2, C = c >> 2;
  for (let i = 0; i < m; i++) {
    const r = A + i * n;
    for (let j = 0; j < n; j++) x[C + j] = f(x[C + j]! + x[r + j]!);
  }
}

export const matmul_f32 = kernel({ pointers: { a: 'reduced', b: 'reduced', bias: 'reduced', c: 'reduced' }, ints: ['m', 'n', 'k'] }, (h, a, b, bias, c, m, n, k) =>
  matmul(h, a, b, bias, c, m, n, k),
);

export const matmul_tn_f32 = kernel({ pointers: { a: 'reduced', b: 'reduced', c: 'reduced' }, ints: ['m', 'n', 'k'] }, (h, a, b, c, m, n, k) =>
  matmulTn(h, a, b, c, m, n, k),
);

export const matmul_nt_f32 = kernel({ pointers: { a: 'reduced', b: 'reduced', c: 'reduced' }, ints: ['m', 'n', 'k'] }, (h, a, b, c, m, n, k) =>
  matmulNt(h, a, b, c, m, n, k),
);

export const colsum_f32 = kernel({ pointers: { a: 'reduced', c: 'reduced' }, ints: ['m', 'n'] }, (h, a, c, m, n) =>
  colsum(h, a, c, m, n),
);
