/**
 * How an optimizer's state lies in the engine's memory.
 *
 * A group's parameters are cut into *runs*: parameters that lie back to back in memory (values
 * and gradients) and share their scalar state (step count, …). Each run owns one block per state
 * buffer, laid out like its parameters, so a kernel updates a whole run in one call: parameters
 * made by one `engine.parameters()` call form one run.
 *
 * Allocation is all-or-nothing: a layout is planned first, then every block it needs is reserved
 * in one go, and only then are the old blocks freed. An out-of-memory error leaves the optimizer
 * exactly as it was.
 */
import type { Engine } from '../engine.js';
import type { Parameter } from '../memory/parameter.js';

/** Per-parameter state as `stateDict()` gives it: `step`, scalar state and buffers (copies). */
export type ParamState = {
  /** Steps taken (as torch, per parameter). */
  step: number;
} & Record<string, number | Float32Array>;

/** @internal one contiguous stretch of a group's parameters and its state blocks. */
export interface Run {
  params: Parameter[];
  /** Byte offsets of the run's values and gradients. */
  offset: number;
  gradOffset: number;
  /** Elements in the run. */
  n: number;
  step: number;
  /** Scalar state (e.g. NAdam's mu_product). */
  scalars: Record<string, number>;
  /** State buffers: name → byte offset of a block of n floats. */
  buffers: Record<string, number>;
  /** Buffers created (zeroed) for this step because the options now need them: torch would find them unset. */
  fresh?: Set<string>;
  /** What the optimizer's `stepRun` keeps between steps of this run (never saved). */
  memo?: unknown;
}

/** A state buffer a run still needs: filled in by {@link reserve}. */
export interface Need {
  run: Run;
  name: string;
  /** Elements of the block: the sum of the buffer's length over the run's parameters. */
  size: number;
}

/**
 * How many elements parameter `p`'s slice of buffer `name` holds. Most buffers are laid out like
 * their parameters ({@link SAME_LENGTH}); a factored or per-tensor statistic is shorter (a row
 * and a column variance, one number per tensor), scratch for a matrix iteration may be longer.
 * A run's block holds its parameters' slices back to back, in the run's order.
 */
export type BufferLength = (name: string, p: Parameter) => number;

/** Every buffer laid out like its parameter. */
export const SAME_LENGTH: BufferLength = (_name, p) => p.length;

/** Elements of buffer `name` over the whole run. */
export function runLength(run: Run, name: string, len: BufferLength): number {
  if (len === SAME_LENGTH) return run.n;
  let n = 0;
  for (const p of run.params) n += len(name, p);
  return n;
}

/**
 * Visits every slice of `run`'s blocks, parameter by parameter (`j`: its index in the run) and,
 * for each, buffer by buffer: the slice's byte offset and its length in elements.
 */
export function forEachSlice(run: Run, len: BufferLength, visit: (j: number, p: Parameter, name: string, offset: number, n: number) => void): void {
  const at: Record<string, number> = { ...run.buffers };
  run.params.forEach((p, j) => {
    for (const [b, off] of Object.entries(at)) {
      const n = len(b, p);
      visit(j, p, b, off, n);
      at[b] = off + n * 4;
    }
  });
}

/**
 * Allocates a zeroed block for every need, or none (`engine.allocMany`): when they do not fit,
 * its OutOfMemoryError is rethrown with `where` in front of the message.
 */
export function reserve(engine: Engine, needs: readonly Need[], where: string): void {
  if (needs.length === 0) return;
  let offsets: number[];
  try {
    offsets = engine.allocMany(needs.map((x) => x.size));
  } catch (e) {
    if (e instanceof RangeError) e.message = `${where}: ${e.message}`;
    throw e;
  }
  needs.forEach((x, i) => (x.run.buffers[x.name] = offsets[i]!));
}

/**
 * Cuts `params` into runs (contiguous in values and grads, equal scalar state) without allocating;
 * `states[i]` is parameter i's state to restore, or null for a fresh one.
 */
