/** Pure-JS reference for assembly/schedule-free.ts (same operations, same order, Math.fround after each). */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

function scheduleFree(
  h: Heap, param: number, grad: number, z: number, expAvgSq: number, n: number,
  gs: number, omb2: number, b2: number, invBc2: number, eps: number, wd: number, negLr: number,
  omb1: number, b1: number, omck: number, ck: number,
): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, Z = z >> 2, V = expAvgSq >> 2;
  for (let i = 0; i < n; i++) {
    const y = a[P + i]!;
    const g = f(a[G + i]! * gs);
    const v = f(f(omb2 * f(g * g)) + f(b2 * a[V + i]!));
    const r = f(1 / f(f(Math.sqrt(f(v * invBc2))) + eps));
    const u = f(negLr * f(f(r * g) + f(wd * y)));
    const z0 = a[Z + i]!;
    const z1 = f(z0 + u);
    const x = f(f(omck * f(f(y - f(omb1 * z0)) / b1)) + f(ck * z1));
    a[V + i] = v;
    a[Z + i] = z1;
    a[P + i] = f(y + f(f(f(b1 * x) + f(omb1 * z1)) - y));
  }
}

function scheduleFreeEval(h: Heap, param: number, z: number, saved: number, n: number, omb1: number, b1: number): void {
  const a = h.f32;
  const P = param >> 2, Z = z >> 2, S = saved >> 2;
  for (let i = 0; i < n; i++) {
    const y = a[P + i]!;
    const x = f(f(y - f(omb1 * a[Z + i]!)) / b1);
    a[S + i] = y;
    a[P + i] = x;
  }
}

export const schedule_free_adamw_f32 = kernel(
  {
    pointers: { param: 'elementwise', grad: 'elementwise', z: 'elementwise', expAvgSq: 'elementwise' },
    scalars: ['gradSign', 'oneMinusB2', 'b2', 'invBc2', 'eps', 'weightDecay', 'negLr', 'oneMinusB1', 'b1', 'oneMinusCk', 'ck'],
  },
  (h, param, grad, z, expAvgSq, n, s) =>
    scheduleFree(h, param, grad, z, expAvgSq, n, s.gradSign, s.oneMinusB2, s.b2, s.invBc2, s.eps, s.weightDecay, s.negLr, s.oneMinusB1, s.b1, s.oneMinusCk, s.ck),
);

export const schedule_free_adamw_eval_f32 = kernel(
  { pointers: { param: 'elementwise', z: 'elementwise', saved: 'elementwise' }, scalars: ['oneMinusB1', 'b1'] },
  (h, param, z, saved, n, s) => scheduleFreeEval(h, param, z, saved, n, s.oneMinusB1, s.b1),
);
