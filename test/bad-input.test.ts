// Bad input: a clear TypeError / RangeError naming the argument, and nothing changed —
// every byte of memory (params, grads, state) and every hyperparameter stays as it was.
import { beforeEach, describe, expect, it } from 'vitest';
import { Adam, createEngine, type Engine, type Parameter, SGD } from '../src/index.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { expectRefusal, memoryWords } from './helpers/lockstep.js';

type ErrorClass = typeof TypeError | typeof RangeError;

let engine: Engine;
let ps: Parameter[];
let adam: Adam;
let sgd: SGD;

beforeEach(async () => {
  engine = await createEngine({ backend: 'simd', initialBytes: 1 << 20 });
  ps = engine.parameters([[4, 5], 7, 3]);
  ps.forEach((p, i) => {
    p.data.set(Array.from({ length: p.length }, (_, k) => Math.sin(k + i)));
    p.grad.set(Array.from({ length: p.length }, (_, k) => Math.cos(k * i + 1)));
  });
  adam = new Adam([{ params: [ps[0]!, ps[1]!] }, { params: [ps[2]!], lr: 0.1 }], { lr: 0.01, amsgrad: true });
  sgd = new SGD([ps[0]!], { lr: 0.1, momentum: 0.9 });
  adam.step();
  sgd.step();
});

/** The engine's memory above its first 256 bytes, as float32 words. */
const heapWords = () => memoryWords(engine, 256, engine.memory.buffer.byteLength);

function snapshot(opts: Array<Optimizer<object>>) {
  return {
    groups: JSON.stringify(opts.map((o) => o.paramGroups.map(({ params, ...rest }) => [params.length, rest]))),
    states: opts.map((o) => o.stateDict()),
  };
}

/** Runs `fn`, expects `cls` with a message matching `pattern`, and checks nothing changed. */
function rejects(fn: () => unknown, cls: ErrorClass, pattern: RegExp): void {
  const opts = ([adam, sgd] as Array<Optimizer<object>>).filter((o) => !o.disposed);
  const before = snapshot(opts);
  expectRefusal(fn, cls, pattern, heapWords);
  const live = opts.filter((o) => !o.disposed);
  if (live.length === opts.length) {
    const after = snapshot(live);
    expect(after.groups).toBe(before.groups);
    expect(after.states).toEqual(before.states);
  }
}

