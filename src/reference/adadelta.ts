/** Pure-JS reference for assembly/adadelta.ts (same operations, same order, Math.fround after each). */
import { kernel } from './kernel.js';

const f = Math.fround;

/** Adadelta over n elements: v ← ρv + (1−ρ)g²; d = √(u+ε)/√(v+ε)·g; u ← ρu + (1−ρ)d²; p ← p + negLr·d. */
export const adadelta_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', squareAvg: 'elementwise', accDelta: 'elementwise' }, scalars: ['gradSign', 'l2', 'rho', 'oneMinusRho', 'negLr', 'eps'] },
  (h, param, grad, squareAvg, accDelta, n, s) => {
    const { gradSign: gs, l2: wd, rho, oneMinusRho: omr, negLr, eps } = s;
    const a = h.f32;
    const P = param >> 2, G = grad >> 2, V = squareAvg >> 2, U = accDelta >> 2;
    for (let i = 0; i < n; i++) {
      const p = a[P + i]!;
      const g = f(f(a[G + i]! * gs) + f(wd * p));
      const v = f(f(a[V + i]! * rho) + f(f(omr * g) * g));
      const u0 = a[U + i]!;
      const d = f(f(f(Math.sqrt(f(u0 + eps))) / f(Math.sqrt(f(v + eps)))) * g);
      a[V + i] = v;
      a[U + i] = f(f(u0 * rho) + f(f(omr * d) * d));
      a[P + i] = f(p + f(negLr * d));
    }
  },
);
