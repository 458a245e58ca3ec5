/**
 * Skipping non-finite steps, around every registered optimizer on every backend: a gradient with
 * NaN or ±Inf anywhere leaves parameters, gradients and every optimizer state entry exactly as
 * they were, and the run continues as if that step had never been attempted.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import type { Parameter } from '../src/memory/parameter.js';
import type { Optimizer, StateDict } from '../src/optim/optimizer.js';
import { OPTIMIZERS, type OptimizerName } from '../src/optim/registry.js';
import { GradientAccumulator } from '../src/train/accumulate.js';
import { NonFiniteGuard } from '../src/train/nonfinite.js';
import { optimizerCases, parametersFor, withClosure } from './helpers/optimizer-table.js';
import { bitDiff, engines, randomFloats, seeded } from './helpers/toolkit.js';

const SIZES = [33, 7, 1, 16];
let es: Engine[];

beforeAll(async () => {
  es = await engines();
});

function make(name: string, params: Parameter[], options: object): Optimizer<object> {
  const Cls = OPTIMIZERS[name as OptimizerName];
  return withClosure(name, new Cls(params as never, options as never) as unknown as Optimizer<object>, params);
}

function model(e: Engine, name = 'sgd'): Parameter[] {
  const next = seeded(11);
  return parametersFor(e, name, SIZES.map((n) => randomFloats(next, n)));
}

function grads(step: number): Float32Array[] {
  const next = seeded(500 + step);
  return SIZES.map((n) => randomFloats(next, n, [1, 0.01, 3, 1e-4][step % 4]!));
}

function setGrads(ps: Parameter[], g: Float32Array[]): void {
  ps.forEach((p, t) => p.grad.set(g[t]!));
}

function expectSameStateDict(a: StateDict, b: StateDict, where: string): void {
  expect(JSON.stringify(a.paramGroups), where).toBe(JSON.stringify(b.paramGroups));
  expect(Object.keys(a.state), where).toEqual(Object.keys(b.state));
  for (const [i, s] of Object.entries(a.state)) {
    const t = b.state[Number(i)]!;
    expect(Object.keys(s).sort(), where).toEqual(Object.keys(t).sort());
    for (const [k, v] of Object.entries(s)) {
      if (v instanceof Float32Array) expect(bitDiff(v, t[k] as Float32Array), `${where} state[${i}].${k}`).toBe(-1);
      else expect(Object.is(v, t[k]), `${where} state[${i}].${k}: ${String(v)} vs ${String(t[k])}`).toBe(true);
    }
  }
}

// Every optimizer with its defaults, then with each option set its registration declares.
const cases: Array<[string, object]> = [...Object.keys(OPTIMIZERS).map((name): [string, object] => [name, {}]), ...optimizerCases()];

describe('NonFiniteGuard', () => {
  for (const [name, options] of cases) {
    it(`${name} ${JSON.stringify(options)}: a non-finite step changes nothing; the run continues as if it never happened`, () => {
      for (const e of es) {
        const guarded = model(e, name), plain = model(e, name);
        const guard = new NonFiniteGuard(make(name, guarded, options));
        const ref = make(name, plain, options);
        const bads: Array<[number, number, number]> = [
          [1, 0, NaN], // first step: no state yet
          [3, 5, Infinity], // vector part
          [0, 32, -Infinity], // scalar tail
          [2, 0, NaN], // single-element tensor
          [3, 15, NaN],
        ];
        let good = 0;
        for (const [t, i, bad] of bads) {
          // The bad step, attempted through the guard only.
          const g = grads(100 + good);
          g[t]![i] = bad;
          setGrads(guarded, g);
          const before = structuredClone((guard.optimizer as Optimizer<object>).stateDict());
          const values = guarded.map((p) => p.data.slice());
          const skipped = guard.skippedSteps;
          expect(guard.step()).toBeUndefined();
          const where = `${e.backend} bad ${String(bad)} at tensor ${t} [${i}] after ${good} good steps`;
          expect(guard.lastStepSkipped, where).toBe(true);
          expect(guard.skippedSteps).toBe(skipped + 1);
          guarded.forEach((p, k) => {
            expect(bitDiff(p.data, values[k]!), `${where}: param ${k}`).toBe(-1);
            expect(bitDiff(p.grad, g[k]!), `${where}: grad ${k}`).toBe(-1);
          });
          expectSameStateDict((guard.optimizer as Optimizer<object>).stateDict(), before, where);
          // Two good steps on both rigs.
          for (let r = 0; r < 2; r++) {
            const gg = grads(good++);
            setGrads(guarded, gg);
            setGrads(plain, gg);
            guard.step();
            ref.step();
            expect(guard.lastStepSkipped).toBe(false);
          }
          guarded.forEach((p, k) => expect(bitDiff(p.data, plain[k]!.data), `${where}: after resuming, param ${k}`).toBe(-1));
          expectSameStateDict((guard.optimizer as Optimizer<object>).stateDict(), ref.stateDict(), `${where}: after resuming`);
        }
        expect(guard.skippedSteps).toBe(bads.length);
        expect(guard.appliedSteps).toBe(2 * bads.length);
        for (const p of [...guarded, ...plain]) p.dispose();
      }
    });
  }

  it('checks every range when the parameters sit in several blocks; counts them all', () => {
    for (const e of es) {
      const a = e.parameters([5, 9]);
      const b = e.parameter(17);
      const guard = new NonFiniteGuard(make('sgd', [a[0]!, b, a[1]!], { lr: 0.1 }));
      b.grad[16] = -Infinity;
      a[1]!.grad[2] = NaN;
      expect(guard.nonfiniteCount()).toBe(2);
      const before = b.data.slice();
      guard.step();
      expect(guard.lastStepSkipped).toBe(true);
      expect(bitDiff(b.data, before)).toBe(-1);
    }
  });

  it('calls the closure first and returns its value, skipped or not', () => {
    const e = es[0]!;
    const ps = model(e);
    const guard = new NonFiniteGuard(make('adam', ps, {}));
    expect(guard.step(() => {
      ps[0]!.grad[0] = NaN;
      return 1.5;
    })).toBe(1.5);
    expect(guard.lastStepSkipped).toBe(true);
    expect(guard.step(() => {
      ps[0]!.grad[0] = 0;
      return 2.5;
    })).toBe(2.5);
    expect(guard.lastStepSkipped).toBe(false);
  });

  it('maxConsecutiveSkips: throws when exceeded, with nothing changed; a good step resets the run', () => {
    const e = es[1]!;
    const ps = model(e);
    const guard = new NonFiniteGuard(make('sgd', ps, { lr: 0.1 }), { maxConsecutiveSkips: 2 });
    ps[1]!.grad[0] = NaN;
    guard.step();
    guard.step();
    expect(() => guard.step()).toThrow(/3 steps in a row/);
    expect(guard.skippedSteps).toBe(2);
    ps[1]!.grad[0] = 0;
    guard.step();
    expect(guard.consecutiveSkips).toBe(0);
    const state = guard.stateDict();
    expect(state).toEqual({ skippedSteps: 2, consecutiveSkips: 0, appliedSteps: 1 });
    const other = new NonFiniteGuard(make('sgd', model(e), {}));
    other.loadStateDict(state);
    expect(other.stateDict()).toEqual(state);
    expect(() => other.loadStateDict({ ...state, consecutiveSkips: 5 })).toThrow(/consecutiveSkips/);
    expect(() => other.loadStateDict({ ...state, appliedSteps: -1 })).toThrow(/appliedSteps/);
    expect(other.stateDict()).toEqual(state);
  });

  it('composes with gradient accumulation: a non-finite micro-batch skips that optimizer step', () => {
    for (const e of es) {
      const ps = model(e), ref = model(e);
      const acc = new GradientAccumulator(new NonFiniteGuard(make('adam', ps, { lr: 0.01 })), { steps: 2 });
      const guard = acc.optimizer as NonFiniteGuard;
      setGrads(ps, grads(1));
      acc.step();
      const g = grads(2);
      g[0]![3] = Infinity;
      setGrads(ps, g);
      expect(acc.step()).toBe(true);
      expect(guard.lastStepSkipped).toBe(true);
      ps.forEach((p, k) => expect(bitDiff(p.data, ref[k]!.data)).toBe(-1));
    }
  });

  it('bad input: clear errors', () => {
    const e = es[0]!;
    const opt = make('sgd', model(e), {});
    expect(() => new NonFiniteGuard({} as never)).toThrow(/expected an optimizer/);
    expect(() => new NonFiniteGuard(opt, { maxConsecutiveSkips: -1 })).toThrow(RangeError);
    expect(() => new NonFiniteGuard(opt, { maxConsecutiveSkips: 1.5 })).toThrow(/maxConsecutiveSkips/);
    expect(() => new NonFiniteGuard(opt, { maxConsecutiveSkips: '3' as never })).toThrow(TypeError);
    expect(() => new NonFiniteGuard(opt, { skip: true } as never)).toThrow(/unknown option "skip"/);
    const guard = new NonFiniteGuard(opt);
    expect(() => guard.step(42 as never)).toThrow(/closure must be a function/);
    opt.dispose();
    expect(() => guard.step()).toThrow(/disposed/);
  });
});
