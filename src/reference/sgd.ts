/** Pure-JS reference for assembly/sgd.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';

const f = Math.fround;

export function sgd_f32(h: Heap, param: number, grad: number, n: number, gs: number, wd: number, negLr: number): void {
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

export function sgd_momentum_f32(
  h: Heap, param: number, grad: number, buf: number, n: number, gs: number, wd: number, mu: number, omd: number, negLr: number,
): void {
  momentum(h, param, grad, buf, n, gs, wd, mu, omd, 0, negLr, false);
}

export function sgd_nesterov_f32(
  h: Heap, param: number, grad: number, buf: number, n: number,
  gs: number, wd: number, mu: number, omd: number, nest: number, negLr: number,
): void {
  momentum(h, param, grad, buf, n, gs, wd, mu, omd, nest, negLr, true);
}
