/** Pure-JS reference for assembly/yogi.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function yogi(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, w1: number, b1: number, w2: number, negStep: number, invBc2: number, eps: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgSq >> 2;
  for (let i = 0; i < n; i++) {
    const g = f(a[G + i]! * gs);
    const m = f(f(w1 * g) + f(b1 * a[M + i]!));
    const g2 = f(g * g);
    const v0 = a[V + i]!;
    const d = f(v0 - g2);
    const c = d > 0 ? w2 : d < 0 ? -w2 : 0; // (1 − β2)·sign(d), 0 for NaN as the kernel's comparisons
    const v = f(v0 - f(c * g2));
    a[M + i] = m;
    a[V + i] = v;
    a[P + i] = f(a[P + i]! + f(f(negStep * m) / f(f(Math.sqrt(f(v * invBc2))) + eps)));
  }
}

export const yogi_f32 = kernel(
  {
    pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expAvgSq: 'elementwise' },
    scalars: ['gradSign', 'oneMinusB1', 'b1', 'oneMinusB2', 'negStep', 'invBc2', 'eps'],
  },
  (h, param, grad, expAvg, expAvgSq, n, s) => yogi(h, param, grad, expAvg, expAvgSq, n, s.gradSign, s.oneMinusB1, s.b1, s.oneMinusB2, s.negStep, s.invBc2, s.eps),
);
