/**
 * Pure-JS reference for assembly/adam.ts: the same operations in the same order, each rounded to
 * float32 with Math.fround, so it agrees with the WebAssembly kernels bit for bit.
 * torch's lerp form is chosen once per call (lerp.ts).
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
import { AdamMoments } from './moments.js';

const f = Math.fround;

function adam(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, maxExpAvgSq: number, ams: boolean, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, invBc2s: number, eps: number,
): void {
  const a = h.f32;
  const P = param >> 2, X = maxExpAvgSq >> 2;
  const e = new AdamMoments(h, param, grad, expAvg, expAvgSq, gs, wd, decay, f(w1), b2, omb2);
  for (let i = 0; i < n; i++) {
    e.at(i);
    const { p, m, v } = e;
    let d = v;
    if (ams) {
      d = Math.max(a[X + i]!, v);
      a[X + i] = d;
    }
    a[P + i] = f(p + f(f(negStep * m) / f(f(f(Math.sqrt(d)) * invBc2s) + eps)));
  }
}

const ADAM = {
  pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expAvgSq: 'elementwise' },
  scalars: ['gradSign', 'l2', 'decay', 'oneMinusB1', 'b2', 'oneMinusB2', 'negStep', 'invBc2Sqrt', 'eps'],
} as const;

export const adam_f32 = kernel(ADAM, (h, param, grad, expAvg, expAvgSq, n, s) =>
  adam(h, param, grad, expAvg, expAvgSq, 0, false, n, s.gradSign, s.l2, s.decay, s.oneMinusB1, s.b2, s.oneMinusB2, s.negStep, s.invBc2Sqrt, s.eps),
);

export const adam_amsgrad_f32 = kernel(
  { pointers: { ...ADAM.pointers, maxExpAvgSq: 'elementwise' }, scalars: ADAM.scalars },
  (h, param, grad, expAvg, expAvgSq, maxExpAvgSq, n, s) =>
    adam(h, param, grad, expAvg, expAvgSq, maxExpAvgSq, true, n, s.gradSign, s.l2, s.decay, s.oneMinusB1, s.b2, s.oneMinusB2, s.negStep, s.invBc2Sqrt, s.eps),
);
