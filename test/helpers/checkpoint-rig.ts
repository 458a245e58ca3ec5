/**
 * A small model, its optimizer and a fixed gradient sequence for the checkpoint suites, plus
 * exact (bit-level) snapshots of everything a checkpoint load may change.
 */
import { expect } from 'vitest';
import type { Engine } from '../../src/engine.js';
import type { Parameter } from '../../src/memory/parameter.js';
import type { Optimizer, StateDict } from '../../src/optim/optimizer.js';
import { OPTIMIZERS, type OptimizerName } from '../../src/optim/registry.js';
import { registrationOf, withClosure } from './optimizer-table.js';
import { gradient, rng, values } from './random.js';

export interface Model {
  /** What a checkpoint saves: three trained parameters and an untrained one with odd values. */
  params: Parameter[];
  /** The trained ones, in two param groups: [dense.weight, dense.bias] and [unnamed]. */
  trained: Parameter[];
  opt: Optimizer<object>;
}

/** Bit patterns no arithmetic would produce: NaN payloads, signalling NaN, −0, ±∞, subnormals. */
export const ODD_BITS = [0x7fc00001, 0x7f800001, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x80000001, 0xffc12345];

/**
 * Parameters `dense.weight` [5, 7], `dense.bias` [7], an unnamed [3] (saved as `param.2`) and
 * `odd` [2, 4] holding {@link ODD_BITS} (not optimized); an optimizer `name` with `options`
 * over the first three in two groups (the first with half the lr). `options === null` builds
 * the optimizer with its defaults.
 */
export function model(engine: Engine, name: string, options: object | null, seed: number): Model {
  const next = rng(seed);
  // Shapes the optimizer takes: its registration may make the vectors matrices (Muon).
  const shapeOf = (n: number, t: number) => registrationOf(name).shape?.(n, t) ?? [n];
  const params = engine.parameters([
    { shape: [5, 7], data: values(next, 35), name: 'dense.weight' },
    { shape: shapeOf(7, 1), data: values(next, 7), name: 'dense.bias' },
    { shape: shapeOf(3, 2), data: values(next, 3) },
    { shape: [2, 4], name: 'odd' },
  ]);
  bits(params[3]!.data).set(ODD_BITS);
  const trained = params.slice(0, 3);
  const Cls = OPTIMIZERS[name as OptimizerName];
  const o = (options ?? {}) as { lr?: number };
  const groups = registrationOf(name).oneGroup ? [{ params: trained }] : options === null ? [{ params: trained.slice(0, 2) }, { params: [trained[2]!] }] : [{ params: trained.slice(0, 2), lr: (o.lr ?? 0.01) / 2 }, { params: [trained[2]!] }];
  const opt = withClosure(name, new Cls(groups as never, (options ?? {}) as never) as unknown as Optimizer<object>, trained);
  return { params, trained, opt };
}

/** Steps [from, to): gradients of step s are the same for every model built with `seed`. */
export function train(m: Model, seed: number, from: number, to: number, after?: (s: number) => void): void {
  for (let s = from; s < to; s++) {
    const next = rng(seed * 1000 + s);
    for (const p of m.trained) p.grad.set(gradient(next, p.length, s));
    m.opt.step();
    after?.(s);
  }
}

export function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

/** First index where two float32 arrays differ in any bit (NaN payloads included), or -1. */
export function firstBitDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const x = bits(a), y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

/** Expects two state dicts to be equal: every number, every bit of every buffer, every group. */
export function expectSameState(got: StateDict, want: StateDict, label = ''): void {
  expect(Object.keys(got.state), `${label} state keys`).toEqual(Object.keys(want.state));
  for (const [i, st] of Object.entries(want.state)) {
    const g = got.state[Number(i)]!;
    expect(Object.keys(g).sort(), `${label} state[${i}] entries`).toEqual(Object.keys(st).sort());
    for (const [k, v] of Object.entries(st)) {
      if (typeof v === 'number') expect(Object.is(g[k], v), `${label} state[${i}].${k}: ${String(g[k])} vs ${v}`).toBe(true);
      else expect(firstBitDiff(g[k] as Float32Array, v), `${label} state[${i}].${k}`).toBe(-1);
    }
  }
  expect(got.paramGroups, `${label} paramGroups`).toEqual(want.paramGroups);
}

export interface Snapshot {
  params: Float32Array[];
  state: StateDict | undefined;
  scheduler: string | undefined;
}

/** Copies of everything a load may change. */
export function snapshot(params: readonly Parameter[], opt?: Optimizer<object>, sched?: { stateDict(): unknown }): Snapshot {
  return {
    params: params.map((p) => p.data.slice()),
    state: opt?.stateDict(),
    scheduler: sched ? JSON.stringify(sched.stateDict()) : undefined,
  };
}

/** Expects the live objects to be exactly as in `before`. */
export function expectUnchanged(before: Snapshot, params: readonly Parameter[], opt?: Optimizer<object>, sched?: { stateDict(): unknown }): void {
  params.forEach((p, i) => expect(firstBitDiff(p.data, before.params[i]!), `params[${i}]`).toBe(-1));
  if (opt) expectSameState(opt.stateDict(), before.state!, 'optimizer');
  if (sched) expect(JSON.stringify(sched.stateDict())).toBe(before.scheduler);
}
