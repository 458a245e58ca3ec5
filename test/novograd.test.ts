// NovoGrad: hand-computed first and second steps, the second moment per tensor (not per run), a
// float64 version of the paper's algorithm against the library and the reference trajectories,
// optax's alias_test runs (parabola and Rosenbrock), maximize, state layout, validation.
// Every run compared bit for bit on simd, scalar and js.
// (Live edits, bad options, awkward sizes, state and checkpoint round trips, threads: the
// contract suites.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { NovoGrad, type NovoGradOptions } from '../src/optim/novograd.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues } from './helpers/backends.js';
import { nextCases } from './helpers/next-fixtures.js';
import { expectAliasTestSolves } from './helpers/alias-runs.js';

let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const sumSq = (a: ArrayLike<number>): number => Array.from(a).reduce((s, x) => s + x * x, 0);

interface Hyper {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
  epsRoot: number;
  wd: number;
}

/**
 * NovoGrad in float64 from the paper (Ginsburg et al. 2019, Algorithm 1), per layer l:
 * v₁ = ‖g₁‖², m₁ = g₁/√v₁ + d·w; then vₜ = β2·vₜ₋₁ + (1 − β2)·‖gₜ‖², mₜ = β1·mₜ₋₁ + gₜ/√vₜ + d·wₜ;
 * w ← w − λ·mₜ — with optax's ε outside and ε_root inside the square root at every step.
 */
function novograd64(init: ArrayLike<number>[], grads: ArrayLike<number>[][], h: Hyper): number[][][] {
  const w = init.map((x) => Array.from(x));
  const m = init.map((x) => new Array<number>(x.length).fill(0));
  const v = init.map(() => 0);
  const out: number[][][] = [];
  grads.forEach((gs, s) => {
    w.forEach((x, l) => {
      const g = gs[l]!;
      v[l] = s === 0 ? sumSq(g) : h.b2 * v[l]! + (1 - h.b2) * sumSq(g);
      const den = Math.sqrt(v[l]! + h.epsRoot) + h.eps;
      for (let i = 0; i < x.length; i++) {
        m[l]![i] = (s === 0 ? 0 : h.b1 * m[l]![i]!) + g[i]! / den + h.wd * x[i]!;
        x[i] = x[i]! - h.lr * m[l]![i]!;
      }
    });
    out.push(w.map((x) => x.slice()));
  });
  return out;
}

/** Gradients as the reference fixtures make them: scaled by 1, 0.01, 3, 1e-4, 1, 50 in turn. */
const fixtureLikeGrads = (sizes: number[], steps: number, seed: number): Float32Array[][] =>
  Array.from({ length: steps }, (_, s) => sizes.map((n, t) => seededValues(seed + 100 * s + t, n, [1, 0.01, 3, 1e-4, 1, 50][s % 6]!)));

const fixtureCases = nextCases('novograd', {});

