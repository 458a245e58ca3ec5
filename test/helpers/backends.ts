/**
 * Runs one optimizer class with identical inputs on the simd, scalar and js engines, expects every
 * parameter and every state entry to agree bit for bit after every step, and returns the common
 * trajectory for hand-computed checks. Also: the float checks and seeded inputs those suites share.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { Optimizer, ParamsInput, ParamState } from '../../src/optim/optimizer.js';
import { firstBitDifference } from './lockstep.js';
import { parametersFor, withClosure } from './optimizer-table.js';
import { rng } from './random.js';

export type OptimizerClass<O extends object> = new (params: ParamsInput<O>, options?: Partial<O>) => Optimizer<O>;

export interface Scenario<O extends object> {
  options?: Partial<O>;
  /** Initial values, one array per tensor (all tensors made by one `engine.parameters()` call: one run). */
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
  /** Per-parameter state after the last step (`stateDict().state`). */
  state: Record<number, ParamState>;
}

interface Run extends Trajectory {
  /** records[s]: the whole `stateDict().state` after step s + 1. */
  records: Record<number, ParamState>[];
}

function run<O extends object>(e: Engine, Cls: OptimizerClass<O>, sc: Scenario<O>): Run {
  const params = parametersFor(e, Cls, sc.init);
  const opt = withClosure(Cls, new Cls(params, sc.options), params);
  try {
    const out: Run = { params: [], states: [], state: {}, records: [] };
    sc.grads.forEach((gs, s) => {
      gs.forEach((g, t) => params[t]!.grad.set(g));
      sc.before?.(opt, s);
      opt.step();
      out.params.push(params.map((p) => p.data.slice()));
      const st = opt.stateDict().state;
      out.records.push(st);
      out.states.push(params.map((_, t) => st[t]!));
    });
    out.state = opt.stateDict().state;
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

function sameState(a: Record<number, ParamState>, b: Record<number, ParamState>, what: string): void {
  expect(Object.keys(a), `${what}: state entries`).toEqual(Object.keys(b));
  for (const [i, st] of Object.entries(a)) {
    const other = b[Number(i)]!;
    expect(Object.keys(st), `${what}: state[${i}] keys`).toEqual(Object.keys(other));
    for (const [k, v] of Object.entries(st)) sameBits(v, other[k]!, `${what}: state[${i}].${k}`);
  }
}

/**
 * Runs `sc` on every engine; after every step expects bit-identical params and state (same
 * entries, same keys in the same order, same bits; NaN matches NaN), and returns the last
 * engine's trajectory.
 */
export function onAllBackends<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>, sc: Scenario<O>): Trajectory {
  const runs = engines.map((e) => [e.backend, run(e, Cls, sc)] as const);
  const [refName, ref] = runs[runs.length - 1]!;
  for (const [name, r] of runs.slice(0, -1)) {
    r.params.forEach((ps, s) => {
      const what = `${name} vs ${refName}: step ${s + 1}`;
      ps.forEach((p, t) => sameBits(p, ref.params[s]![t]!, `${what}, tensor ${t}`));
      sameState(r.records[s]!, ref.records[s]!, what);
    });
    sameState(r.state, ref.state, `${name} vs ${refName}: final`);
  }
  return { params: ref.params, states: ref.states, state: ref.state };
}

/** Exact float32 equality, element by element (any NaN matches any NaN). */
export function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, what = ''): void {
  expect(firstBitDifference(actual, Float32Array.from(expected)), what).toBe(-1);
}

/**
 * |a − e| ≤ atol + rtol·|e| elementwise; the defaults are the reference fixtures' tolerance,
 * 1e-6 + 1e-5·|e|.
 */
export function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what = '', rtol = 1e-5, atol = 1e-6): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) expect(a, `${what}[${i}]: expected ${e} ± ${atol + rtol * Math.abs(e)}`).toBe(e);
  }
}

