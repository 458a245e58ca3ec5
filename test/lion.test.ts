// Lion: hand-computed first step, the sign taken on the OLD momentum, sign(0) = 0, updates of
// exactly ±lr whatever the gradient's scale, live hyperparameters, validation; every
// run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Lion } from '../src/optim/lion.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, expectEditRefused, onAllBackends, TAIL_SIZES } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

describe('Lion', () => {
  it('first step (m = 0): p − lr·(sign(g) + λ·p), m = (1 − β2)·g', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 7];
    const g = [0.5, -1, 0, 4, 1e-3, -30];
    const r = onAllBackends(all, Lion, { options: { lr: 0.01, weightDecay: 0.1 }, init: [p0], grads: [[g]] });
    const lr = f(-0.01), wd = f(0.1);
    expectBits(r.params[0]![0]!, p0.map((p, i) => f(p + f(lr * f(Math.sign(g[i]!) + f(wd * f(p)))))), 'p');
    expectBits(r.state[0]!.exp_avg as Float32Array, g.map((x) => f(f(1 - 0.99) * f(x))), 'exp_avg');
  });

  it('the direction interpolates with β1 and the momentum from before the step; m then moves with β2', () => {
    // Step 1 builds m = 0.01·100 = 1. Step 2, g = −9.5: 0.1·(−9.5) + 0.9·1 = −0.05 < 0, so p rises,
    // although the updated momentum 0.01·(−9.5) + 0.99·1 = 0.895 (or a β2 interpolation) is > 0.
    const r = onAllBackends(all, Lion, { options: { lr: 0.1, weightDecay: 0 }, init: [[0]], grads: [[[100]], [[-9.5]]] });
    expectBits(r.params[0]![0]!, [f(-0.1)]);
    expectBits(r.params[1]![0]!, [f(f(-0.1) + f(0.1))]);
    const m1 = f(f(1 - 0.99) * 100);
    expectBits(r.state[0]!.exp_avg as Float32Array, [f(f(f(1 - 0.99) * -9.5) + f(f(0.99) * m1))]);
  });

  it('sign(0) = 0: a zero gradient on zero momentum applies only the weight decay', () => {
    const p0 = [2, -4, 0, 1e-3, -0];
    const r = onAllBackends(all, Lion, { options: { lr: 0.5, weightDecay: 0.25 }, init: [p0], grads: [[[0, 0, 0, 0, 0]]] });
    expectBits(r.params[0]![0]!, p0.map((x) => f(f(x) + f(f(-0.5) * f(0 + f(f(0.25) * f(x)))))));
    expectBits(r.state[0]!.exp_avg as Float32Array, [0, 0, 0, 0, 0]);
  });

  it('every element moves by exactly lr (λ = 0), from tiny to huge gradients, at every tail size', () => {
    for (const n of TAIL_SIZES) {
      const g = Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * [1e-30, 1e-4, 1, 50, 1e30][i % 5]!);
      const r = onAllBackends(all, Lion, { options: { lr: 0.125, weightDecay: 0 }, init: [new Float32Array(n)], grads: [[g]] });
      expectBits(r.params[0]![0]!, g.map((x) => (x > 0 ? -0.125 : 0.125)), `n = ${n}`);
    }
  });

  it('reads lr, betas and weightDecay from the param group at every step', () => {
    const r = onAllBackends(all, Lion, {
      options: { lr: 1, weightDecay: 0 },
      init: [[0]],
      grads: [[[1]], [[1]], [[1]]],
      before: (opt, s) => {
        if (s === 1) opt.paramGroups[0]!.lr = 0.25;
        if (s === 2) opt.paramGroups[0]!.weightDecay = 1;
      },
    });
    expectBits(r.params[0]![0]!, [-1]);
    expectBits(r.params[1]![0]!, [-1.25]);
    expectBits(r.params[2]![0]!, [f(-1.25 + f(-0.25 * f(1 + -1.25)))]);
  });

  it('a NaN gradient gives NaN (sign(NaN) = NaN), only where it is', () => {
    const r = onAllBackends(all, Lion, { options: { lr: 0.1 }, init: [[1, 1, 1, 1, 1]], grads: [[[1, NaN, -1, 2, 3]]] });
    const p = r.params[0]![0]!;
    expect(Number.isNaN(p[1]!)).toBe(true);
    expect([0, 2, 3, 4].every((i) => Number.isFinite(p[i]!))).toBe(true);
  });

  it('validates options with errors naming the argument, and leaves state untouched', async () => {
    const e = all[0]!;
    const [w] = e.parameters([[4]]);
    expect(() => new Lion([w!], { betas: [1, 0.99] })).toThrow(/betas\[0\]/);
    expect(() => new Lion([w!], { betas: [0.9, -0.1] })).toThrow(/betas\[1\]/);
    expect(() => new Lion([w!], { weightDecay: NaN })).toThrow(/weightDecay/);
    expect(() => new Lion([w!], { eps: 1e-8 } as never)).toThrow(/unknown option "eps"/);
    expectEditRefused(new Lion([w!], { lr: 0.1 }), (g) => {
      g.betas = [0.9, 1.5];
    }, /betas\[1\]/);
    w!.dispose();
  });
});
