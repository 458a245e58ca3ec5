/**
 * Pure-JS reference for assembly/adafactor.ts: the same operations in the same order, Math.fround
 * after each float32 one, and the kernels' float64 summation orders (stated in the assembly
 * header), so the three paths agree bit for bit.
 */
import type { Heap } from '../memory/heap.js';
import { kernel } from './kernel.js';

const f = Math.fround;

/** torch's lerp(start, end, w) as two roundings: base + coef·(end − start), base = end when `fromEnd`. */
function lerp(start: number, end: number, coef: number, fromEnd: number): number {
  return f((fromEnd !== 0 ? end : start) + f(coef * f(end - start)));
}

/** fl(fl(norm²) / count), the mean square torch forms from a float32 norm; norm = fl(√fl(sum)). */
function meanSquare(sum: number, count: number): number {
  const norm = f(Math.sqrt(f(sum)));
  return f(f(norm * norm) / f(count));
}

/** U = fl(fl(1 / fl(√max(V, ε1²))) · g). */
function update(v: number, eps1Sq: number, g: number): number {
  return f(f(1 / f(Math.sqrt(Math.max(v, eps1Sq)))) * g);
}

/** Four float64 lanes (element j < n4 into lane j % 4) and a separate tail sum (j ≥ n4), each in order. */
class Lanes {
  l0 = 0;
  l1 = 0;
  l2 = 0;
  l3 = 0;
  tail = 0;
  add(j: number, n4: number, x: number): void {
    if (j >= n4) this.tail += x;
    else if ((j & 3) === 0) this.l0 += x;
    else if ((j & 3) === 1) this.l1 += x;
    else if ((j & 3) === 2) this.l2 += x;
    else this.l3 += x;
  }
  /** ((l0 + l2) + (l1 + l3)) + tail. */
  total(): number {
    return (this.l0 + this.l2) + (this.l1 + this.l3) + this.tail;
  }
  reset(): this {
    this.l0 = this.l1 = this.l2 = this.l3 = this.tail = 0;
    return this;
  }
}

const LANES = new Lanes();

/** Row and column statistics of one [rows, cols] matrix; returns Σ row_var (after the update). */
function factors(h: Heap, grad: number, rowVar: number, colVar: number, colSum: number, rows: number, cols: number, coef: number, fromEnd: number): number {
  const a = h.f32, d = h.f64;
  const G = grad >> 2, R = rowVar >> 2, C = colVar >> 2, S = colSum >> 3;
  const c4 = cols & ~3;
  for (let j = 0; j < cols; j++) d[S + j] = 0;
  let rowTotal = 0;
  for (let i = 0; i < rows; i++) {
    const lanes = LANES.reset();
    for (let j = 0; j < cols; j++) {
      const g = a[G + i * cols + j]!;
      const sq = g * g;
      lanes.add(j, c4, sq);
      d[S + j] = d[S + j]! + sq;
    }
    const r = lerp(a[R + i]!, meanSquare(lanes.total(), cols), coef, fromEnd);
    a[R + i] = r;
    rowTotal += r;
  }
  for (let j = 0; j < cols; j++) a[C + j] = lerp(a[C + j]!, meanSquare(d[S + j]!, rows), coef, fromEnd);
  return rowTotal;
}

/** V[i, j] = fl(fl(row_var[i] · col_var[j]) / den). */
const factored = (r: number, c: number, den: number): number => f(f(r * c) / den);

/** Σ U² over one matrix, in the lane order above. */
function factoredNorm(h: Heap, grad: number, rowVar: number, colVar: number, rows: number, cols: number, gs: number, eps1Sq: number, den: number): number {
  const a = h.f32;
  const G = grad >> 2, R = rowVar >> 2, C = colVar >> 2;
  const c4 = cols & ~3;
  const lanes = LANES.reset();
  for (let i = 0; i < rows; i++) {
    const r = a[R + i]!;
    for (let j = 0; j < cols; j++) {
      const u = update(factored(r, a[C + j]!, den), eps1Sq, f(a[G + i * cols + j]! * gs));
      lanes.add(j, c4, u * u);
    }
  }
  return lanes.total();
}

