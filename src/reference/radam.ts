/** Pure-JS reference for assembly/radam.ts (same operations, same order, Math.fround after each); the moment updates are in moments.ts. */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { AdamMoments } from './moments.js';

const f = Math.fround;

function radam(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, eps: number, rect: boolean,
): void {
  const e = new AdamMoments(h, param, grad, expAvg, expAvgSq, gs, wd, decay, w1, b2, omb2);
  for (let i = 0; i < n; i++) {
    e.at(i);
    const { p, m } = e;
    e.setParam(i, rect ? f(p + f(f(negStep * m) / f(f(Math.sqrt(e.v)) + eps))) : f(p + f(negStep * m)));
  }
}

const POINTERS = { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expAvgSq: 'elementwise' } as const;
const SCALARS = ['gradSign', 'l2', 'decay', 'oneMinusB1', 'b2', 'oneMinusB2', 'negStep'] as const;

/** Rectified RAdam step: p ← p + (s·m)/(√v + ε). */
export const radam_f32 = kernel({ pointers: POINTERS, scalars: [...SCALARS, 'eps'] }, (h, param, grad, expAvg, expAvgSq, n, s) =>
  radam(h, param, grad, expAvg, expAvgSq, n, s.gradSign, s.l2, s.decay, s.oneMinusB1, s.b2, s.oneMinusB2, s.negStep, s.eps, true),
);

/** RAdam step before the variance is tractable (ρt ≤ 5): p ← p + s·m. */
export const radam_unrectified_f32 = kernel({ pointers: POINTERS, scalars: SCALARS }, (h, param, grad, expAvg, expAvgSq, n, s) =>
  radam(h, param, grad, expAvg, expAvgSq, n, s.gradSign, s.l2, s.decay, s.oneMinusB1, s.b2, s.oneMinusB2, s.negStep, 0, false),
);
