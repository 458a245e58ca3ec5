/**
 * Pure-JS reference for assembly/rmsprop.ts: the same operations in the same order, each rounded
 * to float32 with Math.fround, so it agrees with the WebAssembly kernels bit for bit.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';
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

const SCALARS = ['gradSign', 'l2', 'alpha', 'oneMinusAlpha', 'negLr', 'eps'] as const;
const WITH_MOMENTUM = ['gradSign', 'l2', 'alpha', 'oneMinusAlpha', 'momentum', 'negLr', 'eps'] as const;

/** RMSprop: v ← αv + (1−α)g²; p ← p + negLr·g/(√v + ε). */
export const rmsprop_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', squareAvg: 'elementwise' }, scalars: SCALARS },
  (h, param, grad, squareAvg, n, s) =>
    rmsprop(h, param, grad, squareAvg, 0, 0, n, s.gradSign, s.l2, s.alpha, s.oneMinusAlpha, 0, s.negLr, s.eps, false, false),
);

/** Centered RMSprop: also ḡ ← lerp(ḡ, g, 1−α); the denominator is √(v − ḡ²) + ε. */
export const rmsprop_centered_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', squareAvg: 'elementwise', gradAvg: 'elementwise' }, scalars: SCALARS },
  (h, param, grad, squareAvg, gradAvg, n, s) =>
    rmsprop(h, param, grad, squareAvg, gradAvg, 0, n, s.gradSign, s.l2, s.alpha, s.oneMinusAlpha, 0, s.negLr, s.eps, true, false),
);

/** RMSprop with momentum: b ← μb + g/(√v + ε); p ← p + negLr·b. */
export const rmsprop_momentum_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', squareAvg: 'elementwise', momentumBuffer: 'elementwise' }, scalars: WITH_MOMENTUM },
  (h, param, grad, squareAvg, momentumBuffer, n, s) =>
    rmsprop(h, param, grad, squareAvg, 0, momentumBuffer, n, s.gradSign, s.l2, s.alpha, s.oneMinusAlpha, s.momentum, s.negLr, s.eps, false, true),
);

/** Centered RMSprop with momentum: b ← μb + g/(√(v − ḡ²) + ε); p ← p + negLr·b. */
export const rmsprop_centered_momentum_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', squareAvg: 'elementwise', gradAvg: 'elementwise', momentumBuffer: 'elementwise' }, scalars: WITH_MOMENTUM },
  (h, param, grad, squareAvg, gradAvg, momentumBuffer, n, s) =>
    rmsprop(h, param, grad, squareAvg, gradAvg, momentumBuffer, n, s.gradSign, s.l2, s.alpha, s.oneMinusAlpha, s.momentum, s.negLr, s.eps, true, true),
);
