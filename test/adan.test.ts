// Adan: hand-computed first step, the gradient difference (0 at step 1, then g − g_prev), a
// float64 reference written from the paper showing that optax 0.2.8 (and so this class) differs
// from it exactly by the weight of the gradient difference, the optax docstring example and
// alias_test runs (parabola, Rosenbrock), validation; every run bit for bit on simd, scalar, js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adan, type AdanOptions } from '../src/optim/adan.js';
import { engines } from './helpers/lockstep.js';
import { expectAliasTestSolves } from './helpers/alias-runs.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

interface F64Adan {
  lr: number;
  /** [β1, β2, β3] in optax's convention (decay rates: 0.98, 0.92, 0.99). */
  betas: [number, number, number];
  eps: number;
  epsRoot: number;
  /** The weight of the gradient difference in n and in the update. */
  diffWeight: number;
}

/**
 * Adan in float64 from the paper (Xie et al. 2022, Algorithm 1), with zero-initialised moments
 * and bias corrections as the authors' code, and no weight decay. The paper writes its rates as
 * 1 − (optax's βs): m ← (1 − β1')·m + β1'·g, v ← (1 − β2')·v + β2'·d,
 * n ← (1 − β3')·n + β3'·(g + (1 − β2')·d)², u = (m̂ + (1 − β2')·v̂)/(√n̂ + ε), β' = 1 − β.
 * So the paper's diffWeight is 1 − β2' = β2 (0.92 with the defaults).
 */
function adanF64(p0: ArrayLike<number>, grads: ArrayLike<number>[], o: F64Adan): number[][] {
  const [b1, b2, b3] = o.betas;
  const p = Array.from(p0), m = p.map(() => 0), v = p.map(() => 0), n = p.map(() => 0), prev = p.map(() => 0);
  const out: number[][] = [];
  grads.forEach((g, s) => {
    const t = s + 1;
    for (let i = 0; i < p.length; i++) {
      const d = t === 1 ? 0 : g[i]! - prev[i]!;
      m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
      v[i] = b2 * v[i]! + (1 - b2) * d;
      n[i] = b3 * n[i]! + (1 - b3) * (g[i]! + o.diffWeight * d) ** 2;
      prev[i] = g[i]!;
      const mHat = m[i]! / (1 - b1 ** t), vHat = v[i]! / (1 - b2 ** t), nHat = n[i]! / (1 - b3 ** t);
      p[i] = p[i]! - (o.lr * (mHat + o.diffWeight * vHat)) / (Math.sqrt(nHat + o.epsRoot) + o.eps);
    }
    out.push(p.slice());
  });
  return out;
}