export function planRuns(params: readonly Parameter[], states: ReadonlyArray<ParamState | null>, scalarInit: Record<string, number>): Run[] {
  const runs: Run[] = [];
  let cur: Run | null = null;
  let curKey = '';
  for (const [i, p] of params.entries()) {
    const st = states[i];
    const step = st ? st.step : 0;
    const scalars: Record<string, number> = {};
    for (const [k, v] of Object.entries(scalarInit)) scalars[k] = st ? (st[k] as number) : v;
    // Parameters share a run only with equal step, scalar state and saved buffers (a buffer one of
    // them lacks is created fresh for the whole run).
    const saved = st ? Object.keys(st).filter((k) => typeof st[k] !== 'number').sort() : [];
    const key = JSON.stringify([step, scalars, saved]);
    if (cur && key === curKey && p.offset === cur.offset + cur.n * 4 && p.gradOffset === cur.gradOffset + cur.n * 4) {
      cur.params.push(p);
      cur.n += p.length;
    } else {
      cur = { params: [p], offset: p.offset, gradOffset: p.gradOffset, n: p.length, step, scalars, buffers: {}, memo: undefined };
      curKey = key;
      runs.push(cur);
    }
  }
  return runs;
}

/** The needs of `runs` for buffers `names` that they do not have yet. */
export function missing(runs: readonly Run[], names: readonly string[], len: BufferLength = SAME_LENGTH): Need[] {
  const out: Need[] = [];
  for (const run of runs) for (const name of names) if (run.buffers[name] === undefined) out.push({ run, name, size: runLength(run, name, len) });
  return out;
}

/**
 * Writes each parameter's saved buffers into its run's blocks (runs already reserved). A buffer
 * the saved state lacks is zeroed (a block may be reused) and, once the run has stepped, marked
 * fresh, as if the options had just asked for it.
 */
export function fill(heap: Float32Array, runs: readonly Run[], states: ReadonlyArray<ParamState | null>, len: BufferLength = SAME_LENGTH): void {
  let pi = 0;
  for (const r of runs) {
    forEachSlice(r, len, (j, _p, b, off, n) => {
      const v = states[pi + j]?.[b];
      const at = off >> 2;
      if (v !== undefined && typeof v !== 'number') heap.set(v, at);
      else {
        heap.fill(0, at, at + n);
        if (r.step > 0) (r.fresh ??= new Set()).add(b); // state from before the options needed it
      }
    });
    pi += r.params.length;
  }
}

/**
 * Gives the runs of `fresh` the blocks of equal runs in `old` (same parameters, same place) for
 * the buffers both need; returns the blocks of `old` that were taken.
 */
export function reuse(fresh: readonly Run[], old: readonly Run[]): Set<number> {
  const taken = new Set<number>();
  const byPlace = new Map(old.map((r) => [`${r.offset}:${r.gradOffset}:${r.n}`, r]));
  for (const r of fresh) {
    const o = byPlace.get(`${r.offset}:${r.gradOffset}:${r.n}`);
    if (!o || o.params.length !== r.params.length || o.params.some((p, i) => p !== r.params[i])) continue;
    for (const [b, off] of Object.entries(o.buffers)) {
      if (r.buffers[b] === undefined && !taken.has(off)) {
        r.buffers[b] = off;
        taken.add(off);
      }
    }
  }
  return taken;
}

/** Frees every block of `runs` but those in `keep`. */
export function release(engine: Engine, runs: readonly Run[], keep?: ReadonlySet<number>): void {
  if (engine.disposed) return;
  for (const r of runs) for (const off of Object.values(r.buffers)) if (!keep?.has(off)) engine.freeFloats(off);
}

/**
 * Each parameter's state (copies), in run order; undefined before its first step. Buffers not
 * made yet (fresh) and scratch buffers (`unsaved`) are left out.
 */
export function paramStates(heap: Float32Array, runs: readonly Run[], len: BufferLength = SAME_LENGTH, unsaved?: ReadonlySet<string>): Array<ParamState | undefined> {
  const out: Array<ParamState | undefined> = [];
  for (const r of runs) {
    const first = out.length;
    for (const _p of r.params) out.push(r.step === 0 ? undefined : { step: r.step, ...r.scalars });
    forEachSlice(r, len, (j, _p, b, off, n) => {
      const s = out[first + j];
      // A fresh buffer has not been made yet as far as the update is concerned (torch: absent).
      if (s && !r.fresh?.has(b) && !unsaved?.has(b)) s[b] = heap.slice(off >> 2, (off >> 2) + n);
    });
  }
  return out;
}

/** {@link paramStates} of every plan's runs, keyed by parameter (a parameter without state yet has no entry). */
export function statesByParam<P>(heap: Float32Array, plans: ReadonlyArray<{ runs: readonly Run[]; params: readonly P[] }>, len: BufferLength, unsaved: ReadonlySet<string>): Map<P, ParamState> {
  const byParam = new Map<P, ParamState>();
  for (const plan of plans) paramStates(heap, plan.runs, len, unsaved).forEach((s, i) => s && byParam.set(plan.params[i]!, s));
  return byParam;
}
