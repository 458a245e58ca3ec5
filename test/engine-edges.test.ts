// Engine and toolkit edges found by attacking the public API: each refused call changes nothing.
import { describe, expect, it } from 'vitest';
import { Adam, createEngine, EMA, GradientAccumulator, NonFiniteGuard, SGD } from '../src/index.js';
import { firstBitDifference, memoryWords } from './helpers/lockstep.js';

describe('engine edges', () => {
  it('freeFloats takes only blocks from allocFloats/allocMany, once', async () => {
    const engine = await createEngine({ backend: 'js' });
    const [p] = engine.parameters([16]);
    expect(() => engine.freeFloats(p!.offset)).toThrow(RangeError);
    expect(() => engine.freeFloats(p!.gradOffset)).toThrow(/freeFloats: offset must be a block from allocFloats/);
    const [q] = engine.parameters([16]);
    expect(q!.offset).not.toBe(p!.offset);
    const b = engine.allocFloats(8);
    engine.freeFloats(b);
    expect(() => engine.freeFloats(b)).toThrow(RangeError);
    expect(() => engine.allocMany(null as never)).toThrow(/allocMany: lengths must be an array/);
    engine.dispose();
  });

  it('createEngine reads own options only', async () => {
    const engine = await createEngine(Object.create({ backend: 'js' }));
    expect(engine.backend).not.toBe('js');
    engine.dispose();
  });

  it('a hole in the specs gets the spec message, not an internal error', async () => {
    const engine = await createEngine({ backend: 'js' });
    // eslint-disable-next-line no-sparse-arrays
    expect(() => engine.parameters([, [2]] as never)).toThrow(/spec 0/);
    engine.dispose();
  });
});

describe('NonFiniteGuard', () => {
  it('refuses a closure that returns a Promise before any update', async () => {
    const engine = await createEngine({ backend: 'simd' });
    const ps = engine.parameters([8]);
    ps[0]!.grad.fill(0.5);
    const guard = new NonFiniteGuard(new Adam(ps));
    const before = memoryWords(engine, 0, engine.memory.buffer.byteLength);
    expect(() => guard.step((async () => 1) as never)).toThrow(/NonFiniteGuard\.step: the closure returned a Promise/);
    expect(firstBitDifference(before, memoryWords(engine, 0, engine.memory.buffer.byteLength))).toBe(-1);
    engine.dispose();
  });
});

describe('toolkit state through JSON', () => {
  it('EMA and GradientAccumulator state dicts load back after JSON with the same bits', async () => {
    const engine = await createEngine({ backend: 'js' });
    const ps = engine.parameters([new Float32Array([0.5, -1, 2]), new Float32Array([3, 4])]);
    const ema = new EMA(ps, { decay: 0.9 });
    ps[0]!.data.set([0.25, 0.125, 1]);
    ema.update();
    const saved = ema.stateDict();
    const json = JSON.parse(JSON.stringify(saved));
    ema.update();
    ema.loadStateDict(json);
    expect(ema.stateDict()).toEqual(saved);
    json.shadow[0] = Object.values(json.shadow[0]);
    json.shadow[0][1] = null; // what JSON makes of NaN
    expect(() => ema.loadStateDict(json)).toThrow(/shadow\[0\]\[1\] is null: JSON cannot hold NaN/);
    expect(ema.stateDict()).toEqual(saved);

    const acc = new GradientAccumulator(new SGD(ps, { lr: 0.1 }), { steps: 3 });
    ps.forEach((p) => p.grad.fill(0.5));
    acc.step();
    const mid = acc.stateDict();
    const accJson = JSON.parse(JSON.stringify(mid));
    acc.step();
    acc.loadStateDict(accJson);
    expect(acc.stateDict()).toEqual(mid);
    engine.dispose();
  });
});

describe('schedulers', () => {
  it('refuse a computed lr below 0 before writing any group', async () => {
    const { MultiplicativeLR } = await import('../src/index.js');
    const engine = await createEngine({ backend: 'js' });
    const [p] = engine.parameters([2]);
    const opt = new SGD([p!], { lr: 0.1 });
    const s = new MultiplicativeLR(opt, { lrLambda: () => -1 });
    expect(() => s.step()).toThrow(/MultiplicativeLR.*the lr computed for param group 0 is -0\.1; an lr must be >= 0/);
    expect(opt.paramGroups[0]!.lr).toBe(0.1);
    engine.dispose();
  });
});

describe('checkpoints', () => {
  it('refuse to save optimizer state for a parameter whose values are not saved', async () => {
    const { saveCheckpoint } = await import('../src/index.js');
    const engine = await createEngine({ backend: 'js' });
    const [w, b] = engine.parameters([3, 2]);
    const opt = new Adam([w!, b!]);
    opt.step();
    expect(() => saveCheckpoint({ params: [w!], optimizer: opt })).toThrow(/optimizer's parameter 1 is not in params/);
    expect(saveCheckpoint({ params: [w!, b!], optimizer: opt }).length).toBeGreaterThan(0);
    engine.dispose();
  });
});

describe('too large for wasm32', () => {
  it('is an OutOfMemoryError, as every over-cap request', async () => {
    const { OutOfMemoryError } = await import('../src/index.js');
    const engine = await createEngine({ backend: 'js' });
    expect(() => engine.parameters([[2 ** 31]])).toThrow(OutOfMemoryError);
    expect(() => engine.parameters([[2 ** 31]])).toThrow(/exceed the 4 GiB wasm32 limit/);
    engine.dispose();
  });
});