describe('constructor arguments', () => {
  const p = () => [ps[1]!];
  it.each([
    ['lr < 0', () => new Adam(p(), { lr: -1 }), RangeError, /Adam: lr must be >= 0/],
    ['lr NaN', () => new Adam(p(), { lr: NaN }), RangeError, /lr must be finite/],
    ['lr Infinity', () => new Adam(p(), { lr: Infinity }), RangeError, /lr must be finite/],
    ['lr a string', () => new Adam(p(), { lr: '0.1' as never }), TypeError, /lr must be a number/],
    ['beta1 = 1', () => new Adam(p(), { betas: [1, 0.999] }), RangeError, /betas\[0\] must be in \[0, 1\)/],
    ['beta2 < 0', () => new Adam(p(), { betas: [0.9, -0.1] }), RangeError, /betas\[1\]/],
    ['betas a number', () => new Adam(p(), { betas: 0.9 as never }), TypeError, /betas must be a pair/],
    ['betas of length 1', () => new Adam(p(), { betas: [0.9] as never }), TypeError, /betas must be a pair/],
    ['eps < 0', () => new Adam(p(), { eps: -1e-8 }), RangeError, /eps must be >= 0/],
    ['weightDecay < 0', () => new Adam(p(), { weightDecay: -0.1 }), RangeError, /weightDecay/],
    ['amsgrad not boolean', () => new Adam(p(), { amsgrad: 'yes' as never }), TypeError, /amsgrad must be a boolean/],
    ['torch spelling', () => new Adam(p(), { weight_decay: 0.1 } as never), TypeError, /unknown option "weight_decay"/],
    ['misspelt option', () => new SGD(p(), { lrr: 0.1 } as never), TypeError, /unknown option "lrr"/],
    ['options not an object', () => new Adam(p(), 5 as never), TypeError, /options must be an object/],
    ['nesterov without momentum', () => new SGD(p(), { nesterov: true }), RangeError, /nesterov requires momentum > 0/],
    ['nesterov with dampening', () => new SGD(p(), { nesterov: true, momentum: 0.9, dampening: 0.1 }), RangeError, /dampening = 0/],
    ['momentum < 0', () => new SGD(p(), { momentum: -0.5 }), RangeError, /momentum must be >= 0/],
    ['dampening NaN', () => new SGD(p(), { dampening: NaN }), RangeError, /dampening must be finite/],
    ['no params', () => new Adam([]), TypeError, /params must be a non-empty array/],
    ['params not an array', () => new Adam(ps[0] as never), TypeError, /params must be a non-empty array/],
    ['params holding numbers', () => new Adam([{ params: [1, 2] }] as never), TypeError, /Parameter objects/],
    ['a parameter twice', () => new Adam([ps[1]!, ps[1]!]), TypeError, /more than once/],
    ['a parameter in two groups', () => new Adam([{ params: [ps[1]!] }, { params: [ps[1]!] }]), TypeError, /more than once/],
    ['group without params', () => new Adam([{ lr: 0.1 }] as never), TypeError, /param group 0: expected \{ params/],
    ['bad group override', () => new Adam([{ params: [ps[1]!], lr: -2 }]), RangeError, /param group 0: lr must be >= 0/],
  ] as Array<[string, () => unknown, ErrorClass, RegExp]>)('%s', (_n, fn, cls, pattern) => rejects(fn, cls, pattern));

  it('an option given as undefined means the default, not NaN', () => {
    const a = new Adam([ps[1]!], { lr: undefined, betas: undefined });
    const b = new Adam([{ params: [ps[2]!], lr: undefined }], { lr: 0.5 });
    expect(a.paramGroups[0]!.lr).toBe(1e-3);
    expect(a.paramGroups[0]!.betas).toEqual([0.9, 0.999]);
    expect(b.paramGroups[0]!.lr).toBe(0.5);
    a.dispose();
    b.dispose();
  });

  it('parameters of two engines', async () => {
    const other = await createEngine({ backend: 'js' });
    const q = other.parameter(3);
    rejects(() => new Adam([ps[1]!, q]), TypeError, /one engine/);
  });

  it('a disposed parameter', () => {
    const q = engine.parameter(3);
    q.dispose();
    rejects(() => new Adam([q]), TypeError, /disposed/);
  });
});

describe('step() with hyperparameters edited into bad values', () => {
  it.each([
    ['lr < 0', () => { adam.paramGroups[0]!.lr = -1; }, RangeError, /param group 0: lr must be >= 0/],
    ['lr NaN', () => { adam.paramGroups[1]!.lr = NaN; }, RangeError, /param group 1: lr must be finite/],
    ['betas out of range', () => { adam.paramGroups[0]!.betas = [1.5, 0.9]; }, RangeError, /betas\[0\]/],
    ['betas edited in place', () => { adam.paramGroups[1]!.betas[1] = 1; }, RangeError, /param group 1: betas\[1\]/],
    ['eps a string', () => { (adam.paramGroups[1] as { eps: unknown }).eps = 'x'; }, TypeError, /eps must be a number/],
    ['an unknown key added', () => { (adam.paramGroups[0] as unknown as Record<string, unknown>).momentum = 0.9; }, TypeError, /unknown option "momentum"/],
  ] as Array<[string, () => void, ErrorClass, RegExp]>)('%s: no group is updated', (_n, edit, cls, pattern) => {
    const before = snapshot([adam, sgd]);
    edit();
    expectRefusal(() => adam.step(), cls, pattern, heapWords);
    const after = snapshot([adam, sgd]);
    expect(after.states.map((s) => s.state)).toEqual(before.states.map((s) => s.state));
  });

  it('lr set to undefined', () => {
    adam.paramGroups[0]!.lr = undefined as never;
    rejects(() => adam.step(), TypeError, /param group 0: lr is undefined/);
  });

  it('nesterov switched on while dampening is set', () => {
    sgd.paramGroups[0]!.dampening = 0.5;
    sgd.paramGroups[0]!.nesterov = true;
    rejects(() => sgd.step(), RangeError, /nesterov requires/);
  });

  it('a closure that is not a function', () => rejects(() => adam.step(42 as never), TypeError, /closure must be a function/));
});

describe('use after dispose', () => {
  it('a disposed optimizer', () => {
    sgd.dispose();
    rejects(() => sgd.step(), TypeError, /SGD.step: the optimizer has been disposed/);
  });
  it('a disposed parameter', () => {
    const [a, b] = engine.parameters([2, 2]);
    const o = new SGD([a!, b!], { lr: 1 });
    a!.grad.fill(1);
    b!.dispose();
    rejects(() => o.step(), TypeError, /a parameter has been disposed/);
    expect(Array.from(a!.data)).toEqual([0, 0]);
  });
  it('a parameter disposed after the optimizer has already stepped', () => {
    const [a, b] = engine.parameters([2, 2]);
    const o = new SGD([a!, b!], { lr: 1 });
    a!.grad.fill(1);
    o.step();
    o.step();
    b!.dispose();
    rejects(() => o.step(), TypeError, /a parameter has been disposed/);
    expect(Array.from(a!.data)).toEqual([-2, -2]);
  });
  it('a disposed engine', () => {
    engine.dispose();
    expect(() => adam.step()).toThrow(/engine has been disposed/);
    expect(() => engine.parameters([3])).toThrow(TypeError);
    expect(() => ps[0]!.data).toThrow(/disposed/);
  });
});

describe('loadStateDict()', () => {
  const good = () => adam.stateDict();
  it.each([
    ['not an object', () => adam.loadStateDict(null as never), TypeError, /expected \{ state, paramGroups \}/],
    ['wrong number of groups', () => adam.loadStateDict({ ...good(), paramGroups: good().paramGroups.slice(1) }), RangeError, /expected 2 param groups, got 1/],
    ['wrong number of params', () => { const d = good(); d.paramGroups[0]!.params = [0]; adam.loadStateDict(d); }, RangeError, /has 1 parameters, this optimizer's has 2/],
    ['buffer of the wrong length', () => { const d = good(); d.state[1]!.exp_avg = new Float32Array(3); adam.loadStateDict(d); }, RangeError, /state\[1\]\.exp_avg has 3 elements, the parameter has 7/],
    ['buffer of the wrong type', () => { const d = good(); (d.state[0] as Record<string, unknown>).max_exp_avg_sq = 'x'; adam.loadStateDict(d); }, TypeError, /max_exp_avg_sq must be a Float32Array/],
    ['unexpected entry', () => { const d = good(); (d.state[0] as Record<string, unknown>).foo = 1; adam.loadStateDict(d); }, TypeError, /unknown entry "foo"/],
    ['step 0', () => { const d = good(); d.state[2]!.step = 0; adam.loadStateDict(d); }, RangeError, /step must be an integer >= 1/],
    ['fractional step', () => { const d = good(); d.state[2]!.step = 1.5; adam.loadStateDict(d); }, RangeError, /step must be an integer/],
    ['index out of range', () => { const d = good(); d.state[9] = d.state[0]!; adam.loadStateDict(d); }, RangeError, /state\[9\]: no parameter/],
    ['bad hyperparameter', () => { const d = good(); d.paramGroups[1]!.lr = -1; adam.loadStateDict(d); }, RangeError, /lr must be >= 0/],
    ['state not an object', () => adam.loadStateDict({ state: 3, paramGroups: good().paramGroups } as never), TypeError, /state must be an object/],
  ] as Array<[string, () => unknown, ErrorClass, RegExp]>)('%s', (_n, fn, cls, pattern) => rejects(fn, cls, pattern));
});

describe('addParamGroup()', () => {
  it('a parameter already in a group', () => rejects(() => adam.addParamGroup({ params: [ps[0]!] }), TypeError, /more than one group/));
  it('a bad option', () => {
    const q = engine.parameter(2);
    rejects(() => adam.addParamGroup({ params: [q], betas: [0.9, 2] }), RangeError, /betas\[1\]/);
  });
});

describe('engine and parameter specs', () => {
  it.each([
    ['negative length', () => engine.parameters([-3]), RangeError, /spec 0: a length must be a non-negative integer, got -3/],
    ['fractional dimension', () => engine.parameters([[2, 1.5]]), RangeError, /non-negative integers/],
    ['data of the wrong length', () => engine.parameters([{ shape: [2, 2], data: [1, 2, 3] }]), RangeError, /data has 3 elements but shape \[2, 2\] needs 4/],
    ['a string spec', () => engine.parameters(['abc' as never]), TypeError, /expected a length, a shape/],
    ['non-numeric data', () => engine.parameters([{ data: [1, 'x'] as never }]), TypeError, /data\[1\] must be a number, got "x"/],
    ['unknown spec field', () => engine.parameters([{ shape: [2], dtype: 'f16' } as never]), TypeError, /unknown field "dtype"/],
    ['specs not an array', () => engine.parameters(5 as never), TypeError, /specs must be an array, got 5/],
  ] as Array<[string, () => unknown, ErrorClass, RegExp]>)('%s', (_n, fn, cls, pattern) => rejects(fn, cls, pattern));

  it.each([
    ['unknown backend', { backend: 'gpu' }, TypeError, /backend must be/],
    ['negative initialBytes', { initialBytes: -1 }, RangeError, /initialBytes must be an integer/],
    ['misspelt option', { thread: 2 }, TypeError, /unknown option "thread"/],
  ] as Array<[string, object, ErrorClass, RegExp]>)('createEngine: %s', async (_n, o, cls, pattern) => {
    const err = await createEngine(o as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toMatch(pattern);
  });
});
