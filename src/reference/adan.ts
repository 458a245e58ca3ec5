/** Pure-JS reference for assembly/adan.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function adan(
  h: Heap, param: number, grad: number, expAvg: number, expAvgDiff: number, expAvgSq: number, prevGrad: number, n: number,
  gs: number, keepDiff: number, w1: number, b1: number, w2: number, b2: number, w3: number, b3: number,
  ib1: number, ib2: number, ib3: number, epsRoot: number, eps: number, wd: number, negLr: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgDiff >> 2, N = expAvgSq >> 2, Q = prevGrad >> 2;
  const keep = keepDiff !== 0;
  for (let i = 0; i < n; i++) {
    const g = f(a[G + i]! * gs);
    const d = keep ? f(g - a[Q + i]!) : 0;
    const m = f(f(w1 * g) + f(b1 * a[M + i]!));
    const v = f(f(w2 * d) + f(b2 * a[V + i]!));
    const s = f(g + f(w2 * d));
    const q = f(f(w3 * f(s * s)) + f(b3 * a[N + i]!));
    a[M + i] = m;
    a[V + i] = v;
    a[N + i] = q;
    a[Q + i] = g;
    const p = a[P + i]!;
    const num = f(f(m * ib1) + f(w2 * f(v * ib2)));
    const u = f(f(num / f(f(Math.sqrt(f(f(q * ib3) + epsRoot))) + eps)) + f(wd * p));
    a[P + i] = f(p + f(negLr * u));
  }
}

export const adan_f32 = kernel(
  {
    pointers: {
      param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expAvgDiff: 'elementwise', expAvgSq: 'elementwise', prevGrad: 'elementwise',
    },
    scalars: [
      'gradSign', 'keepDiff', 'oneMinusB1', 'b1', 'oneMinusB2', 'b2', 'oneMinusB3', 'b3',
      'invBc1', 'invBc2', 'invBc3', 'epsRoot', 'eps', 'weightDecay', 'negLr',
    ],
  },
  (h, param, grad, expAvg, expAvgDiff, expAvgSq, prevGrad, n, s) =>
    adan(
      h, param, grad, expAvg, expAvgDiff, expAvgSq, prevGrad, n, s.gradSign, s.keepDiff, s.oneMinusB1, s.b1, s.oneMinusB2, s.b2,
      s.oneMinusB3, s.b3, s.invBc1, s.invBc2, s.invBc3, s.epsRoot, s.eps, s.weightDecay, s.negLr,
    ),
);
