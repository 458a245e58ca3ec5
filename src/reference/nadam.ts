/** Pure-JS reference for assembly/nadam.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';

const f = Math.fround;

function nadam(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, invBc2: number, eps: number,
  c1: number, c2: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgSq >> 2;
  const small = lerpIsSmall(w1);
  const c = lerpCoefficient(w1, small);
  for (let i = 0; i < n; i++) {
    const p = f(a[P + i]! * decay);
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    const m0 = a[M + i]!;
    const m = lerp(m0, g, c, small);
    const v = f(f(a[V + i]! * b2) + f(f(omb2 * g) * g));
    a[M + i] = m;
    a[V + i] = v;
    const d = f(f(Math.sqrt(f(v * invBc2))) + eps);
    a[P + i] = f(p + f(f(f(c1 * g) + f(c2 * m)) / d));
  }
}

export const nadam_f32 = kernel(
  {
    pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expAvgSq: 'elementwise' },
    scalars: ['gradSign', 'l2', 'decay', 'oneMinusB1', 'b2', 'oneMinusB2', 'invBc2', 'eps', 'gradCoef', 'momentumCoef'],
  },
  (h, param, grad, expAvg, expAvgSq, n, s) =>
    nadam(h, param, grad, expAvg, expAvgSq, n, s.gradSign, s.l2, s.decay, s.oneMinusB1, s.b2, s.oneMinusB2, s.invBc2, s.eps, s.gradCoef, s.momentumCoef),
);
