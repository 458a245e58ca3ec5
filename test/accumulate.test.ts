/**
 * Gradient accumulation: k micro-batches through the accumulator give exactly the step a plain
 * optimizer takes on the mean (or sum) gradient — parameters and every state entry, bit for bit,
 * on every backend — plus counters, checkpoints, layout changes and bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import type { Parameter } from '../src/memory/parameter.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { type OptimizerClass, OPTIMIZERS, type OptimizerName } from '../src/optim/registry.js';
import { GradientAccumulator } from '../src/train/accumulate.js';
import { bitDiff, engines, randomFloats, seeded } from './helpers/toolkit.js';

const f = Math.fround;
const SIZES = [33, 7, 1, 16];
let es: Engine[];

beforeAll(async () => {
  es = await engines();
});

function model(e: Engine, seed: number, split = false): Parameter[] {
  const next = seeded(seed);
  const data = SIZES.map((n) => randomFloats(next, n));
  return split ? data.map((d) => e.parameter(d)) : e.parameters(data);
}

function make(name: string, params: Parameter[], options: object = {}): Optimizer<object> {
  const Cls = OPTIMIZERS[name as OptimizerName] as OptimizerClass;
  return new Cls(params as never, options as never) as unknown as Optimizer<object>;
}

/** Micro-batch j of cycle c: one gradient per tensor. */
function microGrads(c: number, j: number): Float32Array[] {
  const next = seeded(1000 * c + j + 1);
  return SIZES.map((n) => randomFloats(next, n, [1, 0.01, 3, 50][j % 4]!));
}

/** The reduced gradient as the accumulator defines it: float32 sum in order, then × f32(1/k). */
function reduced(batches: Float32Array[][], mode: 'mean' | 'sum'): Float32Array[] {
  const k = batches.length;
  return batches[0]!.map((_, t) => {
    const acc = batches[0]![t]!.slice();
    for (let j = 1; j < k; j++) acc.forEach((v, i) => (acc[i] = f(v + batches[j]![t]![i]!)));
    return mode === 'mean' && k > 1 ? acc.map((v) => f(v * f(1 / k))) : acc;
  });
}

function expectSameState(a: Optimizer<object>, b: Optimizer<object>, where: string): void {
  const sa = a.stateDict().state, sb = b.stateDict().state;
  expect(Object.keys(sa)).toEqual(Object.keys(sb));
  for (const [i, s] of Object.entries(sa)) {
    for (const [k, v] of Object.entries(s)) {
      const w = sb[Number(i)]![k];
      if (v instanceof Float32Array) expect(bitDiff(v, w as Float32Array), `${where} state[${i}].${k}`).toBe(-1);
      else expect(w, `${where} state[${i}].${k}`).toBe(v);
    }
  }
}

const CASES: Array<[string, object, number, 'mean' | 'sum']> = [
  ['sgd', { lr: 0.05, momentum: 0.9 }, 4, 'mean'],
  ['adam', { lr: 0.01 }, 4, 'mean'],
  ['adam', { lr: 0.01, amsgrad: true }, 3, 'mean'],
  ['adamw', { lr: 0.01 }, 2, 'sum'],
  ['sgd', { lr: 0.1 }, 1, 'mean'],
  ['sgd', { lr: 0.01, nesterov: true, momentum: 0.5 }, 5, 'sum'],
];

