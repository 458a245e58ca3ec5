/** Pure-JS reference for assembly/nadam.ts (same operations, same order, Math.fround after each); the moment updates are in moments.ts. */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { AdamMoments } from './moments.js';

const f = Math.fround;

function nadam(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, invBc2: number, eps: number,
  c1: number, c2: number,
): void {
  const e = new AdamMoments(h, param, grad, expAvg, expAvgSq, gs, wd, decay, w1, b2, omb2);
  for (let i = 0; i < n; i++) {
    e.at(i);
    const d = f(f(Math.sqrt(f(e.v * invBc2))) + eps);
    e.setParam(i, f(e.p + f(f(f(c1 * e.g) + f(c2 * e.m)) / d)));
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
