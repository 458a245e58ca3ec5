/**
 * The flat vectors of {@link LBFGS} (torch's `_gather_flat_grad` and friends) without gathering:
 * a vector is the list of its per-parameter slices (byte offsets, parameter order), and every
 * operation is one kernel call per parameter. A reduction (dot, Σ|x|, max |x|) sums the
 * per-parameter float64 results in parameter order and rounds the total to float32 once, like the
 * float32 tensor torch returns; that order does not depend on how the parameters lie in memory.
 */
import { SCRATCH_OFFSET } from '../engine.js';
import type { Engine } from '../engine.js';
import { type Kernels, scalars } from '../wasm/kernels.js';
import { type BufferLength, forEachSlice, type Run } from './layout.js';
import type { StateDictInput } from './state-dict-input.js';
import { show } from '../validation/index.js';

const f = Math.fround;
const AXPY = scalars('axpby_f32');
const SCALE = scalars('scale_f32');
const AXPY_DOT = scalars('lbfgs_axpy_dot_f32');
const CURVATURE = scalars('lbfgs_curvature_f32');
const PUSH = scalars('lbfgs_push_f32');

/** A flat vector: the byte offset of each parameter's slice, in parameter order. */
export type Vec = readonly number[];

/** The slices of every flat vector of one step, and the operations on them. */
export class FlatVectors {
  readonly #k: Kernels;
  readonly #engine: Engine;
  /** Elements of each parameter. */
  readonly n: number[] = [];
  readonly params: number[] = [];
  readonly grads: number[] = [];
  /** Per-parameter offsets of each state or scratch buffer (history buffers: their row 0). */
  readonly buffers: Record<string, number[]> = {};

  /** `len`: the optimizer's buffer lengths (history buffers hold `history` rows). */
  constructor(engine: Engine, runs: readonly Run[], len: BufferLength) {
    this.#engine = engine;
    this.#k = engine.kernels;
    for (const run of runs) {
      for (const p of run.params) {
        this.n.push(p.length);
        this.params.push(p.offset);
        this.grads.push(p.gradOffset);
      }
      forEachSlice(run, len, (_j, _p, b, off) => (this.buffers[b] ??= []).push(off));
    }
  }

  /** Row `i` of a history buffer (rows of each parameter's length). */
  row(name: string, i: number): number[] {
    const base = this.buffers[name]!;
    return base.map((off, j) => off + i * this.n[j]! * 4);
  }

  /** x·y, a float32 number. */
  dot(x: Vec, y: Vec): number {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += this.#k.lbfgs_dot_f32(x[j]!, y[j]!, this.n[j]!);
    return f(s);
  }

  /** x ← x + a·y, then x·z (float32). */
  axpyDot(x: Vec, y: Vec, z: Vec, a: number): number {
    const sc = AXPY_DOT;
    sc.a = a;
    let s = 0;
    for (let j = 0; j < x.length; j++) s += this.#k.lbfgs_axpy_dot_f32(x[j]!, y[j]!, z[j]!, this.n[j]!, sc);
    return f(s);
  }

  /** x ← x + a·y (`x.add_(y, alpha=a)`, a rounded to float32, product and sum rounded apart). */
  axpy(x: Vec, y: Vec, a: number): void {
    const sc = AXPY;
    sc.a = 1;
    sc.b = a;
    for (let j = 0; j < x.length; j++) this.#k.axpby_f32(x[j]!, y[j]!, this.n[j]!, sc);
  }

  /** x ← a·x */
  scale(x: Vec, a: number): void {
    const sc = SCALE;
    sc.a = a;
    for (let j = 0; j < x.length; j++) this.#k.scale_f32(x[j]!, this.n[j]!, sc);
  }

  /** dst ← src */
  copy(dst: Vec, src: Vec): void {
    for (let j = 0; j < dst.length; j++) this.#k.copy_f32(dst[j]!, src[j]!, this.n[j]!);
  }

  /** dst ← −src */
  neg(dst: Vec, src: Vec): void {
    this.copy(dst, src);
    this.scale(dst, -1);
  }

  /** max |x| (float32; NaN when any element is NaN, as torch's max). */
  maxAbs(x: Vec): number {
    let m = 0;
    for (let j = 0; j < x.length; j++) {
      const v = this.#k.max_abs_f32(x[j]!, this.n[j]!);
      if (!(v <= m)) m = v; // a NaN sticks
      if (Number.isNaN(m)) return m;
    }
    return m;
  }

  /** Σ |x| (float32). */
  sumAbs(x: Vec): number {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += this.#k.sum_abs_f32(x[j]!, this.n[j]!);
    return f(s);
  }

