/**
 * Pure-JS reference for assembly/lamb.ts (same operations, same order, Math.fround after each;
 * the same four-lane f64 summation order for the norms).
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function lambU(m: number, v: number, p: number, invBc1: number, invBc2: number, epsRoot: number, eps: number, wd: number): number {
  return f(f(f(m * invBc1) / f(f(Math.sqrt(f(f(v * invBc2) + epsRoot))) + eps)) + f(wd * p));
}

/** Pass 1: updates m and v; writes Σu² and Σp² as two f64 at byte offset `out`. */
function lambMoments(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, out: number, n: number,
  gs: number, w1: number, b1: number, w2: number, b2: number, invBc1: number, invBc2: number, epsRoot: number, eps: number, wd: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgSq >> 2;
  // Four lane sums over the first n & ~3 elements (element i into lane i % 4), as the SIMD kernel.
  let u0 = 0, u1 = 0, u2 = 0, u3 = 0, p0 = 0, p1 = 0, p2 = 0, p3 = 0;
  let tu = 0, tp = 0;
  const n4 = n & ~3;
  for (let i = 0; i < n; i++) {
    const g = f(a[G + i]! * gs);
    const m = f(f(w1 * g) + f(b1 * a[M + i]!));
    const v = f(f(w2 * f(g * g)) + f(b2 * a[V + i]!));
    a[M + i] = m;
    a[V + i] = v;
    const p = a[P + i]!;
    const u = lambU(m, v, p, invBc1, invBc2, epsRoot, eps, wd);
    const uu = f(u * u), pp = f(p * p);
    if (i < n4) {
      const lane = i & 3;
      if (lane === 0) (u0 += uu), (p0 += pp);
      else if (lane === 1) (u1 += uu), (p1 += pp);
      else if (lane === 2) (u2 += uu), (p2 += pp);
      else (u3 += uu), (p3 += pp);
      if (i === n4 - 1) {
        tu = (u0 + u2) + (u1 + u3);
        tp = (p0 + p2) + (p1 + p3);
      }
    } else {
      tu += uu;
      tp += pp;
    }
  }
  const d = h.f64;
  d[out >> 3] = tu;
  d[(out >> 3) + 1] = tp;
}

/** Pass 2: p ← p + (−lr)·(u·tr), u recomputed from the m and v of pass 1. */
function lambApply(
  h: Heap, param: number, expAvg: number, expAvgSq: number, n: number,
  invBc1: number, invBc2: number, epsRoot: number, eps: number, wd: number, negLr: number, tr: number,
): void {
  const a = h.f32;
  const P = param >> 2, M = expAvg >> 2, V = expAvgSq >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const u = lambU(a[M + i]!, a[V + i]!, p, invBc1, invBc2, epsRoot, eps, wd);
    a[P + i] = f(p + f(negLr * f(u * tr)));
  }
}

export const lamb_moments_f32 = kernel(
  {
    pointers: { param: 'reduced', grad: 'reduced', expAvg: 'reduced', expAvgSq: 'reduced', out: 'reduced' },
    scalars: ['gradSign', 'oneMinusB1', 'b1', 'oneMinusB2', 'b2', 'invBc1', 'invBc2', 'epsRoot', 'eps', 'weightDecay'],
  },
  (h, param, grad, expAvg, expAvgSq, out, n, s) =>
    lambMoments(h, param, grad, expAvg, expAvgSq, out, n, s.gradSign, s.oneMinusB1, s.b1, s.oneMinusB2, s.b2, s.invBc1, s.invBc2, s.epsRoot, s.eps, s.weightDecay),
);

export const lamb_apply_f32 = kernel(
  {
    pointers: { param: 'elementwise', expAvg: 'elementwise', expAvgSq: 'elementwise' },
    scalars: ['invBc1', 'invBc2', 'epsRoot', 'eps', 'weightDecay', 'negLr', 'trustRatio'],
  },
  (h, param, expAvg, expAvgSq, n, s) =>
    lambApply(h, param, expAvg, expAvgSq, n, s.invBc1, s.invBc2, s.epsRoot, s.eps, s.weightDecay, s.negLr, s.trustRatio),
);
