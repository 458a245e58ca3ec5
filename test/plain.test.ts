// Plain Float32Arrays bound to engine parameters: the same trajectory as parameters made in the
// engine, the user's arrays updated by pull(), explicit pushes, bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { Adam, bindArrays, createEngine, type Engine, NonFiniteGuard, SGD } from '../src/index.js';

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ initialBytes: 1 << 16 }); // small: binding makes the memory grow
});

const seq = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.7 + k));

describe('bindArrays', () => {
  it('steps the user arrays exactly as engine parameters would, one contiguous block', () => {
    const w = seq(3000, 1), b = seq(7, 2);
    const gw = new Float32Array(w.length), gb = new Float32Array(b.length);
    const ref = engine.parameters([w.slice(), b.slice()]);
    const bound = bindArrays(engine, [w, b], { grads: [gw, gb], shapes: [[100, 30], [7]], names: ['w', 'b'] });
    const [pw, pb] = bound.parameters as [typeof ref[0], typeof ref[0]];
    expect(pb.offset).toBe(pw.offset + w.length * 4);
    expect(pw.shape).toEqual([100, 30]);
    expect(pw.name).toBe('w');
    const opt = new Adam(bound.parameters, { lr: 0.01 });
    const refOpt = new Adam(ref, { lr: 0.01 });
    for (let t = 0; t < 5; t++) {
      gw.set(seq(w.length, 10 + t));
      gb.set(seq(b.length, 20 + t));
      bound.step(opt);
      ref[0]!.grad.set(gw);
      ref[1]!.grad.set(gb);
      refOpt.step();
      expect(w).toEqual(ref[0]!.data);
      expect(b).toEqual(ref[1]!.data);
    }
    opt.dispose();
    refOpt.dispose();
    bound.dispose();
    ref.forEach((p) => p.dispose());
  });

  it('push() takes values the user changed; pull() alone copies out; wrappers work through step()', () => {
    const v = new Float32Array([1, 2, 3]);
    const g = new Float32Array([1, 1, 1]);
    const bound = bindArrays(engine, v, { grads: [g] });
    const opt = new NonFiniteGuard(new SGD(bound.parameters, { lr: 0.5 }));
    v.set([10, 20, 30]);
    bound.step(opt); // without push(): the engine still holds 1, 2, 3
    expect(Array.from(v)).toEqual([0.5, 1.5, 2.5]);
    v.set([10, 20, 30]);
    bound.push();
    bound.step(opt);
    expect(Array.from(v)).toEqual([9.5, 19.5, 29.5]);
    g[0] = NaN;
    bound.step(opt);
    expect(opt.skippedSteps).toBe(1);
    expect(Array.from(v)).toEqual([9.5, 19.5, 29.5]);
    bound.parameters[0]!.data[1] = 7;
    bound.pull();
    expect(Array.from(v)).toEqual([9.5, 7, 29.5]);
    bound.dispose();
    expect(bound.parameters[0]!.disposed).toBe(true);
  });

  it('without bound gradients, the user writes p.grad; pushGrads() says so', () => {
    const v = new Float32Array([1, 2]);
    const bound = bindArrays(engine, [v]);
    const opt = new SGD(bound.parameters, { lr: 1 });
    bound.parameters[0]!.grad.set([1, 1]);
    bound.step(opt);
    expect(Array.from(v)).toEqual([0, 1]);
    expect(() => bound.pushGrads()).toThrow(/no gradient arrays were bound/);
    bound.dispose();
  });

  it('bad input: a TypeError / RangeError naming the argument', () => {
    const v = new Float32Array(4);
    expect(() => bindArrays(engine, [] as Float32Array[])).toThrow(/values must be a Float32Array or a non-empty array/);
    expect(() => bindArrays(engine, [new Float64Array(2) as unknown as Float32Array])).toThrow(/values\[0\] must be a Float32Array, got Float64Array/);
    expect(() => bindArrays(engine, [[1, 2] as unknown as Float32Array])).toThrow(TypeError);
    expect(() => bindArrays(engine, [v], { grads: [] })).toThrow(RangeError);
    expect(() => bindArrays(engine, [v], { grads: [new Float32Array(3)] })).toThrow(/grads\[0\] has 3 elements, values\[0\] has 4/);
    expect(() => bindArrays(engine, [v], { shapes: [[2, 2], [1]] })).toThrow(RangeError);
    expect(() => bindArrays(engine, [v], { shapes: [[3]] })).toThrow(RangeError);
    expect(() => bindArrays(engine, [v], { names: [1 as unknown as string] })).toThrow(TypeError);
    expect(() => bindArrays(engine, [v], { grad: [] } as never)).toThrow(/unknown option "grad"/);
    expect(() => bindArrays({} as Engine, [v])).toThrow(/engine must be an Engine/);
    expect(() => bindArrays(engine, [v]).step({} as never)).toThrow(/expected an optimizer/);
  });
});