  /** y·s and y·y for y = g − prev, s = d·t (float32 each), without writing y or s. */
  curvature(g: Vec, prev: Vec, d: Vec, t: number): [ys: number, yy: number] {
    const sc = CURVATURE;
    sc.t = t;
    let ys = 0, yy = 0;
    for (let j = 0; j < g.length; j++) {
      this.#k.lbfgs_curvature_f32(g[j]!, prev[j]!, d[j]!, SCRATCH_OFFSET, this.n[j]!, sc);
      const h = this.#engine.heap.f64;
      ys += h[SCRATCH_OFFSET >> 3]!;
      yy += h[(SCRATCH_OFFSET >> 3) + 1]!;
    }
    return [f(ys), f(yy)];
  }

  /** y ← g − prev, s ← d·t */
  push(g: Vec, prev: Vec, d: Vec, y: Vec, s: Vec, t: number): void {
    const sc = PUSH;
    sc.t = t;
    for (let j = 0; j < g.length; j++) this.#k.lbfgs_push_f32(g[j]!, prev[j]!, d[j]!, y[j]!, s[j]!, this.n[j]!, sc);
  }
}

/** The L-BFGS memory: up to `size` pairs (y, s) in a ring of rows, oldest at `head`. */
export interface History {
  size: number;
  count: number;
  head: number;
}

/** Physical row of the i-th oldest pair. */
export const slotOf = (h: History, i: number): number => (h.head + i) % h.size;

/** A slice of `rows` history rows with the row at `head` first (oldest first, as saved). */
export function rotated(x: Float32Array, rows: number, head: number): Float32Array {
  const n = x.length / rows;
  const out = new Float32Array(x.length);
  out.set(x.subarray(head * n));
  out.set(x.subarray(0, head * n), (rows - head) * n);
  return out;
}

/**
 * `d ← −H·g` by the two-loop recursion over the stored pairs (torch's "iteration in L-BFGS loop
 * collapsed to use just one buffer"), computed in `d`; each axpy is fused with the next dot.
 * `ro[i]` = 1/(yᵢ·sᵢ) and `al` scratch are by physical row; hDiag scales the initial Hessian.
 */
export function twoLoop(v: FlatVectors, h: History, dirs: readonly Vec[], stps: readonly Vec[], ro: Float64Array, al: Float64Array, g: Vec, d: Vec, hDiag: number): void {
  const m = h.count;
  // q = -g
  v.neg(d, g);
  if (m > 0) {
    let dot = v.dot(stps[slotOf(h, m - 1)]!, d);
    for (let i = m - 1; i >= 0; i--) {
      const k = slotOf(h, i);
      // al[i] = old_stps[i].dot(q) * ro[i]; q.add_(old_dirs[i], alpha=-al[i])
      al[k] = f(dot * ro[k]!);
      if (i > 0) dot = v.axpyDot(d, dirs[k]!, stps[slotOf(h, i - 1)]!, -al[k]!);
      else v.axpy(d, dirs[k]!, -al[k]!);
    }
  }
  // d = r = q * H_diag
  v.scale(d, hDiag);
  if (m > 0) {
    let dot = v.dot(dirs[slotOf(h, 0)]!, d);
    for (let i = 0; i < m; i++) {
      const k = slotOf(h, i);
      // be_i = old_dirs[i].dot(r) * ro[i]; r.add_(old_stps[i], alpha=al[i] - be_i)
      const be = f(dot * ro[k]!);
      const alpha = f(al[k]! - be);
      if (i < m - 1) dot = v.axpyDot(d, stps[k]!, dirs[slotOf(h, i + 1)]!, alpha);
      else v.axpy(d, stps[k]!, alpha);
    }
  }
}

/** Every parameter's entry or none, with the same `keys` (the step and the scalars) (the state is one flat vector). */
export function checkConsistent(dict: StateDictInput, count: number, keys: readonly string[]): void {
  const state = (dict as { state?: unknown } | null)?.state;
  if (typeof state !== 'object' || state === null) return; // the base class explains what is wrong
  const entries = Object.values(state as Record<string, unknown>);
  if (entries.length === 0) return;
  const where = 'LBFGS.loadStateDict';
  if (entries.length !== count) throw new RangeError(`${where}: state must hold an entry for every parameter or none (the state is one flat vector), got ${entries.length} of ${count}`);
  const first = entries[0] as Record<string, unknown> | null;
  for (const e of entries) {
    for (const k of keys) {
      const a = (e as Record<string, unknown> | null)?.[k], b = first?.[k];
      if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) throw new RangeError(`${where}: every parameter's ${k} must be the same (the state is one flat vector), got ${show(b)} and ${show(a)}`);
    }
  }
}