/** Seeded values in [−scale, scale) with a few exact zeros. */
export function seededValues(seed: number, n: number, scale = 1): Float32Array {
  const next = rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < 0.08 ? 0 : (next() * 2 - 1) * scale;
  return out;
}

/** Sizes around the 4-lane SIMD width: below, at, above, and odd multiples. */
export const TAIL_SIZES = [1, 3, 4, 5, 7, 8, 15, 16, 17, 33] as const;

/**
 * Gradients that reach the awkward corners: signed zeros, subnormals, huge values whose square
 * overflows, and ordinary values at several scales; seeded, `steps` arrays of `n`.
 */
export function awkwardGrads(n: number, steps: number, seed: number): Float32Array[] {
  const next = rng(seed);
  const scales = [1, 1e-4, 50, 1e-41, 3e20, 0.01];
  return Array.from({ length: steps }, (_, s) =>
    Float32Array.from({ length: n }, (_, i) => {
      if (i % 11 === 3) return s % 2 ? -0 : 0;
      return (next() * 2 - 1) * scales[(s + i) % scales.length]!;
    }),
  );
}

/**
 * Expects a bad edit of `opt`'s first param group to be refused by the next `step()` with an
 * error matching `message`, leaving every parameter value and the state dict as they were (after
 * `stepsFirst` good steps with gradients of 1). Disposes `opt`.
 */
export function expectEditRefused<O extends object>(opt: Optimizer<O>, edit: (group: O) => void, message: RegExp, stepsFirst = 0): void {
  const params = opt.paramGroups.flatMap((g) => g.params);
  params.forEach((p, t) => {
    p.data.set(Float32Array.from(p.data, (_, i) => 1 + i + t));
    p.grad.fill(1);
  });
  for (let s = 0; s < stepsFirst; s++) opt.step();
  const values = params.map((p) => p.data.slice());
  const state = opt.stateDict().state;
  edit(opt.paramGroups[0]!);
  expect(() => opt.step()).toThrow(message);
  params.forEach((p, t) => expectBits(p.data, values[t]!, `param ${t}`));
  expect(opt.stateDict().state).toEqual(state);
  opt.dispose();
}

/**
 * With β1 = 0, exp_avg is exactly the gradient after every step (torch's lerp from the far end),
 * on every engine, for awkward gradients (huge ones scaled down so that g² stays finite).
 */
export function expectExpAvgIsGradientAtBeta1Zero<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>): void {
  const grads = awkwardGrads(13, 8, 5).map((g) => [g.map((x) => (Math.abs(x) > 1e10 ? x * 1e-20 : x))]);
  const options = { lr: 0.01, betas: [0, 0.99] } as unknown as Partial<O>;
  const r = onAllBackends(engines, Cls, { options, init: [new Float32Array(13).fill(0.5)], grads });
  r.states.forEach((st, s) => expectBits(st[0]!.exp_avg as Float32Array, grads[s]![0]!.map((x) => x + 0), `step ${s + 1}`));
}

/** lr set to 0 in the group after step 1 (as a scheduler would) leaves p where step 1 put it. */
export function expectLrZeroHolds<O extends object>(engines: readonly Engine[], Cls: OptimizerClass<O>): void {
  const r = onAllBackends(engines, Cls, {
    options: { lr: 0.1 } as unknown as Partial<O>,
    init: [[1, 2]],
    grads: [[[1, -1]], [[1, -1]]],
    before: (opt, s) => {
      if (s === 1) (opt.paramGroups[0] as unknown as { lr: number }).lr = 0;
    },
  });
  expectBits(r.params[1]![0]!, r.params[0]![0]!, 'lr = 0 at step 2 leaves p where step 1 put it');
}

/** A parameter and two gradients with zeros, tiny and large values, for the double-precision loop checks. */
export const LOOP = {
  p0: Float32Array.of(1, -2, 0.5, 3, -0.25, 0.75, 0.125),
  g1: Float32Array.of(0.5, -1, 0, 4, 1e-3, -7, 30),
  g2: Float32Array.of(-0.25, 2, 1, 4, 1e-5, 3, -0.5),
} as const;
