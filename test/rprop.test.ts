// Rprop: a hand-computed trajectory through sign flips, zeros and NaN gradients, step-size
// clamping, the initial step size taken from lr at the first step, validation; every
// run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Rprop } from '../src/optim/rprop.js';
import { awkwardGrads, expectBits, onAllBackends } from './helpers/backends.js';
import { engines } from './helpers/lockstep.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

/** The same gradient in every element of a 9-element tensor: 8 SIMD lanes and a scalar tail. */
const lanes = (g: number): number[][] => [Array.from({ length: 9 }, () => g)];

describe('Rprop', () => {
  it('hand-computed trajectory: growth, a sign flip (skipped step, forgotten sign), zero and NaN gradients', () => {
    const gs = [1, 2, -1, -3, 0, 5, Number.NaN, 1];
    const r = onAllBackends(all, Rprop, { options: { lr: 0.01 }, init: [new Float32Array(9)], grads: gs.map(lanes) });
    const s1 = f(0.01), s2 = f(s1 * f(1.2)), s3 = f(s2 * 0.5);
    // step:         1     2            3 (flip)  4 (prev 0)   5 (g 0)  6           7 (NaN)  8 (prev NaN)
    const sizes = [s1, s2, s3, s3, s3, s3, s3, s3];
    const p1 = -s1, p2 = f(p1 - s2), p4 = f(p2 + s3), p6 = f(p4 - s3), p8 = f(p6 - s3);
    const params = [p1, p2, p2, p4, p4, p6, p6, p8];
    const prevs = [1, 2, 0, -3, 0, 5, Number.NaN, 1];
    r.states.forEach((st, s) => {
      expectBits(st[0]!.step_size as Float32Array, Array(9).fill(sizes[s]), `step_size after step ${s + 1}`);
      expectBits(st[0]!.prev as Float32Array, Array(9).fill(prevs[s]), `prev after step ${s + 1}`);
      expectBits(r.params[s]![0]!, Array(9).fill(params[s]), `p after step ${s + 1}`);
    });
  });

  it('the step size is clamped to [sMin, sMax]', () => {
    const grow = onAllBackends(all, Rprop, {
      options: { lr: 0.4, etas: [0.5, 2], stepSizes: [0.3, 0.5] },
      init: [new Float32Array(9)],
      grads: [1, 1, 1].map(lanes),
    });
    expectBits(grow.states[1]![0]!.step_size as Float32Array, Array(9).fill(0.5), 'capped at sMax');
    const shrink = onAllBackends(all, Rprop, {
      options: { lr: 0.4, etas: [0.5, 2], stepSizes: [0.3, 0.5] },
      init: [new Float32Array(9)],
      grads: [1, -1].map(lanes),
    });
    expectBits(shrink.states[1]![0]!.step_size as Float32Array, Array(9).fill(f(0.3)), 'floored at sMin');
  });

  it('the initial step size is the group lr at the first step; later lr edits change nothing', () => {
    const r = onAllBackends(all, Rprop, {
      options: { lr: 0.01 },
      init: [new Float32Array(9)],
      grads: [1, 1].map(lanes),
      before: (opt, s) => {
        opt.paramGroups[0]!.lr = s === 0 ? 0.25 : 7;
      },
    });
    expectBits(r.states[0]![0]!.step_size as Float32Array, Array(9).fill(0.25));
    expectBits(r.states[1]![0]!.step_size as Float32Array, Array(9).fill(f(0.25 * f(1.2))));
  });

  it('etas and step sizes are read from the param group at every step', () => {
    const r = onAllBackends(all, Rprop, {
      options: { lr: 0.1 },
      init: [new Float32Array(9)],
      grads: [1, 1].map(lanes),
      before: (opt, s) => {
        if (s === 1) opt.paramGroups[0]!.etas = [0.5, 3];
      },
    });
    expectBits(r.states[1]![0]!.step_size as Float32Array, Array(9).fill(f(f(0.1) * 3)));
  });

  it('lr = 0 with sMin = 0 never moves the parameters', () => {
    const r = onAllBackends(all, Rprop, { options: { lr: 0, stepSizes: [0, 1] }, init: [[1, -2, 3]], grads: awkwardGrads(3, 6, 1).map((g) => [g]) });
    r.params.forEach((ps, s) => expectBits(ps[0]!, [1, -2, 3], `step ${s + 1}`));
  });

  it('awkward sizes and values (tails, ±0, NaN, ±Infinity, subnormal) agree on every backend', () => {
    const sizes = [1, 3, 4, 5, 8, 9, 17, 33];
    const total = sizes.reduce((a, b) => a + b, 0);
    const init = sizes.map((n, t) => Float32Array.from({ length: n }, (_, i) => Math.cos(i + t)));
    const grads = awkwardGrads(total, 14, 11).map((g, s) => {
      if (s % 4 === 1) g.forEach((_, i) => i % 7 === 2 && (g[i] = Number.NaN));
      if (s % 4 === 2) g.forEach((_, i) => i % 9 === 4 && (g[i] = i % 2 ? Infinity : -Infinity));
      let at = 0;
      return sizes.map((n) => g.slice(at, (at += n)));
    });
    onAllBackends(all, Rprop, { options: { lr: 0.01 }, init, grads });
    onAllBackends(all, Rprop, { options: { lr: 0.2, etas: [0.1, 3], stepSizes: [0, 0.4], maximize: true }, init, grads });
  });

  it('rejects bad options with an error naming the argument, and a bad edit leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    for (const etas of [[0.5, 1], [0, 1.2], [1, 1.2], [1.5, 0.5], [-0.5, 1.2]]) {
      expect(() => new Rprop([w!], { etas: etas as [number, number] })).toThrow(RangeError);
      expect(() => new Rprop([w!], { etas: etas as [number, number] })).toThrow(/etas/);
    }
    expect(() => new Rprop([w!], { etas: [0.5] as never })).toThrow(TypeError);
    expect(() => new Rprop([w!], { stepSizes: [1, 0.5] })).toThrow(/stepSizes/);
    expect(() => new Rprop([w!], { stepSizes: [-1, 0.5] })).toThrow(RangeError);
    expect(() => new Rprop([w!], { stepSizes: [0, Infinity] })).toThrow(RangeError);
    expect(() => new Rprop([w!], { stepSizes: ['a', 1] as never })).toThrow(TypeError);
    expect(() => new Rprop([w!], { lr: -0.1 })).toThrow(/lr/);
    expect(() => new Rprop([w!], { momentum: 0.9 } as never)).toThrow(TypeError);
    const opt = new Rprop([w!], { lr: 0.1 });
    w!.grad.set([1, -1, 1]);
    opt.step();
    const before = { p: w!.data.slice(), st: opt.stateDict().state };
    expect(Object.keys(before.st[0]!).sort()).toEqual(['prev', 'step', 'step_size']);
    opt.paramGroups[0]!.etas = [0.5, 0.9];
    expect(() => opt.step()).toThrow(/etas/);
    expectBits(w!.data, before.p);
    expect(opt.stateDict().state).toEqual(before.st);
    opt.dispose();
    w!.dispose();
  });
});