/** Python's '{:.2E}' format. */
const pyE = (x: number): string => {
  const [mant, exp] = x.toExponential(2).split('e') as [string, string];
  return `${mant}E${exp.startsWith('-') ? '-' : '+'}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
};

describe('Adan', () => {
  it('first step: d = 0, m̂ = g, n̂ = g², so p − lr·(g/(√(g² + ε_root) + ε) + λ·p)', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 0.75, 4];
    const g = [0.5, -1, 0, 4, 1e-3, -30, 2];
    const lr = 0.01, wd = 0.1;
    const r = onAllBackends(all, Adan, { options: { lr, weightDecay: wd }, init: [p0], grads: [[g]] });
    expectNear(r.params[0]![0]!, p0.map((x, i) => x - lr * (g[i]! / (Math.sqrt(g[i]! ** 2 + 1e-8) + 1e-8) + wd * x)), 'p');
    expectNear(r.state[0]!.exp_avg as Float32Array, g.map((x) => 0.02 * x), 'exp_avg');
    expectBits(r.state[0]!.exp_avg_diff as Float32Array, g.map(() => 0), 'exp_avg_diff');
    expectNear(r.state[0]!.exp_avg_sq as Float32Array, g.map((x) => 0.01 * x * x), 'exp_avg_sq');
    expectBits(r.state[0]!.prev_grad as Float32Array, g, 'prev_grad');
  });

  it('the gradient difference is +0 at step 1 (whatever g), then g − g_prev', () => {
    const g1 = Float32Array.of(3e20, -0, 1e-41, -7, 2, 0.5, -1e30, 1);
    const g2 = Float32Array.of(1, 2, -3, 4, 2, -0.5, 1e30, 1);
    const r = onAllBackends(all, Adan, { options: { lr: 1e-3 }, init: [new Float32Array(8).fill(1)], grads: [[g1], [g2]] });
    expectBits(r.states[0]![0]!.exp_avg_diff as Float32Array, new Float32Array(8), 'step 1');
    const w2 = f(1 - 0.92);
    expectBits(r.states[1]![0]!.exp_avg_diff as Float32Array, Array.from(g2, (x, i) => f(w2 * f(x - g1[i]!))), 'step 2');
    expectBits(r.states[1]![0]!.prev_grad as Float32Array, g2, 'prev_grad');
  });

  it('maximize stores the negated gradient as prev_grad and follows the descent on −g', () => {
    const init = [seededValues(3, 9)];
    const grads = [0, 1, 2].map((s) => [seededValues(30 + s, 9, 2)]);
    const up = onAllBackends(all, Adan, { options: { lr: 0.01, maximize: true }, init, grads });
    const down = onAllBackends(all, Adan, { options: { lr: 0.01 }, init, grads: grads.map((row) => row.map((g) => g.map((x) => -x))) });
    up.params.forEach((ps, s) => expectBits(ps[0]!, down.params[s]![0]!, `step ${s + 1}`));
    expectBits(up.state[0]!.prev_grad as Float32Array, grads[2]![0]!.map((x) => -x), 'prev_grad');
  });

  it('matches a float64 paper reference once its gradient-difference weight is optax\'s 1 − β2, and not with the paper\'s β2', () => {
    const betas: [number, number, number] = [0.98, 0.92, 0.99];
    const init = seededValues(11, 23);
    const grads = Array.from({ length: 12 }, (_, s) => seededValues(200 + s, 23, [1, 0.01, 3, 1e-4, 1, 50][s % 6]!));
    const r = onAllBackends(all, Adan, { options: { lr: 0.01, betas, eps: 1e-8, epsRoot: 1e-8 }, init: [init], grads: grads.map((g) => [g]) });
    const optax = adanF64(init, grads, { lr: 0.01, betas, eps: 1e-8, epsRoot: 1e-8, diffWeight: 1 - 0.92 });
    const paper = adanF64(init, grads, { lr: 0.01, betas, eps: 1e-8, epsRoot: 1e-8, diffWeight: 0.92 });
    let worst = 0;
    r.params.forEach((ps, s) => {
      expectNear(ps[0]!, optax[s]!, `step ${s + 1} vs float64 with weight 1 − β2`);
      ps[0]!.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - paper[s]![i]!) / (1e-6 + 1e-5 * Math.abs(paper[s]![i]!)))));
    });
    // The paper's weighting moves the trajectory by far more than the fixtures' tolerance.
    expect(worst).toBeGreaterThan(100);
  });

  it('optax docstring example: x·x from [1, 2, 3] at lr 0.1 prints 1.28E+01 … 8.76E+00', () => {
    const printed = all.map((e) => {
      const [w] = e.parameters([Float32Array.of(1, 2, 3)]);
      const opt = new Adan([w!], { lr: 0.1 });
      const out: string[] = [];
      for (let s = 0; s < 5; s++) {
        w!.grad.set(w!.data.map((x) => 2 * x));
        opt.step();
        out.push(pyE(w!.data.reduce((a, x) => a + x * x, 0)));
      }
      opt.dispose();
      w!.dispose();
      return out;
    });
    for (const out of printed) expect(out).toEqual(['1.28E+01', '1.17E+01', '1.07E+01', '9.68E+00', '8.76E+00']);
  });

  it('optax alias_test: 10000 steps at lr 0.1 solve the parabola and Rosenbrock (3e-2 tolerance)', () => {
    expectAliasTestSolves(all, Adan, { lr: 0.1 });
  });

  it('validates options with errors naming the argument, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    expect(() => new Adan([w!], { betas: [0.9, 0.9] as unknown as [number, number, number] })).toThrow(/betas must have 3 elements/);
    expect(() => new Adan([w!], { betas: [0.98, 0.92, 1] })).toThrow(/betas\[2\] must be in \[0, 1\)/);
    expect(() => new Adan([w!], { epsRoot: -1e-8 })).toThrow(/epsRoot must be >= 0/);
    expect(() => new Adan([w!], { eps: Infinity })).toThrow(/eps must be finite/);
    expect(() => new Adan([w!], { weightDecay: -0.1 })).toThrow(RangeError);
    expect(() => new Adan([w!], { b3: 0.9 } as unknown as AdanOptions)).toThrow(TypeError);
    expectEditRefused(new Adan([w!], { lr: 0.1 }), (g) => {
      g.betas = [0.9, 0.9, -0.1];
    }, /betas\[2\]/, 2);
    w!.dispose();
  });
});