describe('GradientAccumulator', () => {
  for (const [name, options, k, mode] of CASES) {
    it(`${name} ${JSON.stringify(options)}: ${k} micro-batches (${mode}) equal one step on the ${mode} gradient, every backend`, () => {
      const finals: Float32Array[][] = [];
      for (const e of es) {
        for (const split of [false, true]) {
          const pa = model(e, 7, split), pb = model(e, 7, split);
          const oa = make(name, pa, options), ob = make(name, pb, options);
          const acc = new GradientAccumulator(oa, { steps: k, reduction: mode });
          for (let c = 0; c < 3; c++) {
            const batches = Array.from({ length: k }, (_, j) => microGrads(c, j));
            batches.forEach((g, j) => {
              g.forEach((x, t) => pa[t]!.grad.set(x));
              expect(acc.step()).toBe(j === k - 1);
              expect(acc.microStep).toBe((j + 1) % k);
            });
            const mean = reduced(batches, mode);
            mean.forEach((x, t) => pb[t]!.grad.set(x));
            ob.step();
            const where = `${e.backend} split=${split} cycle ${c}`;
            pa.forEach((p, t) => {
              expect(bitDiff(p.data, pb[t]!.data), `${where} param ${t}`).toBe(-1);
              expect(bitDiff(p.grad, mean[t]!), `${where} grad ${t}`).toBe(-1);
            });
            expectSameState(oa, ob, where);
          }
          expect(acc.microSteps).toBe(3 * k);
          expect(acc.optimizerSteps).toBe(3);
          if (!split) finals.push(pa.map((p) => p.data.slice()));
          acc.dispose();
          for (const p of [...pa, ...pb]) p.dispose();
        }
      }
      finals.slice(1).forEach((fin) => fin.forEach((d, t) => expect(bitDiff(d, finals[0]![t]!)).toBe(-1)));
    });
  }

  it('the mean is within rounding of the float64 mean (k = 3)', () => {
    const e = es[0]!;
    const ps = model(e, 3);
    const opt = make('sgd', ps, { lr: 0 });
    const acc = new GradientAccumulator(opt, { steps: 3 });
    const batches = [0, 1, 2].map((j) => microGrads(9, j));
    for (const g of batches) {
      g.forEach((x, t) => ps[t]!.grad.set(x));
      acc.step();
    }
    ps.forEach((p, t) => {
      p.grad.forEach((v, i) => {
        const exact = (batches[0]![t]![i]! + batches[1]![t]![i]! + batches[2]![t]![i]!) / 3;
        expect(Math.abs(v - exact)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(exact)) * 50);
      });
    });
  });

  it('reset() drops a partial cycle; param-group changes apply at cycle boundaries only', () => {
    const e = es[2]!;
    const ps = model(e, 4);
    const extra = e.parameters([5]);
    const opt = make('sgd', ps, { lr: 0.1 });
    const acc = new GradientAccumulator(opt, { steps: 2, reduction: 'sum' });
    ps.forEach((p) => p.grad.fill(100));
    acc.step();
    acc.reset();
    expect(acc.microStep).toBe(0);
    ps.forEach((p) => p.grad.fill(1));
    acc.step();
    acc.step();
    // The 100s were dropped: the sum is 1 + 1 = 2 everywhere.
    ps.forEach((p) => expect([...new Set(p.grad)]).toEqual([2]));
    acc.step();
    opt.addParamGroup({ params: extra });
    expect(() => acc.step()).toThrow(/changed in the middle of an accumulation cycle/);
    acc.reset();
    extra[0]!.grad.fill(3);
    acc.step();
    acc.step();
    expect([...new Set(extra[0]!.grad)]).toEqual([6]);
  });

  it('stateDict mid-cycle resumes to the same result in a fresh accumulator', () => {
    for (const e of es) {
      const pa = model(e, 5), pb = model(e, 5);
      const a = new GradientAccumulator(make('adam', pa, { lr: 0.01 }), { steps: 4 });
      const b = new GradientAccumulator(make('adam', pb, { lr: 0.01 }), { steps: 4 });
      const batches = [0, 1, 2, 3].map((j) => microGrads(2, j));
      for (const j of [0, 1]) {
        batches[j]!.forEach((x, t) => pa[t]!.grad.set(x));
        a.step();
      }
      const saved = structuredClone(a.stateDict());
      expect(saved.microStep).toBe(2);
      b.loadStateDict(saved);
      expect(b.microSteps).toBe(2);
      for (const j of [2, 3]) {
        for (const ps of [pa, pb]) batches[j]!.forEach((x, t) => ps[t]!.grad.set(x));
        a.step();
        b.step();
      }
      pa.forEach((p, t) => expect(bitDiff(p.data, pb[t]!.data)).toBe(-1));
      expect(a.stateDict()).toEqual(b.stateDict());
    }
  });

  it('bad input: clear errors, nothing changed', () => {
    const e = es[0]!;
    const ps = model(e, 6);
    const opt = make('sgd', ps, { lr: 0.1 });
    const before = ps.map((p) => p.data.slice());
    const bad: Array<[() => unknown, ErrorConstructor, RegExp]> = [
      [() => new GradientAccumulator(opt, { steps: 0 }), RangeError, /steps/],
      [() => new GradientAccumulator(opt, { steps: 1.5 }), RangeError, /steps/],
      [() => new GradientAccumulator(opt, { steps: '2' as never }), TypeError, /steps/],
      [() => new GradientAccumulator(opt, { steps: 2, reduction: 'avg' as never }), TypeError, /reduction/],
      [() => new GradientAccumulator(opt, { steps: 2, every: 3 } as never), TypeError, /unknown option "every"/],
      [() => new GradientAccumulator(opt, undefined as never), TypeError, /options/],
      [() => new GradientAccumulator({} as never, { steps: 2 }), TypeError, /expected an optimizer/],
    ];
    for (const [call, type, message] of bad) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
    const acc = new GradientAccumulator(opt, { steps: 3 });
    ps.forEach((p) => p.grad.fill(1));
    acc.step();
    const state = acc.stateDict();
    const loads: Array<[unknown, RegExp]> = [
      [{ ...state, steps: 4 }, /steps 4/],
      [{ ...state, microStep: 3 }, /microStep must be < 3/],
      [{ ...state, microSteps: -1 }, /microSteps/],
      [{ ...state, accumulated: [] }, /accumulated has 0 entries/],
      [{ ...state, accumulated: state.accumulated.map((a, i) => (i === 2 ? new Float32Array(a.length + 1) : a)) }, /accumulated\[2\]/],
      [null, /expected an object/],
    ];
    for (const [s, message] of loads) expect(() => acc.loadStateDict(s as never)).toThrow(message);
    expect(acc.stateDict()).toEqual(state);
    ps.forEach((p, t) => expect(bitDiff(p.data, before[t]!)).toBe(-1));
    acc.dispose();
    expect(() => acc.step()).toThrow(/disposed/);
  });
});
