/** Pure-JS reference for assembly/sgd.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function sgd(h: Heap, param: number, grad: number, n: number, gs: number, wd: number, negLr: number): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    a[P + i] = f(p + f(negLr * g));
  }
}

function momentum(
  h: Heap, param: number, grad: number, buf: number, n: number,
  gs: number, wd: number, mu: number, omd: number, nest: number, negLr: number, nesterov: boolean,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, B = buf >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    const b = f(f(a[B + i]! * mu) + f(omd * g));
    a[B + i] = b;
    const d = nesterov ? f(g + f(nest * b)) : b;
    a[P + i] = f(p + f(negLr * d));
  }
}

export const sgd_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise' }, scalars: ['gradSign', 'l2', 'negLr'] },
  (h, param, grad, n, s) => sgd(h, param, grad, n, s.gradSign, s.l2, s.negLr),
);

const MOMENTUM = { param: 'elementwise', grad: 'elementwise', momentumBuffer: 'elementwise' } as const;

export const sgd_momentum_f32 = kernel(
  { pointers: MOMENTUM, scalars: ['gradSign', 'l2', 'momentum', 'oneMinusDampening', 'negLr'] },
  (h, param, grad, buf, n, s) => momentum(h, param, grad, buf, n, s.gradSign, s.l2, s.momentum, s.oneMinusDampening, 0, s.negLr, false),
);

export const sgd_nesterov_f32 = kernel(
  { pointers: MOMENTUM, scalars: ['gradSign', 'l2', 'momentum', 'oneMinusDampening', 'nesterovMomentum', 'negLr'] },
  (h, param, grad, buf, n, s) =>
    momentum(h, param, grad, buf, n, s.gradSign, s.l2, s.momentum, s.oneMinusDampening, s.nesterovMomentum, s.negLr, true),
);
