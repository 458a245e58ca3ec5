/**
 * Pure-JS reference for assembly/adam.ts: the same operations in the same order, each rounded to
 * float32 with Math.fround, so it agrees with the WebAssembly kernels bit for bit.
 * torch's lerp form is chosen once per call (lerp.ts).
 */
import type { Heap } from '../memory/heap.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';

const f = Math.fround;

function adam(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, maxExpAvgSq: number, ams: boolean, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, invBc2s: number, eps: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgSq >> 2, X = maxExpAvgSq >> 2;
  const small = lerpIsSmall(f(w1));
  const c = lerpCoefficient(f(w1), small);
  for (let i = 0; i < n; i++) {
    const p = f(a[P + i]! * decay);
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    const m0 = a[M + i]!;
    const m = lerp(m0, g, c, small);
    const v = f(f(a[V + i]! * b2) + f(f(omb2 * g) * g));
    a[M + i] = m;
    a[V + i] = v;
    let d = v;
    if (ams) {
      d = Math.max(a[X + i]!, v);
      a[X + i] = d;
    }
    a[P + i] = f(p + f(f(negStep * m) / f(f(f(Math.sqrt(d)) * invBc2s) + eps)));
  }
}

export function adam_f32(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, invBc2s: number, eps: number,
): void {
  adam(h, param, grad, expAvg, expAvgSq, 0, false, n, gs, wd, decay, w1, b2, omb2, negStep, invBc2s, eps);
}

export function adam_amsgrad_f32(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, maxExpAvgSq: number, n: number,
  gs: number, wd: number, decay: number, w1: number, b2: number, omb2: number, negStep: number, invBc2s: number, eps: number,
): void {
  adam(h, param, grad, expAvg, expAvgSq, maxExpAvgSq, true, n, gs, wd, decay, w1, b2, omb2, negStep, invBc2s, eps);
}
