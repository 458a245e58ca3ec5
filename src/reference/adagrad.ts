/** Pure-JS reference for assembly/adagrad.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

/** Adagrad over n elements: g ← gs·g + wd·p; s ← s + g²; p ← p + negClr·g/(√s + ε). */
function adagrad(
  h: Heap, param: number, grad: number, sum: number, n: number, gs: number, wd: number, negClr: number, eps: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, S = sum >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    const s = f(a[S + i]! + f(g * g));
    a[S + i] = s;
    a[P + i] = f(p + f(f(negClr * g) / f(f(Math.sqrt(s)) + eps)));
  }
}

export const adagrad_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', sum: 'elementwise' }, scalars: ['gradSign', 'l2', 'negClr', 'eps'] },
  (h, param, grad, sum, n, s) => adagrad(h, param, grad, sum, n, s.gradSign, s.l2, s.negClr, s.eps),
);
