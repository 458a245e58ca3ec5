/** Pure-JS reference for assembly/adamax.ts (same operations, same order, Math.fround after each). */
import { kernel } from './kernel.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';

const f = Math.fround;

/** Adamax over n elements: m ← lerp(m, g, w1); u ← max(b2·u, |g| + ε); p ← p + negClr·m/u. */
export const adamax_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', expAvg: 'elementwise', expInf: 'elementwise' }, scalars: ['gradSign', 'l2', 'oneMinusB1', 'b2', 'negClr', 'eps'] },
  (h, param, grad, expAvg, expInf, n, s) => {
    const { gradSign: gs, l2: wd, oneMinusB1: w1, b2, negClr, eps } = s;
    const a = h.f32;
    const P = param >> 2, G = grad >> 2, M = expAvg >> 2, U = expInf >> 2;
    const small = lerpIsSmall(w1);
    const c = lerpCoefficient(w1, small);
    for (let i = 0; i < n; i++) {
      const p = a[P + i]!;
      const g = f(f(a[G + i]! * gs) + f(wd * p));
      const m = lerp(a[M + i]!, g, c, small);
      // As f32x4.pmax(b, a): b < a ? a : b (a NaN b gives NaN; see assembly/adamax.ts).
      const x = f(a[U + i]! * b2);
      const y = f(Math.abs(g) + eps);
      const u = y < x ? x : y;
      a[M + i] = m;
      a[U + i] = u;
      a[P + i] = f(p + f(f(negClr * m) / u));
    }
  },
);
