// Adagrad: hand-computed steps, the lr_decay schedule, the initial accumulator, zero gradients,
// validation; every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adagrad, type AdagradOptions } from '../src/optim/adagrad.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

describe('Adagrad', () => {
  it('first step: sum = init + g², p − lr·g/(√sum + ε)', () => {
    const p0 = [1, -2, 0.5, 3, -0.25];
    const g = [0.5, -1, 0, 4, 1e-3];
    const options: Partial<AdagradOptions> = { lr: 0.1, initialAccumulatorValue: 0.25 };
    const r = onAllBackends(all, Adagrad, { options, init: [p0], grads: [[g]] });
    const sum = g.map((x) => 0.25 + x * x);
    expectNear(r.state[0]!.sum as Float32Array, sum, 'sum');
    expectNear(r.params[0]![0]!, p0.map((p, i) => p - (0.1 * g[i]!) / (Math.sqrt(sum[i]!) + 1e-10)), 'p');
  });

  it('lrDecay: step t uses lr / (1 + (t − 1)·lrDecay)', () => {
    const steps = 5;
    const r = onAllBackends(all, Adagrad, {
      options: { lr: 0.5, lrDecay: 0.3, eps: 0 },
      init: [[2]],
      grads: Array.from({ length: steps }, () => [[1]]),
    });
    let p = 2;
    for (let t = 1; t <= steps; t++) {
      p -= 0.5 / (1 + (t - 1) * 0.3) / Math.sqrt(t);
      expectNear(r.params[t - 1]![0]!, [p], `step ${t}`);
    }
    expect(r.state[0]!.step).toBe(steps);
  });

  it('the step size is read from the param group at every step (schedulers edit it)', () => {
    const r = onAllBackends(all, Adagrad, {
      options: { lr: 1, eps: 0 },
      init: [[0]],
      grads: [[[1]], [[1]]],
      before: (opt, s) => {
        if (s === 1) opt.paramGroups[0]!.lr = 0.25;
      },
    });
    expectBits(r.params[0]![0]!, [-1]);
    expectBits(r.params[1]![0]!, [f(-1 + f(f(-0.25) / f(Math.SQRT2)))]);
  });

  it('a zero gradient leaves the parameter and a zero accumulator unchanged; with ε = 0 it gives NaN as torch (0/0)', () => {
    const r = onAllBackends(all, Adagrad, { options: { lr: 0.1 }, init: [[1, -1, 0, 5]], grads: [[[0, 0, 0, 0]]] });
    expectBits(r.params[0]![0]!, [1, -1, 0, 5]);
    expectBits(r.state[0]!.sum as Float32Array, [0, 0, 0, 0]);
    const z = onAllBackends(all, Adagrad, { options: { lr: 0.1, eps: 0 }, init: [[1]], grads: [[[0]]] });
    expect(z.params[0]![0]![0]).toBeNaN();
  });

  it('rejects bad options with an error naming the argument, before any change', async () => {
    const e = all[0]!;
    const [p] = e.parameters([[3]]);
    expect(() => new Adagrad([p!], { lrDecay: -1 })).toThrow(/lrDecay/);
    expect(() => new Adagrad([p!], { initialAccumulatorValue: -0.1 })).toThrow(RangeError);
    expect(() => new Adagrad([p!], { eps: -1 })).toThrow(/eps/);
    expect(() => new Adagrad([p!], { lr: Number.NaN })).toThrow(/lr/);
    expect(() => new Adagrad([p!], { maximize: 1 as unknown as boolean })).toThrow(TypeError);
    expectEditRefused(new Adagrad([p!], { lr: 0.1 }), (g) => {
      g.lrDecay = -0.5;
    }, /lrDecay/);
    p!.dispose();
  });
});
