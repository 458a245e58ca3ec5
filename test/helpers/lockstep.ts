/**
 * Runs one optimizer on the three backends side by side with identical inputs, so suites can
 * compare parameters, every state entry and whole memories bit for bit.
 */
import { expect } from 'vitest';
import { type Backend, createEngine, type Engine } from '../../src/engine.js';
import type { Parameter } from '../../src/memory/parameter.js';
import type { Optimizer, ParamState } from '../../src/optim/optimizer.js';
import { type OptimizerClass, OPTIMIZERS, type OptimizerName } from '../../src/optim/registry.js';
import { specsFor, withClosure } from './optimizer-table.js';
import { gradient, rng, values } from './random.js';

export const BACKENDS: readonly Backend[] = ['simd', 'scalar', 'js'];

export async function engines(initialBytes = 8 << 20): Promise<Engine[]> {
  return Promise.all(BACKENDS.map((backend) => createEngine({ backend, initialBytes })));
}

export interface Rig {
  engine: Engine;
  params: Parameter[];
  /** The parameters the optimizer updates (the others are NaN-filled guards around them). */
  target: Parameter[];
  opt: Optimizer<object>;
}

/** In a `rig` size list: a NaN-filled guard parameter the optimizer does not update. */
export const GUARD = 'guard';

/**
 * Parameters [guard, ...sizes, guard] in one block; the guards (values and gradients NaN) sit
 * right before and after the optimized tensors, so a kernel writing past its range shows up.
 * `GUARD` entries in `sizes` put more guards between tensors (splitting the optimizer's runs).
 */
export function rig(engine: Engine, name: string, options: object, sizes: ReadonlyArray<number | typeof GUARD>, seed: number): Rig {
  const next = rng(seed);
  const all: Array<number | typeof GUARD> = [GUARD, ...sizes, GUARD];
  // The optimized tensors shaped as the registration asks, the guards between them 1-D.
  const specs = specsFor(name, sizes.filter((n) => n !== GUARD).map((n) => values(next, n)));
  let t = 0;
  const params = engine.parameters(all.map((n, i) => (n === GUARD ? (i === 0 ? 7 : 9) : specs[t++]!)));
  for (const g of params.filter((_, i) => all[i] === GUARD)) {
    g.data.fill(NaN);
    g.grad.fill(NaN);
  }
  const target = params.filter((_, i) => all[i] !== GUARD);
  const Cls = OPTIMIZERS[name as OptimizerName] as OptimizerClass;
  const opt = withClosure(name, new Cls(target as never, options as never) as unknown as Optimizer<object>, target);
  return { engine, params, target, opt };
}

/** The NaN-filled guards of a rig (every parameter the optimizer does not update). */
export function guards(r: Rig): Parameter[] {
  return r.params.filter((p) => !r.target.includes(p));
}

/** Writes step `s`'s gradients (same for every rig built with the same seed). */
export function setGrads(r: Rig, seed: number, s: number): void {
  const next = rng(seed * 1000 + s);
  for (const p of r.target) p.grad.set(gradient(next, p.length, s));
}

/** Steps [from, to) on every rig with the same gradients, calling `check(s)` after step s. */
export function stepTogether(rigs: readonly Rig[], seed: number, from: number, to: number, check?: (s: number) => void): void {
  for (let s = from; s < to; s++) {
    for (const r of rigs) {
      setGrads(r, seed, s);
      r.opt.step();
    }
    check?.(s);
  }
}

/** Same entries, same keys, same bits (NaN matches NaN) in two `stateDict().state`s. */
export function expectSameStates(a: Record<number, ParamState>, b: Record<number, ParamState>, where: string): void {
  expect(Object.keys(b), where).toEqual(Object.keys(a));
  for (const [i, sa] of Object.entries(a)) {
    const sb = b[Number(i)]!;
    expect(Object.keys(sb).sort(), where).toEqual(Object.keys(sa).sort());
    for (const [k, va] of Object.entries(sa)) {
      const vb = sb[k]!;
      if (typeof va === 'number') expect(vb, `${where} state[${i}].${k}`).toBe(va);
      else expect(firstBitDifference(va, vb as Float32Array), `${where} state[${i}].${k}`).toBe(-1);
    }
  }
}

/** The rigs' optimized tensors hold the same bits (NaN matches NaN). */
export function expectSameParams(a: Rig, b: Rig, where: string): void {
  a.target.forEach((p, t) => expect(firstBitDifference(p.data, b.target[t]!.data), `${where} tensor ${t}`).toBe(-1));
}

/** Every NaN guard of the rig still holds NaN values and NaN gradients. */
export function expectGuardsUntouched(r: Rig, where: string): void {
  for (const g of guards(r)) {
    expect(g.data.every(Number.isNaN), `${where}: guard values`).toBe(true);
    expect(g.grad.every(Number.isNaN), `${where}: guard gradients`).toBe(true);
  }
}

export function dispose(r: Rig): void {
  r.opt.dispose();
  for (const p of r.params) p.dispose();
}

const isNaNBits = (u: number) => (u & 0x7f800000) === 0x7f800000 && (u & 0x007fffff) !== 0;

function words(a: ArrayLike<number>): Uint32Array {
  return a instanceof Float32Array ? new Uint32Array(a.buffer, a.byteOffset, a.length) : new Uint32Array(Float32Array.from(a).buffer);
}

/**
 * First index where two float32 arrays differ bitwise, or -1. NaNs match NaNs whatever their
 * payload (hardware and JS pick different NaN bit patterns; no finite value may differ).
 */
export function firstBitDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = words(a), ub = words(b);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i] && !(isNaNBits(ua[i]!) && isNaNBits(ub[i]!))) return i;
  }
  return -1;
}

/** A copy of the engine's memory as float32 words, from `start` (bytes) to `end`. */
export function memoryWords(e: Engine, start: number, end: number): Float32Array {
  return new Float32Array(e.memory.buffer, start, (end - start) >> 2).slice();
}

/**
 * Runs `fn` and expects it to throw `cls` with a message matching `pattern`, and `memory` read
 * after it to match, bit for bit, what it read before. `memory` is called with no argument
 * before, and with the length it returned then (in words) after.
 */
export function expectRefusal(
  fn: () => unknown,
  cls: typeof TypeError | typeof RangeError,
  pattern: RegExp,
  memory: (words?: number) => Float32Array,
): void {
  const before = memory();
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected an error').toBeInstanceOf(cls);
  expect((thrown as Error).message).toMatch(pattern);
  expect(firstBitDifference(before, memory(before.length)), 'memory changed').toBe(-1);
}
