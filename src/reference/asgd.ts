/** Pure-JS reference for assembly/asgd.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function asgd(h: Heap, param: number, grad: number, ax: number, n: number, gs: number, wd: number, decay: number, negEta: number, mu: number): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, A = ax >> 2;
  const average = mu !== 1;
  for (let i = 0; i < n; i++) {
    const p0 = a[P + i]!;
    const g = f(f(a[G + i]! * gs) + f(wd * p0));
    const p = f(f(p0 * decay) + f(negEta * g));
    a[P + i] = p;
    if (average) {
      const x = a[A + i]!;
      a[A + i] = f(x + f(f(p - x) * mu));
    } else {
      a[A + i] = p;
    }
  }
}

export const asgd_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', ax: 'elementwise' }, scalars: ['gradSign', 'l2', 'decay', 'negEta', 'mu'] },
  (h, param, grad, ax, n, s) => asgd(h, param, grad, ax, n, s.gradSign, s.l2, s.decay, s.negEta, s.mu),
);