describe('NovoGrad', () => {
  it('first two steps by hand: ν = ‖g‖², then β2·ν + (1 − β2)·‖g‖²; m = g/(√ν + ε) + λ·p, then β1·m + …', () => {
    const p0 = [1, -2, 0.5, 3, -0.25];
    const g1 = [0.5, -1, 0, 4, 1e-3], g2 = [1, 1, -1, 0, 2];
    const r = onAllBackends(all, NovoGrad, { options: { lr: 0.1, weightDecay: 0.01 }, init: [p0], grads: [[g1], [g2]] });
    const nu1 = sumSq(g1), m1 = g1.map((x, i) => x / (Math.sqrt(nu1) + 1e-6) + 0.01 * p0[i]!);
    const p1 = p0.map((x, i) => x - 0.1 * m1[i]!);
    expectNear(r.params[0]![0]!, p1, 'p after step 1');
    expectNear(r.states[0]![0]!.exp_avg_sq as Float32Array, [nu1], 'exp_avg_sq after step 1');
    expectNear(r.states[0]![0]!.exp_avg as Float32Array, m1, 'exp_avg after step 1');
    const nu2 = 0.25 * nu1 + 0.75 * sumSq(g2);
    const m2 = g2.map((x, i) => 0.9 * m1[i]! + x / (Math.sqrt(nu2) + 1e-6) + 0.01 * p1[i]!);
    expectNear(r.params[1]![0]!, p1.map((x, i) => x - 0.1 * m2[i]!), 'p after step 2');
    expectNear(r.state[0]!.exp_avg_sq as Float32Array, [nu2], 'exp_avg_sq after step 2');
  });

  it('the second moment is per tensor: a tensor gives the same bits alone or inside a run with others', () => {
    const init = [seededValues(7, 9), seededValues(8, 21, 5), seededValues(9, 4, 0.1)];
    const grads = [0, 1, 2].map((s) => init.map((p, i) => seededValues(100 * s + i, p.length, 10 ** (i - 1))));
    const together = onAllBackends(all, NovoGrad, { options: { lr: 0.02, weightDecay: 0.01 }, init, grads });
    expect(Object.values(together.state).map((st) => (st.exp_avg_sq as Float32Array).length)).toEqual([1, 1, 1]);
    init.forEach((p0, t) => {
      const alone = onAllBackends(all, NovoGrad, { options: { lr: 0.02, weightDecay: 0.01 }, init: [p0], grads: grads.map((row) => [row[t]!]) });
      alone.params.forEach((ps, s) => expectBits(ps[0]!, together.params[s]![t]!, `tensor ${t} step ${s + 1}`));
    });
  });

  it('follows the float64 algorithm of the paper over 12 steps, within the fixtures’ tolerance', () => {
    const sizes = [1, 7, 33, 64];
    const init = sizes.map((n, t) => seededValues(20 + t, n));
    const grads = fixtureLikeGrads(sizes, 12, 400);
    const sets: Array<[NovoGradOptions, Hyper]> = [
      [{ lr: 0.01 }, { lr: 0.01, b1: 0.9, b2: 0.25, eps: 1e-6, epsRoot: 0, wd: 0 }],
      [{ lr: 0.02, betas: [0.95, 0.5], eps: 1e-8, epsRoot: 1e-6, weightDecay: 0.01 }, { lr: 0.02, b1: 0.95, b2: 0.5, eps: 1e-8, epsRoot: 1e-6, wd: 0.01 }],
    ];
    for (const [options, hyper] of sets) {
      const r = onAllBackends(all, NovoGrad, { options, init, grads });
      novograd64(init, grads, hyper).forEach((ps, s) => ps.forEach((p, t) => expectNear(r.params[s]![t]!, p, `${JSON.stringify(options)} step ${s + 1} tensor ${t}`)));
    }
  });

  it('the float64 algorithm reproduces the reference trajectories (so they and the library read optax alike)', () => {
    expect(fixtureCases.length).toBe(6);
    for (const c of fixtureCases) {
      const o = c.options as { lr: number; betas: [number, number]; eps: number; eps_root: number; weight_decay: number };
      const ref = novograd64(c.params, c.grads, { lr: o.lr, b1: o.betas[0], b2: o.betas[1], eps: o.eps, epsRoot: o.eps_root, wd: o.weight_decay });
      ref.forEach((ps, s) => ps.forEach((p, t) => expectNear(c.expected[s]![t]!, p, `${c.name} step ${s + 1} tensor ${t}`, c.tolerance.rel, c.tolerance.abs)));
    }
  });

  it('optax alias_test: novograd(learning_rate=1e-3), 10,000 steps on the parabola and on Rosenbrock, within 3e-2, alike on every backend', () => {
    expectAliasTestSolves(all, NovoGrad, { lr: 1e-3 });
  });

  it('maximize is the descent on −g, bit for bit', () => {
    const init = [seededValues(30, 17), seededValues(31, 5)];
    const grads = [0, 1, 2].map((s) => init.map((p, i) => seededValues(40 + 10 * s + i, p.length, 2)));
    const up = onAllBackends(all, NovoGrad, { options: { lr: 0.05, weightDecay: 0.1, maximize: true }, init, grads });
    const down = onAllBackends(all, NovoGrad, { options: { lr: 0.05, weightDecay: 0.1 }, init, grads: grads.map((gs) => gs.map((g) => g.map((x) => -x))) });
    up.params.forEach((ps, s) => ps.forEach((p, t) => expectBits(p, down.params[s]![t]!, `step ${s + 1} tensor ${t}`)));
  });

  it('a zero gradient at the first step: ν = 0, m = λ·p, p unchanged without weight decay', () => {
    const r = onAllBackends(all, NovoGrad, { options: { lr: 0.1, epsRoot: 1e-8 }, init: [[1, -2, 3]], grads: [[[0, 0, 0]], [[0, 0, 0]]] });
    r.params.forEach((ps, s) => expectBits(ps[0]!, [1, -2, 3], `step ${s + 1}`));
    expectBits(r.state[0]!.exp_avg_sq as Float32Array, [0]);
    // At the first step m is u itself (optax's init_mu), not β1·0 + u: a −0 (−0/den + 0·(−1)) stays −0.
    const neg = onAllBackends(all, NovoGrad, { options: { lr: 0.1 }, init: [[-1, 2]], grads: [[[-0, 0]]] });
    expect(Object.is((neg.state[0]!.exp_avg as Float32Array)[0], -0)).toBe(true);
  });

  it('validates options with errors naming the argument, refuses a saved ν of another length, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    expect(() => new NovoGrad([w!], { betas: [0.9, 1] })).toThrow(/betas\[1\] must be in \[0, 1\)/);
    expect(() => new NovoGrad([w!], { eps: -1e-6 })).toThrow(/eps must be >= 0/);
    expect(() => new NovoGrad([w!], { epsRoot: Infinity })).toThrow(/epsRoot must be finite/);
    expect(() => new NovoGrad([w!], { weightDecay: -0.1 })).toThrow(RangeError);
    expect(() => new NovoGrad([w!], { maximize: 1 as unknown as boolean })).toThrow(TypeError);
    const opt = new NovoGrad([w!], { lr: 0.1 });
    w!.grad.set([1, 2, 3]);
    opt.step();
    const before = opt.stateDict();
    const sd = JSON.parse(JSON.stringify(before));
    sd.state[0].exp_avg_sq = [1, 2, 3];
    expect(() => opt.loadStateDict(sd)).toThrow(/exp_avg_sq has 3 elements/);
    expect(opt.stateDict()).toEqual(before);
    expectEditRefused(opt, (g) => {
      g.epsRoot = -1;
    }, /epsRoot/);
    opt.dispose();
    w!.dispose();
  });
});
