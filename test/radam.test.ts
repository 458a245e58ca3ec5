// RAdam: the rectification switching on at the step where ρt first exceeds 5, hand-computed
// steps on both sides of it, torch's lerp for β1 ≥ 0.5 weights, weight decay,
// hyperparameters read at every step, validation; every run compared bit for bit on simd,
// scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { RAdam } from '../src/optim/radam.js';
import { radamStepScale } from '../src/optim/radam.js';
import { expectBits, expectEditRefused, expectExpAvgIsGradientAtBeta1Zero, expectLrZeroHolds, expectNear, onAllBackends } from './helpers/backends.js';
import { engines } from './helpers/lockstep.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

/** RAdam in double precision, straight from the paper / torch's formulas. */
function radamDouble(p0: number[], grads: number[][], o: { lr: number; betas: [number, number]; eps: number }): number[][] {
  const [b1, b2] = o.betas;
  const p = [...p0], m = p0.map(() => 0), v = p0.map(() => 0);
  return grads.map((g, s) => {
    const t = s + 1;
    const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
    const rhoInf = 2 / (1 - b2) - 1;
    const rhoT = rhoInf - (2 * t * b2 ** t) / bc2;
    for (let i = 0; i < p.length; i++) {
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
      if (rhoT > 5) {
        const r = Math.sqrt(((rhoT - 4) * (rhoT - 2) * rhoInf) / ((rhoInf - 4) * (rhoInf - 2) * rhoT));
        p[i] = p[i]! - ((o.lr * r * Math.sqrt(bc2)) / bc1) * (m[i]! / (Math.sqrt(v[i]!) + o.eps));
      } else {
        p[i] = p[i]! - (o.lr / bc1) * m[i]!;
      }
    }
    return [...p];
  });
}

describe('RAdam', () => {
  it('rectification switches on at the first t with ρt > 5 (t = 6 for β2 = 0.999 and 0.9; later or never for small β2)', () => {
    const firstRectified = (b2: number): number => {
      for (let t = 1; t <= 1000; t++) if (radamStepScale(1, 0.9, b2, t).rectified) return t;
      return -1;
    };
    expect(firstRectified(0.999)).toBe(6);
    expect(firstRectified(0.9)).toBe(6);
    expect(firstRectified(0.7)).toBeGreaterThan(6);
    expect(firstRectified(0.5)).toBe(-1); // ρ∞ = 3 ≤ 5: SGD with momentum forever
  });

  it('first step is p − lr·g (unrectified, bias-corrected m = g)', () => {
    const p0 = [1, -2, 0.5, 3, -0.25];
    const g = [0.5, -1, 0, 4, 1e-3];
    const r = onAllBackends(all, RAdam, { options: { lr: 0.1 }, init: [p0], grads: [[g]] });
    expectNear(r.params[0]![0]!, p0.map((p, i) => p - 0.1 * g[i]!), 'p', 1e-6, 1e-7);
    expectBits(r.states[0]![0]!.exp_avg as Float32Array, g.map((x) => f(f(0.1) * x)), 'exp_avg');
  });

  it.each([
    [[0.9, 0.999] as [number, number]],
    [[0.9, 0.9] as [number, number]],
    [[0.3, 0.7] as [number, number]],
  ])('12 steps with betas %j match the double-precision formulas on both sides of the switch', (betas) => {
    const p0 = [0.3, -1.2, 2, 0.01, -0.7, 1.5, 0, 0.9, -3];
    const grads = Array.from({ length: 12 }, (_, s) => p0.map((_, i) => Math.sin(1 + s * 0.7 + i * 1.3) * (i % 3 === 0 ? 0.01 : 1)));
    const o = { lr: 0.01, betas, eps: 1e-8 };
    const r = onAllBackends(all, RAdam, { options: o, init: [p0], grads: grads.map((g) => [g]) });
    const want = radamDouble(p0, grads.map((g) => g.map(f)), o);
    r.params.forEach((ps, s) => expectNear(ps[0]!, want[s]!, `step ${s + 1}`, 2e-6, 1e-7));
  });

  it('β1 = 0 keeps exp_avg equal to the gradient exactly (torch lerp from the far end)', () => {
    expectExpAvgIsGradientAtBeta1Zero(all, RAdam);
  });

  it('a zero gradient leaves p unchanged; decoupled decay then scales p by exactly (1 − lr·λ) per step', () => {
    const zero = [[[0, 0, 0]]];
    const a = onAllBackends(all, RAdam, { options: { lr: 0.1 }, init: [[1, -1, 5]], grads: zero });
    expectBits(a.params[0]![0]!, [1, -1, 5]);
    const b = onAllBackends(all, RAdam, {
      options: { lr: 0.1, weightDecay: 0.5, decoupledWeightDecay: true },
      init: [[1, -1, 5]],
      grads: [...zero, ...zero],
    });
    const d = f(1 - 0.1 * 0.5);
    expectBits(b.params[1]![0]!, [1, -1, 5].map((x) => f(f(x * d) * d)));
  });

  it('lr is read from the param group at every step (schedulers edit it)', () => {
    expectLrZeroHolds(all, RAdam);
  });

  it('rejects bad options with an error naming the argument, and a bad edit leaves state untouched', async () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    expect(() => new RAdam([w!], { betas: [1, 0.999] })).toThrow(/betas\[0\]/);
    expect(() => new RAdam([w!], { betas: [0.9, -0.1] })).toThrow(RangeError);
    expect(() => new RAdam([w!], { eps: -1 })).toThrow(/eps/);
    expect(() => new RAdam([w!], { weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => new RAdam([w!], { lr: Number.NaN })).toThrow(/lr/);
    expect(() => new RAdam([w!], { momentumDecay: 0.1 } as never)).toThrow(TypeError);
    expectEditRefused(new RAdam([w!], { lr: 0.1 }), (g) => {
      g.betas = [0.9, 1];
    }, /betas\[1\]/, 1);
    w!.dispose();
  });
});
