// The one validation module and every entry point that uses it: unknown names are found as own
// keys (so `constructor`, `toString`, `valueOf`, `hasOwnProperty` and an own `__proto__` are
// unknown like any misspelling), messages carry a "did you mean" hint, and a refused call
// changes nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint/index.js';
import { createEngine, type Engine } from '../src/engine.js';
import { Adam, SGD } from '../src/index.js';
import type { Parameter } from '../src/memory/parameter.js';
import { MLP } from '../src/nn/mlp.js';
import { ChainedScheduler, CosineAnnealingLR, ExponentialLR, ReduceLROnPlateau, SequentialLR, StepLR } from '../src/schedule/index.js';
import { GradientAccumulator } from '../src/train/accumulate.js';
import { clipGradNorm } from '../src/train/clip.js';
import { EMA } from '../src/train/ema.js';
import { NonFiniteGuard } from '../src/train/nonfinite.js';
import { checkKeys, checkOptions, didYouMean, nonNegative, perGroup, readOptions, show } from '../src/validation/index.js';

/** Option objects whose only key is a name every object inherits, or an own `__proto__`. */
function inheritedNames(): Array<[string, object]> {
  const viaDefine = {};
  Object.defineProperty(viaDefine, '__proto__', { value: 1, enumerable: true });
  return [
    ['constructor', { constructor: 1 }],
    ['toString', { toString: 1 }],
    ['valueOf', { valueOf: 1 }],
    ['hasOwnProperty', { hasOwnProperty: 1 }],
    ['isPrototypeOf', { isPrototypeOf: 1 }],
    ['__proto__', JSON.parse('{"__proto__": 1}') as object],
    ['__proto__', viaDefine],
  ];
}

