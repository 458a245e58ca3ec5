// Yogi: hand-computed first step from the non-zero initial moments, the three branches of the
// sign-based second moment (bit-exact), the additive growth of v that sets Yogi apart from Adam,
// optax's alias_test (parabola and Rosenbrock), a float64 reference from the paper against the
// reference trajectories, the idiomatic baseline, validation; every run compared bit for bit on
// simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Yogi, type YogiOptions } from '../src/optim/yogi.js';
import idiomaticYogi from '../src/cli/bench/idiomatic/yogi.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues, TAIL_SIZES } from './helpers/backends.js';
import { expectIdiomaticAgrees, expectTrajectoryNear, nextCases, perTensor } from './helpers/next-fixtures.js';
import { expectAliasTestSolves } from './helpers/alias-runs.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const DEFAULTS: Required<YogiOptions> = { lr: 1e-2, betas: [0.9, 0.999], eps: 1e-3, initialAccumulatorValue: 1e-6, maximize: false };
const CASES = nextCases('yogi', DEFAULTS);

/**
 * Yogi in float64 from the paper (Zaheer et al. 2018, Algorithm 2: m ← β1·m + (1 − β1)·g,
 * v ← v − (1 − β2)·sign(v − g²)·g², x ← x − η·m/(√v + ε)), with the bias correction of Adam that
 * optax applies (m/(1 − β1ᵗ), v/(1 − β2ᵗ)) and m, v starting at v0. Returns p after every step.
 */
function yogi64(p0: ArrayLike<number>, grads: ArrayLike<number>[], o: Required<YogiOptions>): number[][] {
  const [b1, b2] = o.betas;
  const p = Array.from(p0);
  const m = p.map(() => o.initialAccumulatorValue), v = m.slice();
  return grads.map((g0, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      const g = o.maximize ? -g0[i]! : g0[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g;
      v[i] = v[i]! - (1 - b2) * Math.sign(v[i]! - g * g) * g * g;
      p[i] = p[i]! - (o.lr * (m[i]! / (1 - b1 ** t))) / (Math.sqrt(v[i]! / (1 - b2 ** t)) + o.eps);
    }
    return p.slice();
  });
}

describe('Yogi', () => {
  it('first step by hand: m and v start at 1e-6, v ← v − (1 − β2)·sign(v − g²)·g²', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 7, 0];
    const g = [0.5, -1, 0, 4, 1e-3, -30, 2];
    const r = onAllBackends(all, Yogi, { options: { lr: 0.01 }, init: [p0], grads: [[g]] });
    const m = g.map((x) => 0.1 * x + 0.9 * 1e-6);
    const v = g.map((x) => 1e-6 - 0.001 * Math.sign(1e-6 - x * x) * x * x);
    expectNear(r.state[0]!.exp_avg as Float32Array, m, 'exp_avg');
    expectNear(r.state[0]!.exp_avg_sq as Float32Array, v, 'exp_avg_sq');
    expectNear(r.params[0]![0]!, p0.map((p, i) => p - (0.01 * (m[i]! / 0.1)) / (Math.sqrt(v[i]! / 0.001) + 1e-3)), 'p');
  });

  it('the sign branches, bit for bit: g² > v raises v by (1 − β2)·g², g² < v lowers it by that much, g² = v and g = 0 keep it', () => {
    const g = [2, 0.1, 0.5, 0, -2];
    const r = onAllBackends(all, Yogi, { options: { lr: 0.01, initialAccumulatorValue: 0.25 }, init: [[1, 1, 1, 1, 1]], grads: [[g]] });
    const w2 = f(1 - 0.999);
    const v = g.map((x) => {
      const g2 = f(x * x);
      return g2 > 0.25 ? f(0.25 + f(w2 * g2)) : g2 < 0.25 ? f(0.25 - f(w2 * g2)) : 0.25;
    });
    expectBits(r.state[0]!.exp_avg_sq as Float32Array, v, 'exp_avg_sq');
    expect(v[2]).toBe(0.25);
    expect(v[3]).toBe(0.25);
    expectBits(r.state[0]!.exp_avg as Float32Array, g.map((x) => f(f(f(0.1) * x) + f(f(0.9) * 0.25))), 'exp_avg');
    // m starts at 0.25 too: with g = 0 (and even g = −2) p still moves down, along the start value.
    expect(r.params[0]![0]![3]!).toBeLessThan(1);
    expect(r.params[0]![0]![4]!).toBeLessThan(1);
  });

  it('v grows additively, by (1 − β2)·g² per step, where Adam would close the gap to g² geometrically', () => {
    const steps = 6;
    const r = onAllBackends(all, Yogi, { options: { lr: 1e-3 }, init: [[0, 0]], grads: Array.from({ length: steps }, () => [[3, -0.5]]) });
    r.states.forEach((st, s) => {
      const t = s + 1;
      expectNear(st[0]!.exp_avg_sq as Float32Array, [1e-6 + t * 0.001 * 9, 1e-6 + t * 0.001 * 0.25], `after step ${t}`, 1e-5, 0);
    });
  });

  it('optax alias_test: lr 0.1, 10 000 steps on the parabola and on Rosenbrock reach the optimum (rtol = atol = 3e-2), alike on every backend', () => {
    expectAliasTestSolves(all, Yogi, { lr: 0.1 });
  });

  it('a float64 reference from the paper agrees with every reference trajectory and with this implementation', () => {
    expect(CASES.map((c) => c.name)).toEqual(['yogi/default/one', 'yogi/default/multi', 'yogi/tuned/one', 'yogi/tuned/multi']);
    for (const c of CASES) {
      const r = onAllBackends(all, Yogi, { options: c.resolved, init: c.params, grads: c.grads });
      const ref = perTensor(c, (p0, g) => yogi64(p0, g, c.resolved));
      expectTrajectoryNear(c.expected, ref, c, 'fixture vs float64');
      expectTrajectoryNear(r.params, ref, c, 'p vs float64');
    }
  });

  it('every tail size, tiny to overflowing gradients: the three backends agree and p stays finite', () => {
    for (const n of TAIL_SIZES) {
      const scales = [1e-30, 1e-8, 1, 1e6, 1e20, 1];
      const grads = scales.map((sc, s) => [seededValues(40 * n + s, n, sc)]);
      const r = onAllBackends(all, Yogi, { options: { lr: 1e-2, betas: [0.8, 0.99], eps: 1e-8 }, init: [seededValues(n, n)], grads });
      for (const ps of r.params) expect(ps[0]!.every(Number.isFinite), `n = ${n}`).toBe(true);
    }
  });

  it('the idiomatic baseline does the same update to float tolerance', () => {
    expectIdiomaticAgrees(all, Yogi, idiomaticYogi, { lr: 0.05, betas: [0.8, 0.99], eps: 1e-4, initialAccumulatorValue: 0.01, maximize: true }, DEFAULTS);
  });

  it('validates options with errors naming the argument, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[2]]);
    expect(() => new Yogi([w!], { eps: -1 })).toThrow(/eps must be >= 0/);
    expect(() => new Yogi([w!], { initialAccumulatorValue: -1e-6 })).toThrow(/initialAccumulatorValue must be >= 0/);
    expect(() => new Yogi([w!], { betas: [0.9, 1] })).toThrow(/betas\[1\]/);
    expect(() => new Yogi([w!], { weightDecay: 0.1 } as never)).toThrow(/unknown option "weightDecay"/);
    expectEditRefused(new Yogi([w!], { lr: 0.1 }), (g) => {
      g.lr = Infinity;
    }, /lr must be finite/);
    w!.dispose();
  });
});
