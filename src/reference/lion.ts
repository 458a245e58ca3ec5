/** Pure-JS reference for assembly/lion.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

/** jnp.sign: ±1, and x itself for ±0 and NaN. */
const sign = (x: number): number => (Math.abs(x) > 0 ? (x > 0 ? 1 : -1) : x);

function lion(
  h: Heap, param: number, grad: number, expAvg: number, n: number,
  gs: number, w1: number, b1: number, w2: number, b2: number, wd: number, negLr: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const g = f(a[G + i]! * gs);
    const m0 = a[M + i]!;
    const c = sign(f(f(w1 * g) + f(b1 * m0)));
    a[P + i] = f(p + f(negLr * f(c + f(wd * p))));
    a[M + i] = f(f(w2 * g) + f(b2 * m0));
  }
}

export const lion_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise' }, scalars: ['gradSign', 'oneMinusB1', 'b1', 'oneMinusB2', 'b2', 'weightDecay', 'negLr'] },
  (h, param, grad, expAvg, n, s) => lion(h, param, grad, expAvg, n, s.gradSign, s.oneMinusB1, s.b1, s.oneMinusB2, s.b2, s.weightDecay, s.negLr),
);