/** Expects `fn` to throw a TypeError reporting `name` as an unknown option (or entry). */
function expectUnknown(fn: () => unknown, name: string, what = 'option'): void {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${name}: no error`).toBeInstanceOf(TypeError);
  expect((err as Error).message).toContain(`unknown ${what} "${name}"`);
}

describe('the validation module', () => {
  const schema = { lr: nonNegative, betas: nonNegative, weightDecay: nonNegative, eps: nonNegative };

  it('finds unknown keys by own property, never by what the schema inherits', () => {
    for (const [name, o] of inheritedNames()) expectUnknown(() => checkOptions(o, schema, 'Thing'), name);
    for (const [name, o] of inheritedNames()) expectUnknown(() => checkKeys(o, ['lr'], 'Thing', { what: 'entry' }), name, 'entry');
    // A schema that itself has no prototype, and one with a `toString` check of its own.
    const bare = Object.assign(Object.create(null) as object, { lr: nonNegative });
    expectUnknown(() => checkOptions({ toString: 1 }, bare, 'Thing'), 'toString');
    expect(() => checkOptions({ toString: 1 }, { toString: nonNegative }, 'Thing')).not.toThrow();
  });

  it('one message style, with a did-you-mean hint', () => {
    expect(() => checkOptions({ lrr: 1 }, schema, 'Adam')).toThrow('Adam: unknown option "lrr" (did you mean "lr"?; known: lr, betas, weightDecay, eps)');
    expect(() => checkOptions({ weight_decay: 1 }, schema, 'Adam')).toThrow(/did you mean "weightDecay"\?/);
    expect(() => checkOptions({ momentum: 1 }, schema, 'Adam')).toThrow('Adam: unknown option "momentum" (known: lr, betas, weightDecay, eps)');
    expect(() => checkOptions({ lr: -1 }, schema, 'Adam')).toThrow('Adam: lr must be >= 0, got -1');
    expect(() => checkOptions({ lr: '1' }, schema, 'Adam')).toThrow('Adam: lr must be a number, got "1"');
    expect(() => checkOptions([], schema, 'Adam')).toThrow('Adam: options must be an object, got []');
    expect(() => perGroup(nonNegative)([1], 'minLrs', 'X', { groups: 2 })).toThrow('X: minLrs must have one value per param group (2), got 1');
    expect(() => checkKeys({ a: 1 }, ['a', 'b'], 'X', { what: 'entry', required: ['a', 'b'] })).toThrow('X: missing entry "b"');
    expect(readOptions(undefined, schema, 'X')).toEqual({});
  });

  it('suggests only near names', () => {
    expect(didYouMean('LR', ['lr', 'eps'])).toBe('lr');
    expect(didYouMean('bettas', ['lr', 'betas'])).toBe('betas');
    expect(didYouMean('momentun', ['momentum', 'dampening'])).toBe('momentum');
    expect(didYouMean('xy', ['lr', 'eps'])).toBeUndefined();
    expect(didYouMean('amsgrad', ['maximize'])).toBeUndefined();
    expect(show(-0)).toBe('-0');
    expect(show(() => 1)).toBe('a function');
    expect(show('x'.repeat(500)).length).toBe(80);
  });
});

describe('every entry point refuses inherited names', () => {
  let engine: Engine;
  let ps: Parameter[];
  beforeEach(async () => {
    engine = await createEngine({ backend: 'js', initialBytes: 1 << 20 });
    ps = engine.parameters([[2, 3], 3]);
    ps.forEach((p, i) => {
      p.data.set(Array.from({ length: p.length }, (_, k) => Math.sin(k + i)));
      p.grad.set(Array.from({ length: p.length }, (_, k) => Math.cos(k + i)));
    });
  });

  it('optimizers: options, group overrides, added groups, loaded groups — nothing changed', () => {
    const adam = new Adam([{ params: [ps[0]!] }, { params: [ps[1]!], lr: 0.1 }], { lr: 0.01 });
    adam.step();
    const good = adam.stateDict();
    const before = JSON.stringify(good, (_k, v: unknown) => (v instanceof Float32Array ? [...v] : v));
    const extra = engine.parameter(2);
    for (const [name, o] of inheritedNames()) {
      expectUnknown(() => new Adam(ps, o as never), name);
      expectUnknown(() => new SGD([{ params: ps, ...o }] as never), name);
      expectUnknown(() => adam.addParamGroup({ params: [extra], ...o } as never), name);
      const d = adam.stateDict();
      Object.defineProperty(d.paramGroups[1]!, Object.keys(o)[0]!, { value: 1, enumerable: true });
      expectUnknown(() => adam.loadStateDict(d), name);
    }
    expect(adam.paramGroups.length).toBe(2);
    expect(JSON.stringify(adam.stateDict(), (_k, v: unknown) => (v instanceof Float32Array ? [...v] : v))).toBe(before);
    expect(() => new SGD(ps, { lrr: 0.1 } as never)).toThrow(/unknown option "lrr" \(did you mean "lr"\?; known: lr, /);
  });

  it('schedulers: options of every kind, and loaded state dicts', () => {
    const opt = new SGD(ps, { lr: 0.1, momentum: 0.9 });
    const sched = new StepLR(opt, { stepSize: 2 });
    sched.step();
    const good = sched.stateDict();
    for (const [name, o] of inheritedNames()) {
      expectUnknown(() => new StepLR(opt, { stepSize: 2, ...o } as never), name);
      expectUnknown(() => new CosineAnnealingLR(opt, { tMax: 5, ...o } as never), name);
      expectUnknown(() => new ReduceLROnPlateau(opt, o as never), name);
      const d = { ...good };
      Object.defineProperty(d, Object.keys(o)[0]!, { value: 1, enumerable: true });
      expectUnknown(() => sched.loadStateDict(d), name, 'entry');
    }
    expect(sched.stateDict()).toEqual(good);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    expect(() => new StepLR(opt, { stepsize: 2 } as never)).toThrow(/did you mean "stepSize"\?/);
  });

  it('the training toolkit and the network', () => {
    const opt = new SGD(ps, { lr: 0.1 });
    for (const [name, o] of inheritedNames()) {
      expectUnknown(() => new EMA(ps, o as never), name);
      expectUnknown(() => new NonFiniteGuard(opt, o as never), name);
      expectUnknown(() => new GradientAccumulator(opt, { steps: 2, ...o } as never), name);
      expectUnknown(() => clipGradNorm(ps, 1, o as never), name);
      expectUnknown(() => new MLP(engine, { sizes: [2, 1], ...o } as never), name);
    }
    expect(() => new EMA(ps, { decy: 0.9 } as never)).toThrow(/did you mean "decay"\?/);
    expect(() => clipGradNorm(ps, 1, { norm_type: 1 } as never)).toThrow(/did you mean "normType"\?/);
  });

  it('checkpoints: options, and the optimizer and scheduler state in the metadata', () => {
    const opt = new Adam(ps, { lr: 0.01 });
    const sched = new ExponentialLR(opt, { gamma: 0.5 });
    opt.step();
    sched.step();
    const bytes = saveCheckpoint({ params: ps, optimizer: opt, scheduler: sched });
    for (const [name, o] of inheritedNames()) {
      expectUnknown(() => saveCheckpoint({ params: ps, ...o } as never), name);
      expectUnknown(() => loadCheckpoint(bytes, { params: ps, ...o } as never), name);
    }
    expect(() => loadCheckpoint(bytes, { params: ps, optimiser: opt } as never)).toThrow(/did you mean "optimizer"\?/);
  });
});

describe('state dicts: wrong lengths and unknown entries are refused before anything changes', () => {
  const groups = () => ({ paramGroups: [{ lr: 0.1 }, { lr: 0.2 }] });

  it('ReduceLROnPlateau: lastLr per group; minLrs per group unless a single minLr fills new groups', () => {
    const list = new ReduceLROnPlateau(groups(), { minLr: [0.01, 0.02], patience: 0 });
    list.step(1);
    const good = list.stateDict();
    const bads: Array<Record<string, number[]>> = [{ lastLr: [0.1] }, { lastLr: [0.1, 0.2, 0.3] }, { minLrs: [0.01] }, { minLrs: [0.01, 0.02, 0.03] }];
    for (const bad of bads) {
      expect(() => list.loadStateDict({ ...good, ...bad })).toThrow(/must have one value per param group \(2\)/);
      expect(list.stateDict()).toEqual(good);
    }
    // A single minLr saved before a group was added: the reduction extends it, so it loads.
    const single = new ReduceLROnPlateau(groups(), { minLr: 0.01 });
    single.loadStateDict({ ...single.stateDict(), minLrs: [0.01] });
    single.step(1);
    expect(single.minLrs).toEqual([0.01]);
  });

  it('SequentialLR and ChainedScheduler: lastLr per group', () => {
    const opt = groups();
    const a = new StepLR(opt, { stepSize: 1 });
    const b = new ExponentialLR(opt, { gamma: 0.9 });
    const chained = new ChainedScheduler([a, b]);
    const good = chained.stateDict();
    expect(() => chained.loadStateDict({ ...good, lastLr: [0.1] })).toThrow(/lastLr must have one value per param group/);
    expect(chained.stateDict()).toEqual(good);
    const opt2 = groups();
    const seq = new SequentialLR(opt2, { schedulers: [new StepLR(opt2, { stepSize: 1 }), new ExponentialLR(opt2, { gamma: 0.9 })], milestones: [2] });
    const good2 = seq.stateDict();
    expect(() => seq.loadStateDict({ ...good2, lastLr: [0.1, 0.2, 0.3] })).toThrow(/lastLr must have one value per param group/);
    expect(seq.stateDict()).toEqual(good2);
  });

  it('EMA, NonFiniteGuard, GradientAccumulator: unknown or missing entries and wrong types', async () => {
    const engine = await createEngine({ backend: 'js', initialBytes: 1 << 20 });
    const ps = engine.parameters([3, 2]);
    ps.forEach((p) => p.grad.fill(0.5));
    const ema = new EMA(ps, { decay: 0.5 });
    ema.update();
    const guard = new NonFiniteGuard(new SGD(ps, { lr: 0.1 }));
    guard.step();
    const acc = new GradientAccumulator(new SGD(ps, { lr: 0.1 }), { steps: 3 });
    acc.step();
    const cases: Array<[{ stateDict(): object; loadStateDict(s: never): void }, object, RegExp]> = [
      [ema, { foo: 1 }, /EMA.loadStateDict: unknown entry "foo"/],
      [ema, { numUpdate: 1 }, /unknown entry "numUpdate" \(did you mean "numUpdates"\?/],
      [ema, { decay: 'x' }, /decay must be a number/],
      [ema, { warmup: 1 }, /warmup must be a boolean/],
      [ema, { numUpdates: 1.5 }, /numUpdates must be an integer/],
      [guard, { foo: 1 }, /NonFiniteGuard.loadStateDict: unknown entry "foo"/],
      [guard, { constructor: 1 }, /unknown entry "constructor"/],
      [guard, { skippedSteps: '1' }, /skippedSteps must be a number/],
      [acc, { foo: 1 }, /GradientAccumulator.loadStateDict: unknown entry "foo"/],
      [acc, { toString: 1 }, /unknown entry "toString"/],
      [acc, { microSteps: '1' }, /microSteps must be a number/],
    ];
    for (const [obj, change, message] of cases) {
      const before = obj.stateDict();
      expect(() => obj.loadStateDict({ ...before, ...change } as never)).toThrow(message);
      expect(obj.stateDict()).toEqual(before);
    }
    for (const obj of [ema, guard, acc] as Array<{ stateDict(): object; loadStateDict(s: never): void }>) {
      const { [Object.keys(obj.stateDict())[1]!]: _gone, ...missing } = obj.stateDict() as Record<string, unknown>;
      expect(() => obj.loadStateDict(missing as never)).toThrow(/missing entry/);
    }
  });
});
