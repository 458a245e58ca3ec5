/**
 * Pure-JS reference for assembly/lamb.ts (same operations, same order, Math.fround after each;
 * the same four-lane f64 summation order for the norms).
 */
import type { Heap } from '../memory/heap.js';

const f = Math.fround;

function lambU(m: number, v: number, p: number, invBc1: number, invBc2: number, epsRoot: number, eps: number, wd: number): number {
  return f(f(f(m * invBc1) / f(f(Math.sqrt(f(f(v * invBc2) + epsRoot))) + eps)) + f(wd * p));
}

/** Pass 1: updates m and v; writes Σu² and Σp² as two f64 at byte offset `out`. */
export function lamb_moments_f32(
  h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number, out: number, n: number,
  gs: number, w1: number, b1: number, w2: number, b2: number, invBc1: number, invBc2: number, epsRoot: number, eps: number, wd: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, M = expAvg >> 2, V = expAvgSq >> 2;
  /** Updates element i's moments; returns [u², p²], each rounded to f32. */
  const one = (i: number): [number, number] => {
    const g = f(a[G + i]! * gs);
    const m = f(f(w1 * g) + f(b1 * a[M + i]!));
    const v = f(f(w2 * f(g * g)) + f(b2 * a[V + i]!));
    a[M + i] = m;
    a[V + i] = v;
    const p = a[P + i]!;
    const u = lambU(m, v, p, invBc1, invBc2, epsRoot, eps, wd);
    return [f(u * u), f(p * p)];
  };
  const su = [0, 0, 0, 0], sp = [0, 0, 0, 0];
  const n4 = n & ~3;
  for (let i = 0; i < n4; i++) {
    const [uu, pp] = one(i);
    su[i & 3] = su[i & 3]! + uu;
    sp[i & 3] = sp[i & 3]! + pp;
  }
  let tu = (su[0]! + su[2]!) + (su[1]! + su[3]!);
  let tp = (sp[0]! + sp[2]!) + (sp[1]! + sp[3]!);
  for (let i = n4; i < n; i++) {
    const [uu, pp] = one(i);
    tu += uu;
    tp += pp;
  }
  const d = h.f64;
  d[out >> 3] = tu;
  d[(out >> 3) + 1] = tp;
}

/** Pass 2: p ← p + (−lr)·(u·tr), u recomputed from the m and v of pass 1. */
export function lamb_apply_f32(
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
