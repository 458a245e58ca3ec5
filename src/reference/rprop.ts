/** Pure-JS reference for assembly/rprop.ts (same comparisons, same operations, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function rprop(
  h: Heap, param: number, grad: number, prev: number, stepSize: number, n: number,
  gs: number, etaMinus: number, etaPlus: number, sMin: number, sMax: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, Q = prev >> 2, S = stepSize >> 2;
  for (let i = 0; i < n; i++) {
    const g0 = f(a[G + i]! * gs);
    const q = f(g0 * a[Q + i]!);
    const pos = q > 0;
    const neg = q < 0;
    const eta = pos ? etaPlus : neg ? etaMinus : 1;
    // The kernels' clamp: x < lo ? lo : x, then hi < y ? hi : y (a NaN stays NaN).
    const s0 = f(a[S + i]! * eta);
    const s1 = s0 < sMin ? sMin : s0;
    const s = sMax < s1 ? sMax : s1;
    const g = neg ? 0 : g0;
    const sign = (g > 0 ? 1 : 0) - (g < 0 ? 1 : 0);
    a[S + i] = s;
    a[Q + i] = g;
    a[P + i] = f(a[P + i]! - f(sign * s));
  }
}

export const rprop_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', prev: 'elementwise', stepSize: 'elementwise' }, scalars: ['gradSign', 'etaMinus', 'etaPlus', 'stepMin', 'stepMax'] },
  (h, param, grad, prev, stepSize, n, s) => rprop(h, param, grad, prev, stepSize, n, s.gradSign, s.etaMinus, s.etaPlus, s.stepMin, s.stepMax),
);
