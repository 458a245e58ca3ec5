/**
 * Runs one optimizer with the same inputs on the simd, scalar and js backends, checks that every
 * parameter and every state buffer agrees bit for bit after every step, and hands back the
 * trajectory (identical on all three) for hand-computed checks.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { Optimizer, ParamsInput, StateDict } from '../../src/optim/optimizer.js';
import { firstBitDifference } from './lockstep.js';

export type OptimizerClass<O extends object> = new (params: ParamsInput<O>, options?: Partial<O>) => Optimizer<O>;

export interface Trajectory {
  /** params[s][t]: tensor t after step s + 1. */
  params: Float32Array[][];
  /** State after the last step. */
  state: StateDict['state'];
}

export interface RunSpec<O extends object> {
  options?: Partial<O>;
  /** Initial values, one array per tensor. */
  init: ArrayLike<number>[];
  /** grads[s][t]: gradient of tensor t at step s. */
  grads: ArrayLike<number>[][];
  /** Called before step s (0-based), e.g. to edit hyperparameters. */
  before?: (opt: Optimizer<O>, s: number) => void;
}

function runOne<O extends object>(e: Engine, Cls: OptimizerClass<O>, spec: RunSpec<O>): Trajectory {
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

/** Runs `spec` on every engine; expects bit-identical params and state; returns the trajectory. */
export function runEverywhere<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>, spec: RunSpec<O>): Trajectory {
  const runs = engines.map((e) => [e.backend, runOne(e, Cls, spec)] as const);
  const [base, ref] = runs[runs.length - 1]!;
  for (const [backend, r] of runs.slice(0, -1)) {
    r.params.forEach((ps, s) =>
      ps.forEach((p, t) => expect(firstBitDifference(p, ref.params[s]![t]!), `${backend} vs ${base}: step ${s + 1} tensor ${t}`).toBe(-1)),
    );
    expect(Object.keys(r.state)).toEqual(Object.keys(ref.state));
    for (const [i, st] of Object.entries(r.state)) {
      const other = ref.state[Number(i)]!;
      expect(Object.keys(st)).toEqual(Object.keys(other));
      for (const [k, v] of Object.entries(st)) {
        if (typeof v === 'number') expect(v, `${backend} state[${i}].${k}`).toBe(other[k]);
        else expect(firstBitDifference(v, other[k] as Float32Array), `${backend} vs ${base}: state[${i}].${k}`).toBe(-1);
      }
    }
  }
  return ref;
}

/** |a − e| ≤ 1e-6 + 1e-5·|e| elementwise: the tolerance the reference fixtures allow. */
export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= 1e-6 + 1e-5 * Math.abs(e))) expect(a, `${what}[${i}]`).toBe(e);
  }
}

/** Exact float32 equality (NaN matches NaN). */
export function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  expect(firstBitDifference(actual, Float32Array.from(expected)), what).toBe(-1);
}

/** Gradients at awkward sizes and scales: tails of every length, zeros, tiny (subnormal) and huge values. */
export function awkwardGrads(n: number, steps: number, seed: number): Float32Array[] {
  const scales = [1, 1e-4, 50, 1e-20, 3, 1e18, 0.01];
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out: Float32Array[] = [];
  for (let s = 0; s < steps; s++) {
    const g = new Float32Array(n);
    for (let i = 0; i < n; i++) g[i] = next() < 0.1 ? 0 : (next() * 2 - 1) * scales[(s + i) % scales.length]!;
    out.push(g);
  }
  return out;
}
