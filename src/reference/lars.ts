/**
 * Pure-JS reference for assembly/lars.ts (same operations, same order, Math.fround after each;
 * the same four-lane f64 summation order for the norms).
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

/** The four lane sums of Σu² and of Σp² (reused: a call fills them before reading them). */
const SU = new Float64Array(4), SP = new Float64Array(4);

/** Pass 1: writes Σu² and Σp² (u = gradSign·g + λ·p) as two f64 at byte offset `out`. */
function larsNorms(h: Heap, param: number, grad: number, out: number, n: number, gs: number, wd: number): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2;
  const su = SU.fill(0), sp = SP.fill(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i++) {
    const p = a[P + i]!;
    const u = f(f(a[G + i]! * gs) + f(wd * p));
    su[i & 3] = su[i & 3]! + f(u * u);
    sp[i & 3] = sp[i & 3]! + f(p * p);
  }
  let tu = (su[0]! + su[2]!) + (su[1]! + su[3]!);
  let tp = (sp[0]! + sp[2]!) + (sp[1]! + sp[3]!);
  for (let i = n4; i < n; i++) {
    const p = a[P + i]!;
    const u = f(f(a[G + i]! * gs) + f(wd * p));
    tu += f(u * u);
    tp += f(p * p);
  }
  const d = h.f64;
  d[out >> 3] = tu;
  d[(out >> 3) + 1] = tp;
}

/** Pass 2: u ← (−lr)·((gradSign·g + λ·p)·r), b ← u + μ·b, p ← p + b (Nesterov: p + (u + μ·b)). */
function larsApply(
  h: Heap, param: number, grad: number, buf: number, n: number,
  gs: number, wd: number, tr: number, negLr: number, mu: number, nesterov: boolean,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, B = buf >> 2;
  for (let i = 0; i < n; i++) {
    const p = a[P + i]!;
    const u = f(negLr * f(f(f(a[G + i]! * gs) + f(wd * p)) * tr));
    const b = f(u + f(mu * a[B + i]!));
    a[B + i] = b;
    a[P + i] = f(p + (nesterov ? f(u + f(mu * b)) : b));
  }
}

export const lars_norms_f32 = kernel(
  { pointers: { param: 'reduced', grad: 'reduced', out: 'reduced' }, scalars: ['gradSign', 'weightDecay'] },
  (h, param, grad, out, n, s) => larsNorms(h, param, grad, out, n, s.gradSign, s.weightDecay),
);

const APPLY = {
  pointers: { param: 'elementwise', grad: 'elementwise', momentumBuffer: 'elementwise' },
  scalars: ['gradSign', 'weightDecay', 'trustRatio', 'negLr', 'momentum'],
} as const;

export const lars_f32 = kernel(APPLY, (h, param, grad, buf, n, s) =>
  larsApply(h, param, grad, buf, n, s.gradSign, s.weightDecay, s.trustRatio, s.negLr, s.momentum, false),
);

export const lars_nesterov_f32 = kernel(APPLY, (h, param, grad, buf, n, s) =>
  larsApply(h, param, grad, buf, n, s.gradSign, s.weightDecay, s.trustRatio, s.negLr, s.momentum, true),
);
