// Adamax: hand-computed steps with bias correction, the infinity norm's max (decay vs. a new
// peak), torch's two-branch lerp for β1 ≤ 0.5, zero and NaN gradients, validation;
// every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adamax } from '../src/optim/adamax.js';
import { engines } from './helpers/lockstep.js';
import { rng, values } from './helpers/random.js';
import { expectBits, expectEditRefused, expectNear, LOOP, onAllBackends } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const { p0: P0, g1: G1, g2: G2 } = LOOP;

describe('Adamax', () => {
  it('three steps with weight decay against a double-precision loop', () => {
    const o = { lr: 0.01, betas: [0.8, 0.99] as [number, number], eps: 1e-8, weightDecay: 0.1 };
    const grads = [G1, G2, G1];
    const r = onAllBackends(all, Adamax, { options: o, init: [P0], grads: grads.map((g) => [g]) });
    const p = [...P0], m = p.map(() => 0), u = p.map(() => 0);
    grads.forEach((gs, s) => {
      const clr = o.lr / (1 - o.betas[0] ** (s + 1));
      for (let i = 0; i < p.length; i++) {
        const g = gs[i]! + o.weightDecay * p[i]!;
        m[i] = m[i]! + (1 - o.betas[0]) * (g - m[i]!);
        u[i] = Math.max(o.betas[1] * u[i]!, Math.abs(g) + o.eps);
        p[i] = p[i]! - (clr * m[i]!) / u[i]!;
      }
      expectNear(r.params[s]![0]!, p, `p after step ${s + 1}`);
    });
    expectNear(r.state[0]!.exp_avg as Float32Array, m, 'exp_avg');
    expectNear(r.state[0]!.exp_inf as Float32Array, u, 'exp_inf');
    expect(Object.keys(r.state[0]!)).toEqual(['step', 'exp_avg', 'exp_inf']);
  });

  it('exp_inf decays by β2 below its peak and jumps to |g| + ε above it', () => {
    const r = onAllBackends(all, Adamax, { options: { betas: [0.9, 0.5] }, init: [Float32Array.of(0, 0)], grads: [[Float32Array.of(8, 1)], [Float32Array.of(1, 8)]] });
    const eps = f(1e-8);
    expectBits(r.state[0]!.exp_inf as Float32Array, [f(f(f(8 + eps)) * 0.5), f(8 + eps)]);
  });

  // torch's lerp(x, y, w) with w = 1 − β1: x + w(y − x) when |w| < 0.5, else y + (w − 1)(y − x).
  it.each([0.9, 0.5, 0.3, 0])('exp_avg uses the lerp branch torch picks (β1 = %s)', (b1) => {
    const next = rng(21);
    const m0 = values(next, 19).map((x) => 3 * x);
    const g = values(next, 19).map((x) => 3 * x);
    const r = onAllBackends(all, Adamax, {
      options: { betas: [b1, 0.999] },
      init: [new Float32Array(19)],
      grads: [[g]],
      before: (opt) => {
        const { paramGroups } = opt.stateDict();
        opt.loadStateDict({ state: { 0: { step: 3, exp_avg: m0, exp_inf: new Float32Array(19).fill(2) } }, paramGroups });
      },
    });
    const w = f(1 - b1);
    const near = (x: number, y: number) => f(x + f(w * f(y - x)));
    const far = (x: number, y: number) => f(y + f(f(w - 1) * f(y - x)));
    const torch = Math.abs(w) < 0.5 ? near : far;
    const other = Math.abs(w) < 0.5 ? far : near;
    const expected = g.map((y, i) => torch(m0[i]!, y));
    if (b1 !== 0) expect(expected.some((e, i) => e !== other(m0[i]!, g[i]!))).toBe(true);
    expectBits(r.state[0]!.exp_avg as Float32Array, expected, 'exp_avg');
    // Step 4: the bias correction uses β1⁴.
    const negClr = f(-2e-3 / (1 - b1 ** 4));
    const u = r.state[0]!.exp_inf as Float32Array;
    expectBits(r.params[0]![0]!, expected.map((m, i) => f(0 + f(f(negClr * m) / u[i]!))), 'p');
  });

  it('a zero first gradient leaves p unchanged and sets exp_inf to ε', () => {
    const r = onAllBackends(all, Adamax, { options: { lr: 0.1 }, init: [P0], grads: [[new Float32Array(7)]] });
    expectBits(r.params[0]![0]!, P0);
    expectBits(r.state[0]!.exp_inf as Float32Array, new Float32Array(7).fill(f(1e-8)));
  });

  it('a NaN gradient propagates into exp_inf, as torch.maximum does', () => {
    const r = onAllBackends(all, Adamax, { options: {}, init: [Float32Array.of(1, 2, 3, 4, 5)], grads: [[Float32Array.of(NaN, 1, 1, 1, NaN)]] });
    const u = r.state[0]!.exp_inf as Float32Array;
    expect([...u].map(Number.isNaN)).toEqual([true, false, false, false, true]);
  });

  it('rejects bad options with an error naming the argument, before any change', () => {
    const e = all[0]!;
    const [p] = e.parameters([[3]]);
    expect(() => new Adamax([p!], { betas: [1, 0.999] })).toThrow(/betas\[0\]/);
    expect(() => new Adamax([p!], { betas: [0.9, -0.1] })).toThrow(/betas\[1\]/);
    expect(() => new Adamax([p!], { betas: [0.9] as unknown as [number, number] })).toThrow(TypeError);
    expect(() => new Adamax([p!], { eps: -1 })).toThrow(/eps/);
    expectEditRefused(new Adamax([p!]), (g) => {
      g.betas = [0.9, 1];
    }, /betas\[1\]/);
    p!.dispose();
  });
});
