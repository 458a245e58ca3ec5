/** Pure-JS reference for assembly/adabelief.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function adabelief(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, w1: number, b1: number, w2: number, b2: number, epsRoot: number, negStep: number, invBc2s: number, eps: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, S = expAvgSq >> 2;
  for (let i = 0; i < n; i++) {
    const g = f(a[G + i]! * gs);
    const m = f(f(w1 * g) + f(b1 * a[M + i]!));
    const e = f(g - m);
    const s = f(f(f(w2 * f(e * e)) + f(b2 * a[S + i]!)) + epsRoot);
    a[M + i] = m;
    a[S + i] = s;
    const p = a[P + i]!;
    a[P + i] = f(p + f(f(negStep * m) / f(f(f(Math.sqrt(s)) * invBc2s) + eps)));
  }
}

export const adabelief_f32 = kernel(
  {
    pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expAvgSq: 'elementwise' },
    scalars: ['gradSign', 'oneMinusB1', 'b1', 'oneMinusB2', 'b2', 'epsRoot', 'negStep', 'invBc2Sqrt', 'eps'],
  },
  (h, param, grad, expAvg, expAvgSq, n, s) =>
    adabelief(h, param, grad, expAvg, expAvgSq, n, s.gradSign, s.oneMinusB1, s.b1, s.oneMinusB2, s.b2, s.epsRoot, s.negStep, s.invBc2Sqrt, s.eps),
);
