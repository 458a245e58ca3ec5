/**
 * The moment prologue of the Adam, NAdam and RAdam references, per element i, in the order of
 * their kernels (assembly/moments.ts), each operation rounded to float32:
 * ```
 * p ← p·decay    g ← gradSign·g + l2·p    m ← lerp(m, g, 1 − β1)    v ← β2·v + (1 − β2)·g·g
 * ```
 * m and v are stored back; p, g, m and v stay in the fields for the caller's update of p, which
 * it stores with setParam.
 * Not re-exported from index.ts: the kernel table takes only kernels.
 */
import type { Heap } from '../memory/heap.js';
import { lerp, lerpCoefficient, lerpIsSmall } from './lerp.js';

const f = Math.fround;

export class AdamMoments {
  /** The decayed parameter, the gradient with its sign and L2 term, and the new moments of element i. */
  p = 0;
  g = 0;
  m = 0;
  v = 0;
  private readonly a: Float32Array;
  private readonly P: number;
  private readonly G: number;
  private readonly M: number;
  private readonly V: number;
  private readonly small: boolean;
  private readonly c: number;

  constructor(
    h: Heap, param: number, grad: number, expAvg: number, expAvgSq: number,
    private readonly gs: number, private readonly wd: number, private readonly decay: number, w1: number,
    private readonly b2: number, private readonly omb2: number,
  ) {
    this.a = h.f32;
    this.P = param >> 2;
    this.G = grad >> 2;
    this.M = expAvg >> 2;
    this.V = expAvgSq >> 2;
    this.small = lerpIsSmall(w1);
    this.c = lerpCoefficient(w1, this.small);
  }

  /** Stores the new value of parameter i. */
  setParam(i: number, value: number): void {
    this.a[this.P + i] = value;
  }

  /** Runs the prologue on element i. */
  at(i: number): void {
    const a = this.a;
    const p = f(a[this.P + i]! * this.decay);
    const g = f(f(a[this.G + i]! * this.gs) + f(this.wd * p));
    const m = lerp(a[this.M + i]!, g, this.c, this.small);
    const v = f(f(a[this.V + i]! * this.b2) + f(f(this.omb2 * g) * g));
    a[this.M + i] = m;
    a[this.V + i] = v;
    this.p = p;
    this.g = g;
    this.m = m;
    this.v = v;
  }
}
