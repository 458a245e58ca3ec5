/**
 * Runs one optimizer with identical inputs on the simd, scalar and js backends, expects every
 * parameter and every state entry to agree bit for bit after every step, and returns the (shared)
 * trajectory for hand-computed checks.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { Optimizer, ParamsInput, ParamState } from '../../src/optim/optimizer.js';
import { firstBitDifference } from './lockstep.js';

export type Ctor<O extends object> = new (params: ParamsInput<O>, options?: Partial<O>) => Optimizer<O>;

export interface Trio<O extends object> {
  options?: Partial<O>;
  /** Initial values, one array per tensor (allocated together: one run). */
  init: ArrayLike<number>[];
  /** grads[s][t]: gradient of tensor t at step s. */
  grads: ArrayLike<number>[][];
  /** Called before step s (0-based), e.g. to edit hyperparameters as a scheduler would. */
  before?: (opt: Optimizer<O>, s: number) => void;
}

export interface Trajectory {
  /** params[s][t]: tensor t after step s + 1. */
  params: Float32Array[][];
  /** Per-parameter state after the last step. */
  state: Record<number, ParamState>;
}

function runOn<O extends object>(e: Engine, Cls: Ctor<O>, spec: Trio<O>): Trajectory {
  const params = e.parameters(spec.init.map((v) => Float32Array.from(v)));
  const opt = new Cls(params, spec.options);
  try {
    const out: Float32Array[][] = [];
    spec.grads.forEach((gs, s) => {
      gs.forEach((g, t) => params[t]!.grad.set(g));
      spec.before?.(opt, s);
      opt.step();
      out.push(params.map((p) => p.data.slice()));
    });
    return { params: out, state: opt.stateDict().state };
  } finally {
    opt.dispose();
    for (const p of params) p.dispose();
  }
}

/** Runs `spec` on every engine, checks bit equality of params and state, returns the trajectory. */
export function onAllBackends<O extends object>(engines: readonly Engine[], Cls: Ctor<O>, spec: Trio<O>): Trajectory {
  const runs = engines.map((e) => ({ backend: e.backend, r: runOn(e, Cls, spec) }));
  const ref = runs[runs.length - 1]!;
  for (const { backend, r } of runs.slice(0, -1)) {
    const what = `${backend} vs ${ref.backend}`;
    r.params.forEach((ps, s) =>
      ps.forEach((p, t) => expect(firstBitDifference(p, ref.r.params[s]![t]!), `${what}: step ${s + 1} tensor ${t}`).toBe(-1)),
    );
    expect(Object.keys(r.state)).toEqual(Object.keys(ref.r.state));
    for (const [i, st] of Object.entries(r.state)) {
      const other = ref.r.state[Number(i)]!;
      expect(Object.keys(st).sort()).toEqual(Object.keys(other).sort());
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') expect(v, `${what}: state[${i}].${k}`).toBe(other[k]);
        else expect(firstBitDifference(v, other[k] as Float32Array), `${what}: state[${i}].${k}`).toBe(-1);
      }
    }
  }
  return ref.r;
}

/** Exact float32 equality (any NaN matches any NaN). */
export function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  expect(firstBitDifference(actual, Float32Array.from(expected)), what).toBe(-1);
}

/** |a − e| ≤ atol + rtol·|e| elementwise (defaults: the fixtures' 1e-6 + 1e-5·|e|). */
export function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what = '', rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect(a, `${what}[${i}]`).toBe(e);
  }
}

/** Seeded values in [−scale, scale) with a few exact zeros (mulberry32). */
export function seededValues(seed: number, n: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < 0.08 ? 0 : (next() * 2 - 1) * scale;
  return out;
}

/** Sizes around the 4-lane SIMD width: below, at, above, and odd multiples. */
export const TAIL_SIZES = [1, 3, 4, 5, 7, 8, 15, 16, 17, 33] as const;
