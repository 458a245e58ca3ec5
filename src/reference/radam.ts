/** Pure-JS reference for assembly/radam.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';

const f = Math.fround;

function radam(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, eps: number, rect: boolean,
): void {
  // The WebAssembly kernels receive these as f32 parameters: round them the same way.
  gs = f(gs), wd = f(wd), decay = f(decay), w1 = f(w1), b2 = f(b2), omb2 = f(omb2), negStep = f(negStep), eps = f(eps);
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgSq >> 2;
  const small = lerpIsSmall(w1);
  const c = lerpCoefficient(w1, small);
  for (let i = 0; i < n; i++) {
    const p = f(a[P + i]! * decay);
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    const m0 = a[M + i]!;
    const m = lerp(m0, g, c, small);
    const v = f(f(a[V + i]! * b2) + f(f(omb2 * g) * g));
    a[M + i] = m;
    a[V + i] = v;
    a[P + i] = rect ? f(p + f(f(negStep * m) / f(f(Math.sqrt(v)) + eps))) : f(p + f(negStep * m));
  }
}

/** Rectified RAdam step: p ← p + (s·m)/(√v + ε). */
export function radam_f32(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, eps: number,
): void {
  radam(h, param, grad, expAvg, expAvgSq, n, gs, wd, decay, w1, b2, omb2, negStep, eps, true);
}

/** RAdam step before the variance is tractable (ρt ≤ 5): p ← p + s·m. */
export function radam_unrectified_f32(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number,
): void {
  radam(h, param, grad, expAvg, expAvgSq, n, gs, wd, decay, w1, b2, omb2, negStep, 0, false);
}
