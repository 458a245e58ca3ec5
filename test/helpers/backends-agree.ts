/**
 * Runs an optimizer class on the simd, scalar and js engines with identical inputs and checks
 * that parameters and every state entry agree bit for bit after every step; returns the common
 * trajectory so a test can check it against hand-computed values.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { Optimizer, ParamsInput, ParamState } from '../../src/optim/optimizer.js';
import { firstBitDifference } from './lockstep.js';

export type OptimizerClass<O extends object> = new (params: ParamsInput<O>, options?: Partial<O>) => Optimizer<O>;

export interface Scenario<O extends object> {
  options?: Partial<O>;
  /** Initial values, one array per tensor (all tensors made by one `engine.parameters()` call). */
  init: ArrayLike<number>[];
  /** grads[s][t]: gradient of tensor t at step s. */
  grads: ArrayLike<number>[][];
  /** Called just before step s (0-based): edit hyperparameters here, as a scheduler would. */
  before?: (opt: Optimizer<O>, s: number) => void;
}

export interface Trajectory {
  /** params[s][t]: tensor t after step s + 1. */
  params: Float32Array[][];
  /** states[s][t]: the state of tensor t after step s + 1. */
  states: ParamState[][];
}

function run<O extends object>(e: Engine, Cls: OptimizerClass<O>, sc: Scenario<O>): Trajectory {
  const params = e.parameters(sc.init.map((v) => Float32Array.from(v)));
  const opt = new Cls(params, sc.options);
  try {
    const out: Trajectory = { params: [], states: [] };
    sc.grads.forEach((gs, s) => {
      gs.forEach((g, t) => params[t]!.grad.set(g));
      sc.before?.(opt, s);
      opt.step();
      out.params.push(params.map((p) => p.data.slice()));
      const st = opt.stateDict().state;
      out.states.push(params.map((_, t) => st[t]!));
    });
    return out;
  } finally {
    opt.dispose();
    for (const p of params) p.dispose();
  }
}

function sameBits(a: number | Float32Array, b: number | Float32Array, what: string): void {
  if (typeof a === 'number' || typeof b === 'number') {
    expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), what).toBe(true);
    return;
  }
  expect(firstBitDifference(a, b), what).toBe(-1);
}

/** Runs `sc` on every engine, expects bit-identical trajectories, returns the last engine's. */
export function agreeEverywhere<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>, sc: Scenario<O>): Trajectory {
  const runs = engines.map((e) => [e.backend, run(e, Cls, sc)] as const);
  const [refName, ref] = runs[runs.length - 1]!;
  for (const [name, r] of runs.slice(0, -1)) {
    r.params.forEach((ps, s) => {
      ps.forEach((p, t) => sameBits(p, ref.params[s]![t]!, `${name} vs ${refName}: step ${s + 1}, tensor ${t}`));
      r.states[s]!.forEach((st, t) => {
        const other = ref.states[s]![t]!;
        expect(Object.keys(st).sort()).toEqual(Object.keys(other).sort());
        for (const [k, v] of Object.entries(st)) sameBits(v, other[k]!, `${name} vs ${refName}: step ${s + 1}, tensor ${t}, ${k}`);
      });
    });
  }
  return ref;
}

/** Every element within `rel` (relative) of the expected double, with `abs` slack near zero. */
export function expectNear(got: ArrayLike<number>, want: ArrayLike<number>, what: string, rel = 1e-6, abs = 1e-12): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const a = got[i]!, e = want[i]!;
    expect(Math.abs(a - e) <= abs + rel * Math.abs(e), `${what} [${i}]: got ${a}, expected ${e}`).toBe(true);
  }
}

/** Exact float32 equality, element by element (NaN matches NaN). */
export function expectBits(got: ArrayLike<number>, want: ArrayLike<number>, what = ''): void {
  expect(firstBitDifference(got, want), what).toBe(-1);
}

/**
 * Gradients that reach the awkward corners: signed zeros, subnormals, huge values whose square
 * overflows, and ordinary values at several scales; seeded, `steps` arrays of `n`.
 */
export function awkward(n: number, steps: number, seed: number): Float32Array[] {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const scales = [1, 1e-4, 50, 1e-41, 3e20, 0.01];
  return Array.from({ length: steps }, (_, s) =>
    Float32Array.from({ length: n }, (_, i) => {
      if (i % 11 === 3) return s % 2 ? -0 : 0;
      return (next() * 2 - 1) * scales[(s + i) % scales.length]!;
    }),
  );
}