/** p ← fl(p·decay) + fl(scale·U) over one matrix. */
function factoredApply(h: Heap, param: number, grad: number, rowVar: number, colVar: number, rows: number, cols: number, gs: number, eps1Sq: number, den: number, decay: number, scale: number): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, R = rowVar >> 2, C = colVar >> 2;
  for (let i = 0; i < rows; i++) {
    const r = a[R + i]!;
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      const u = update(factored(r, a[C + j]!, den), eps1Sq, f(a[G + k]! * gs));
      a[P + k] = f(f(a[P + k]! * decay) + f(scale * u));
    }
  }
}

/** The unfactored second moment: v ← lerp(v, g², w); returns Σ U² in the lane order above. */
function variance(h: Heap, grad: number, v: number, n: number, gs: number, coef: number, fromEnd: number, eps1Sq: number): number {
  const a = h.f32;
  const G = grad >> 2, V = v >> 2;
  const n4 = n & ~3;
  const lanes = LANES.reset();
  for (let i = 0; i < n; i++) {
    const g = f(a[G + i]! * gs);
    const vi = lerp(a[V + i]!, f(g * g), coef, fromEnd);
    a[V + i] = vi;
    const u = update(vi, eps1Sq, g);
    lanes.add(i, n4, u * u);
  }
  return lanes.total();
}

function vectorApply(h: Heap, param: number, grad: number, v: number, n: number, gs: number, eps1Sq: number, decay: number, scale: number): void {
  const a = h.f32;
  const P = param >> 2, G = grad >> 2, V = v >> 2;
  for (let i = 0; i < n; i++) {
    const u = update(a[V + i]!, eps1Sq, f(a[G + i]! * gs));
    a[P + i] = f(f(a[P + i]! * decay) + f(scale * u));
  }
}

const MATRIX = { grad: 'reduced', rowVar: 'reduced', colVar: 'reduced' } as const;
const ROWS_COLS = ['rows', 'cols'] as const;

export const adafactor_factors_f32 = kernel(
  { pointers: { ...MATRIX, colSum: 'reduced' }, ints: ROWS_COLS, scalars: ['coef', 'fromEnd'], returns: 'f64' },
  (h, grad, rowVar, colVar, colSum, rows, cols, s) => factors(h, grad, rowVar, colVar, colSum, rows, cols, s.coef, s.fromEnd),
);

export const adafactor_factored_norm_f32 = kernel(
  { pointers: MATRIX, ints: ROWS_COLS, scalars: ['gradSign', 'eps1Sq', 'den'], returns: 'f64' },
  (h, grad, rowVar, colVar, rows, cols, s) => factoredNorm(h, grad, rowVar, colVar, rows, cols, s.gradSign, s.eps1Sq, s.den),
);

export const adafactor_factored_f32 = kernel(
  { pointers: { param: 'reduced', ...MATRIX }, ints: ROWS_COLS, scalars: ['gradSign', 'eps1Sq', 'den', 'decay', 'scale'] },
  (h, param, grad, rowVar, colVar, rows, cols, s) => factoredApply(h, param, grad, rowVar, colVar, rows, cols, s.gradSign, s.eps1Sq, s.den, s.decay, s.scale),
);

export const adafactor_variance_f32 = kernel(
  { pointers: { grad: 'reduced', variance: 'reduced' }, scalars: ['gradSign', 'coef', 'fromEnd', 'eps1Sq'], returns: 'f64' },
  (h, grad, v, n, s) => variance(h, grad, v, n, s.gradSign, s.coef, s.fromEnd, s.eps1Sq),
);

export const adafactor_f32 = kernel(
  { pointers: { param: 'elementwise', grad: 'elementwise', variance: 'elementwise' }, scalars: ['gradSign', 'eps1Sq', 'decay', 'scale'] },
  (h, param, grad, v, n, s) => vectorApply(h, param, grad, v, n, s.gradSign, s.eps1Sq, s.decay, s.scale),
);
