/**
 * Pure-JS reference for assembly/rmsprop.ts: the same operations in the same order, each rounded
 * to float32 with Math.fround, so it agrees with the WebAssembly kernels bit for bit.
 */
import type { Heap } from '../memory/heap.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';

const f = Math.fround;

function rmsprop(
  h: Heap, param: number, grad: number, sq: number, gavg: number, buf: number, n: number,
  gs: number, wd: number, alpha: number, oma: number, mu: number, negLr: number, eps: number,
  centered: boolean, momentum: boolean,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, V = sq >> 2, A = gavg >> 2, B = buf >> 2;
  const small = lerpIsSmall(oma);
  const c = lerpCoefficient(oma, small);
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const g = f(f(a[G + i]! * gs) + f(wd * p));
    const v = f(f(a[V + i]! * alpha) + f(f(oma * g) * g));
    a[V + i] = v;
    let r: number;
    if (centered) {
      const a0 = a[A + i]!;
      const m = lerp(a0, g, c, small);
      a[A + i] = m;
      r = f(f(Math.sqrt(f(v - f(m * m)))) + eps);
    } else {
      r = f(f(Math.sqrt(v)) + eps);
    }
    if (momentum) {
      const b = f(f(a[B + i]! * mu) + f(g / r));
      a[B + i] = b;
      a[P + i] = f(p + f(negLr * b));
    } else {
      a[P + i] = f(p + f(f(negLr * g) / r));
    }
  }
}

/** RMSprop: v ← αv + (1−α)g²; p ← p + negLr·g/(√v + ε). */
export function rmsprop_f32(
  h: Heap, param: number, grad: number, squareAvg: number, n: number,
  gs: number, wd: number, alpha: number, oma: number, negLr: number, eps: number,
): void {
  rmsprop(h, param, grad, squareAvg, 0, 0, n, gs, wd, alpha, oma, 0, negLr, eps, false, false);
}

/** Centered RMSprop: also ḡ ← lerp(ḡ, g, 1−α); the denominator is √(v − ḡ²) + ε. */
export function rmsprop_centered_f32(
  h: Heap, param: number, grad: number, squareAvg: number, gradAvg: number, n: number,
  gs: number, wd: number, alpha: number, oma: number, negLr: number, eps: number,
): void {
  rmsprop(h, param, grad, squareAvg, gradAvg, 0, n, gs, wd, alpha, oma, 0, negLr, eps, true, false);
}

/** RMSprop with momentum: b ← μb + g/(√v + ε); p ← p + negLr·b. */
export function rmsprop_momentum_f32(
  h: Heap, param: number, grad: number, squareAvg: number, momentumBuffer: number, n: number,
  gs: number, wd: number, alpha: number, oma: number, mu: number, negLr: number, eps: number,
): void {
  rmsprop(h, param, grad, squareAvg, 0, momentumBuffer, n, gs, wd, alpha, oma, mu, negLr, eps, false, true);
}

/** Centered RMSprop with momentum: b ← μb + g/(√(v − ḡ²) + ε); p ← p + negLr·b. */
export function rmsprop_centered_momentum_f32(
  h: Heap, param: number, grad: number, squareAvg: number, gradAvg: number, momentumBuffer: number, n: number,
  gs: number, wd: number, alpha: number, oma: number, mu: number, negLr: number, eps: number,
): void {
  rmsprop(h, param, grad, squareAvg, gradAvg, momentumBuffer, n, gs, wd, alpha, oma, mu, negLr, eps, true, true);
}
