// AdaBelief: hand-computed first step (the prediction error uses the UPDATED m, so the first step
// is lr/β1, not Adam's lr), ε_root stored in s, growing steps on a predictable gradient,
// live hyperparameters, validation; every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { AdaBelief } from '../src/optim/adabelief.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues, TAIL_SIZES } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

describe('AdaBelief', () => {
  it('first step: m = (1 − β1)·g, s = (1 − β2)·(β1·g)² + ε_root, a step of about lr/β1 against g', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 7, 0];
    const g = [0.5, -1, 0, 4, 1e-3, -30, 2];
    const r = onAllBackends(all, AdaBelief, { options: { lr: 0.01, betas: [0.9, 0.999], eps: 1e-16, epsRoot: 1e-16 }, init: [p0], grads: [[g]] });
    const m = g.map((x) => 0.1 * x);
    const s = g.map((x, i) => 0.001 * (x - m[i]!) ** 2 + 1e-16);
    expectNear(r.state[0]!.exp_avg as Float32Array, m, 'exp_avg');
    expectNear(r.state[0]!.exp_avg_sq as Float32Array, s, 'exp_avg_sq', 1e-5, 0);
    const bc1 = 1 - 0.9, bc2 = 1 - 0.999;
    const p1 = p0.map((p, i) => p - (0.01 * (m[i]! / bc1)) / (Math.sqrt(s[i]! / bc2) + 1e-16));
    expectNear(r.params[0]![0]!, p1, 'p');
    // |Δp| ≈ lr/β1 where g ≠ 0 (Adam would move by lr): the error term uses the updated mean.
    g.forEach((x, i) => {
      if (x !== 0) expect(Math.abs(r.params[0]![0]![i]! - p0[i]!) / (0.01 / 0.9), `element ${i}`).toBeCloseTo(1, 4);
    });
  });

  it('a zero gradient on fresh state leaves p unchanged and stores s = ε_root exactly', () => {
    const r = onAllBackends(all, AdaBelief, { options: { lr: 0.1, epsRoot: 1e-12 }, init: [[1, -2, 0]], grads: [[[0, 0, 0]]] });
    expectBits(r.params[0]![0]!, [1, -2, 0]);
    expectBits(r.state[0]!.exp_avg_sq as Float32Array, [f(1e-12), f(1e-12), f(1e-12)]);
    expectBits(r.state[0]!.exp_avg as Float32Array, [0, 0, 0]);
  });

  it('a perfectly predictable gradient earns growing steps (the belief s shrinks)', () => {
    const steps = 8;
    const r = onAllBackends(all, AdaBelief, {
      options: { lr: 1e-3, eps: 1e-8 },
      init: [[0]],
      grads: Array.from({ length: steps }, () => [[1]]),
    });
    const xs = [0, ...r.params.map((ps) => ps[0]![0]!)];
    const deltas = xs.slice(1).map((x, i) => xs[i]! - x);
    for (let t = 1; t < steps; t++) expect(deltas[t]!, `step ${t + 1}`).toBeGreaterThan(deltas[t - 1]!);
  });

  it('every tail size, tiny to huge gradients: the three backends agree and the result is finite', () => {
    for (const n of TAIL_SIZES) {
      const scales = [1e-30, 1e-8, 1, 1e6, 1e15];
      const grads = scales.map((sc, s) => [seededValues(40 * n + s, n, sc)]);
      const r = onAllBackends(all, AdaBelief, { options: { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-8 }, init: [seededValues(n, n)], grads });
      for (const ps of r.params) expect(ps[0]!.every(Number.isFinite), `n = ${n}`).toBe(true);
    }
  });

  it('reads lr and epsRoot from the param group at every step', () => {
    const r = onAllBackends(all, AdaBelief, {
      options: { lr: 0.1 },
      init: [[1, 2]],
      grads: [[[1, -1]], [[1, -1]]],
      before: (opt, s) => {
        if (s === 1) {
          opt.paramGroups[0]!.lr = 0;
          opt.paramGroups[0]!.epsRoot = 0;
        }
      },
    });
    expectBits(r.params[1]![0]!, r.params[0]![0]!);
  });

  it('validates options with errors naming the argument, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[2]]);
    expect(() => new AdaBelief([w!], { eps: -1 })).toThrow(/eps must be >= 0/);
    expect(() => new AdaBelief([w!], { epsRoot: NaN })).toThrow(/epsRoot/);
    expect(() => new AdaBelief([w!], { betas: [0.9] as unknown as [number, number] })).toThrow(TypeError);
    expect(() => new AdaBelief([w!], { betas: [-0.1, 0.9] })).toThrow(/betas\[0\]/);
    expect(() => new AdaBelief([w!], { weightDecay: 0.1 } as never)).toThrow(/unknown option "weightDecay"/);
    expectEditRefused(new AdaBelief([w!], { lr: 0.1 }), (g) => {
      g.lr = Infinity;
    }, /lr must be finite/);
    w!.dispose();
  });
});
