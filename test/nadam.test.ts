// NAdam: hand-computed first step, the momentum schedule and its float32 running product
// `mu_product` (kept per run, saved and restored), torch's lerp for β1 ≤ 0.5, weight decay (L2
// and decoupled), hyperparameters read at every step, validation; every run compared
// bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { NAdam } from '../src/optim/nadam.js';
import { awkwardGrads, expectBits, expectEditRefused, expectExpAvgIsGradientAtBeta1Zero, expectLrZeroHolds, expectNear, onAllBackends } from './helpers/backends.js';
import { engines } from './helpers/lockstep.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

type Opts = { lr: number; betas: [number, number]; eps: number; weightDecay: number; momentumDecay: number; decoupledWeightDecay: boolean };
const base: Opts = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false };

/** NAdam in double precision, from Dozat's update as torch writes it. */
function nadamDouble(p0: number[], grads: number[][], o: Opts): number[][] {
  const [b1, b2] = o.betas;
  const p = [...p0], m = p0.map(() => 0), v = p0.map(() => 0);
  let prod = 1;
  return grads.map((g0, s) => {
    const t = s + 1;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * o.momentumDecay));
    prod *= mu;
    const bc2 = 1 - b2 ** t;
    for (let i = 0; i < p.length; i++) {
      let g = g0[i]!;
      if (o.decoupledWeightDecay) p[i] = p[i]! * (1 - o.lr * o.weightDecay);
      else g += o.weightDecay * p[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = b2 * v[i]! + (1 - b2) * g * g;
      const d = Math.sqrt(v[i]! / bc2) + o.eps;
      p[i] = p[i]! - (o.lr * (1 - mu)) / (1 - prod) * (g / d) - ((o.lr * muNext) / (1 - prod * muNext)) * (m[i]! / d);
    }
    return [...p];
  });
}

describe('NAdam', () => {
  it('first step: p − lr·(1 − μ1)/(1 − μ1)·g/d − lr·μ2/(1 − μ1μ2)·(1 − β1)g/d with d = |g| + ε', () => {
    const p0 = [1, -2, 0.5, 3, -0.25];
    const g = [0.5, -1, 0, 4, 1e-3];
    const r = onAllBackends(all, NAdam, { options: { lr: 0.1 }, init: [p0], grads: [[g]] });
    const mu1 = 0.9 * (1 - 0.5 * 0.96 ** 0.004), mu2 = 0.9 * (1 - 0.5 * 0.96 ** 0.008);
    const want = p0.map((p, i) => {
      const d = Math.abs(g[i]!) + 1e-8;
      return p - 0.1 * (g[i]! / d) - ((0.1 * mu2) / (1 - mu1 * mu2)) * ((0.1 * g[i]!) / d);
    });
    expectNear(r.params[0]![0]!, want, 'p', 1e-6, 1e-7);
    expect(r.states[0]![0]!.mu_product).toBe(f(f(mu1)));
  });

  it('mu_product is the float32 running product of μt, step by step, and survives save/restore', () => {
    const o = { lr: 0.01, momentumDecay: 0.05, betas: [0.95, 0.99] as [number, number] };
    const grads = awkwardGrads(6, 10, 2).map((g) => [g]);
    const r = onAllBackends(all, NAdam, { options: o, init: [[1, 2, 3, 4, 5, 6]], grads });
    let mp = 1;
    r.states.forEach((st, s) => {
      mp = f(mp * f(0.95 * (1 - 0.5 * 0.96 ** ((s + 1) * 0.05))));
      expect(st[0]!.mu_product, `step ${s + 1}`).toBe(mp);
    });
    for (const e of all) {
      const [a] = e.parameters([Float32Array.of(1, 2, 3, 4, 5, 6)]);
      const opt = new NAdam([a!], o);
      grads.slice(0, 4).forEach(([g]) => (a!.grad.set(g!), opt.step()));
      const saved = structuredClone(opt.stateDict());
      opt.dispose();
      const again = new NAdam([a!], o);
      again.loadStateDict(saved);
      grads.slice(4).forEach(([g]) => (a!.grad.set(g!), again.step()));
      expectBits(a!.data, r.params[9]![0]!, `${e.backend}: restored run`);
      expect(again.stateDict().state[0]!.mu_product).toBe(mp);
      expect(() => again.loadStateDict({ ...saved, state: { 0: { ...saved.state[0]!, mu_product: Number.NaN } } })).toThrow(/mu_product/);
      again.dispose();
      a!.dispose();
    }
  });

  it.each([
    ['defaults', {}],
    ['L2 decay', { lr: 0.01, weightDecay: 0.1, momentumDecay: 6e-3 }],
    ['decoupled decay', { lr: 0.01, weightDecay: 0.1, decoupledWeightDecay: true }],
    ['no momentum decay, low betas', { lr: 0.01, betas: [0.3, 0.6] as [number, number], momentumDecay: 0, eps: 1e-6 }],
  ])('12 steps (%s) match the double-precision formulas', (_name, over) => {
    const p0 = [0.3, -1.2, 2, 0.01, -0.7, 1.5, 0, 0.9, -3];
    const grads = Array.from({ length: 12 }, (_, s) => p0.map((_, i) => f(Math.sin(1 + s * 0.7 + i * 1.3) * (i % 3 === 0 ? 0.01 : 1))));
    const o = { ...base, ...over };
    const r = onAllBackends(all, NAdam, { options: o, init: [p0], grads: grads.map((g) => [g]) });
    const want = nadamDouble(p0, grads, o);
    r.params.forEach((ps, s) => expectNear(ps[0]!, want[s]!, `step ${s + 1}`, 2e-6, 1e-7));
  });

  it('β1 = 0 keeps exp_avg equal to the gradient exactly (torch lerp from the far end)', () => {
    expectExpAvgIsGradientAtBeta1Zero(all, NAdam);
  });

  it('a zero gradient leaves p unchanged; decoupled decay then scales p by exactly (1 − lr·λ)', () => {
    const a = onAllBackends(all, NAdam, { options: { lr: 0.1 }, init: [[1, -1, 5]], grads: [[[0, 0, 0]]] });
    expectBits(a.params[0]![0]!, [1, -1, 5]);
    const b = onAllBackends(all, NAdam, {
      options: { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true },
      init: [[1, -1, 5]],
      grads: [[[0, 0, 0]]],
    });
    expectBits(b.params[0]![0]!, [1, -1, 5].map((x) => f(x * f(1 - 0.05))));
  });

  it('lr is read from the param group at every step (schedulers edit it)', () => {
    expectLrZeroHolds(all, NAdam);
  });

  it('rejects bad options with an error naming the argument, and a bad edit leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    expect(() => new NAdam([w!], { momentumDecay: -1e-3 })).toThrow(/momentumDecay/);
    expect(() => new NAdam([w!], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
    expect(() => new NAdam([w!], { betas: [-0.1, 0.999] })).toThrow(RangeError);
    expect(() => new NAdam([w!], { eps: -1 })).toThrow(/eps/);
    expect(() => new NAdam([w!], { decoupledWeightDecay: 1 } as never)).toThrow(TypeError);
    expectEditRefused(new NAdam([w!], { lr: 0.1 }), (g) => {
      g.momentumDecay = -1;
    }, /momentumDecay/, 1);
    w!.dispose();
  });
});
