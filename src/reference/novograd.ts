/** Pure-JS reference for assembly/novograd.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function novograd(
  h: Heap, param: number, grad: number, expAvg: number, n: number,
  gs: number, den: number, wd: number, b1: number, first: number, negLr: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const u = f(f(f(a[G + i]! * gs) / den) + f(wd * p));
    const m = first !== 0 ? u : f(f(b1 * a[M + i]!) + u);
    a[M + i] = m;
    a[P + i] = f(p + f(negLr * m));
  }
}

export const novograd_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise' }, scalars: ['gradSign', 'den', 'weightDecay', 'b1', 'first', 'negLr'] },
  (h, param, grad, expAvg, n, s) => novograd(h, param, grad, expAvg, n, s.gradSign, s.den, s.weightDecay, s.b1, s.first, s.negLr),
);
