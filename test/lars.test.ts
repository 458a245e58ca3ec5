// LARS: hand-computed first steps (plain and Nesterov momentum), the trust ratio per tensor and
// its fallback to 1, the per-group masks, the norm kernel's lane order, a float64 reference
// written from the paper (equal without weight decay; with it, the paper's denominator
// ‖g‖ + λ‖p‖ is not optax's ‖g + λp‖), optax's alias_test runs, validation; every run bit for
// bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { type Engine, SCRATCH_OFFSET } from '../src/engine.js';
import { LARS, type LARSOptions } from '../src/optim/lars.js';
import { scalars } from '../src/wasm/kernel-table.js';
import { engines } from './helpers/lockstep.js';
import { expectAliasTestSolves } from './helpers/alias-runs.js';
import { LANE_P4, laneSum } from './helpers/lane-sum.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues, TAIL_SIZES } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const l2 = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));

interface F64Lars {
  lr: number;
  momentum: number;
  trustCoefficient: number;
  weightDecay: number;
  /** The trust ratio's denominator: the paper's ‖g‖ + λ‖p‖, or optax's ‖g + λp‖ (+ ε = 0). */
  denominator: 'paper' | 'optax';
}

/**
 * LARS in float64 from the paper (You, Gitman & Ginsburg 2017, Algorithm 1, constant lr γ):
 * per layer, λˡ = η·‖w‖/(‖g‖ + β‖w‖), v ← m·v + γ·λˡ·(g + β·w), w ← w − v.
 */
function larsF64(p0: ArrayLike<number>[], grads: ArrayLike<number>[][], o: F64Lars): number[][][] {
  const w = p0.map((p) => Array.from(p)), v = p0.map((p) => Array.from(p, () => 0));
  return grads.map((gs) => {
    w.forEach((wl, l) => {
      const g = gs[l]!, vl = v[l]!;
      const u = wl.map((x, i) => g[i]! + o.weightDecay * x);
      const pn = l2(wl), den = o.denominator === 'paper' ? l2(g) + o.weightDecay * pn : l2(u);
      const local = pn === 0 || den === 0 ? 1 : (o.trustCoefficient * pn) / den;
      for (let i = 0; i < wl.length; i++) {
        vl[i] = o.momentum * vl[i]! + o.lr * local * u[i]!;
        wl[i] = wl[i]! - vl[i]!;
      }
    });
    return w.map((x) => x.slice());
  });
}

describe('LARS', () => {
  it('first step: u = g + λ·p, p − lr·(η‖p‖/(‖u‖ + ε))·u, and the momentum buffer holds that step', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 0.75, 4];
    const g = [0.5, -1, 0, 4, 1e-3, -30, 2];
    const o = { lr: 0.5, weightDecay: 0.1, trustCoefficient: 0.01, eps: 0.25 };
    const r = onAllBackends(all, LARS, { options: o, init: [p0], grads: [[g]] });
    const u = g.map((x, i) => x + 0.1 * p0[i]!);
    const step = u.map((x) => -0.5 * ((0.01 * l2(p0)) / (l2(u) + 0.25)) * x);
    expectNear(r.params[0]![0]!, p0.map((x, i) => x + step[i]!), 'p');
    expectNear(r.state[0]!.momentum_buffer as Float32Array, step, 'momentum_buffer');
  });

  it('second step: b ← u + μ·b, p ← p + b; Nesterov p ← p + (u + μ·b)', () => {
    const p0 = [3, 4];
    const g1 = [1, 0], g2 = [0, 2];
    for (const nesterov of [false, true]) {
      const r = onAllBackends(all, LARS, { options: { lr: 1, momentum: 0.5, nesterov, trustCoefficient: 0.1 }, init: [p0], grads: [[g1], [g2]] });
      // Step 1: ‖p‖ = 5, ‖g‖ = 1: r = 0.5, u = (−0.5, 0), b = u.
      const p1 = nesterov ? [3 - 0.75, 4] : [2.5, 4];
      expectNear(r.params[0]![0]!, p1, `nesterov ${nesterov}: step 1`);
      const r2 = (0.1 * l2(p1)) / 2;
      const u2 = [0, -2 * r2], b2 = [-0.25, u2[1]!];
      const q = nesterov ? [u2[0]! + 0.5 * b2[0]!, u2[1]! + 0.5 * b2[1]!] : b2;
      expectNear(r.params[1]![0]!, [p1[0]! + q[0]!, p1[1]! + q[1]!], `nesterov ${nesterov}: step 2`);
      expectNear(r.state[0]!.momentum_buffer as Float32Array, b2, `nesterov ${nesterov}: buffer`);
    }
  });

  it('the trust ratio is per tensor: at step 1 each tensor of a run moves by lr·η·‖p‖ (λ = 0)', () => {
    const init = [seededValues(1, 17, 1000), seededValues(2, 5, 1e-3), seededValues(3, 33, 1)];
    const grads = [init.map((p, i) => seededValues(50 + i, p.length, 10 ** (i - 1)))];
    const r = onAllBackends(all, LARS, { options: { lr: 2, trustCoefficient: 0.01 }, init, grads });
    init.forEach((p0, t) => {
      const delta = r.params[0]![t]!.map((x, i) => x - p0[i]!);
      expect(Math.abs(l2(delta) / l2(p0) - 0.02), `tensor ${t}`).toBeLessThan(1e-6);
    });
  });

  it('trust ratio 1 when ‖p‖ = 0 (a plain momentum-SGD step), and no step at all for a zero update', () => {
    const g = [3, -0.5, 0, 1e-4, 8];
    const z = onAllBackends(all, LARS, { options: { lr: 0.1 }, init: [[0, 0, 0, 0, 0]], grads: [[g]] });
    expectBits(z.params[0]![0]!, g.map((x) => f(-0.1 * x) + 0), 'p from zero'); // 0 + (−0) = +0
    const still = onAllBackends(all, LARS, { options: { lr: 0.1 }, init: [[1, -2, 3]], grads: [[[0, 0, 0]], [[0, 0, 0]]] });
    still.params.forEach((ps, s) => expectBits(ps[0]!, [1, -2, 3], `step ${s + 1}`));
  });

  it('masks per group: trustRatioMask false steps by lr·(g + λp); weightDecayMask false is weightDecay 0, bit for bit', () => {
    const init = [seededValues(5, 9), seededValues(6, 3)];
    const grads = [0, 1, 2].map((s) => init.map((p, i) => seededValues(10 * s + i, p.length)));
    const mixed = all.map((e) => {
      const [w, b] = e.parameters(init);
      const opt = new LARS([{ params: [w!] }, { params: [b!], trustRatioMask: false, weightDecayMask: false }], { lr: 0.5, weightDecay: 0.1, momentum: 0 });
      const out = grads.map((gs) => {
        w!.grad.set(gs[0]!);
        b!.grad.set(gs[1]!);
        opt.step();
        return [w!.data.slice(), b!.data.slice()];
      });
      opt.dispose();
      w!.dispose();
      b!.dispose();
      return out;
    });
    const alone = onAllBackends(all, LARS, { options: { lr: 0.5, weightDecay: 0.1, momentum: 0 }, init: [init[0]!], grads: grads.map((gs) => [gs[0]!]) });
    const plain = onAllBackends(all, LARS, { options: { lr: 0.5, weightDecay: 0, momentum: 0, trustRatioMask: false }, init: [init[1]!], grads: grads.map((gs) => [gs[1]!]) });
    mixed.forEach((steps, k) => steps.forEach(([w, b], s) => {
      expectBits(w!, alone.params[s]![0]!, `${all[k]!.backend} step ${s + 1}: the decayed, trust-scaled group`);
      expectBits(b!, plain.params[s]![0]!, `${all[k]!.backend} step ${s + 1}: the masked group`);
    }));
    let p = Array.from(init[1]!);
    grads.forEach((gs) => (p = p.map((x, i) => f(x + f(-0.5 * gs[1]![i]!)))));
    expectBits(plain.params[2]![0]!, p, 'masked: p − lr·g each step');
  });

  it('the norm kernel sums u² and p² in the documented lane order on every backend, at every tail size', () => {
    const P4 = LANE_P4;
    for (const n of TAIL_SIZES) {
      const p = Float32Array.from({ length: n }, (_, i) => P4[i % 4]! * (i % 5 === 4 ? -1 : 1));
      const g = Float32Array.from({ length: n }, (_, i) => P4[(i + 1) % 4]! * 3);
      const u = p.map((x, i) => f(f(-g[i]!) + f(f(0.5) * x)));
      const sums = all.map((e) => {
        const [w] = e.parameters([p]);
        w!.grad.set(g);
        const s = Object.assign(scalars('lars_norms_f32'), { gradSign: -1, weightDecay: 0.5 });
        e.kernels.lars_norms_f32(w!.offset, w!.gradOffset, SCRATCH_OFFSET, n, s);
        const f64 = e.heap.f64;
        const out = [f64[SCRATCH_OFFSET >> 3]!, f64[(SCRATCH_OFFSET >> 3) + 1]!];
        w!.dispose();
        return out;
      });
      for (const [k, s] of sums.entries()) {
        expect(s[0], `${all[k]!.backend} Σu², n = ${n}`).toBe(laneSum(u));
        expect(s[1], `${all[k]!.backend} Σp², n = ${n}`).toBe(laneSum(p));
      }
    }
  });

  it('matches a float64 reference from the paper without weight decay; with it, optax\'s ‖g + λp‖ replaces the paper\'s ‖g‖ + λ‖p‖', () => {
    const init = [seededValues(21, 13, 2), seededValues(22, 6, 0.1)];
    const grads = Array.from({ length: 12 }, (_, s) => init.map((p, t) => seededValues(300 + 7 * s + t, p.length, [1, 0.01, 3, 1e-4, 1, 50][s % 6]!)));
    const run = (weightDecay: number) => onAllBackends(all, LARS, { options: { lr: 0.5, momentum: 0.9, trustCoefficient: 0.01, weightDecay }, init, grads });
    const common = { lr: 0.5, momentum: 0.9, trustCoefficient: 0.01 };
    const plain = run(0), paper = larsF64(init, grads, { ...common, weightDecay: 0, denominator: 'paper' });
    plain.params.forEach((ps, s) => ps.forEach((p, t) => expectNear(p, paper[s]![t]!, `λ = 0, step ${s + 1}, tensor ${t}`)));
    const decayed = run(0.5);
    const optax = larsF64(init, grads, { ...common, weightDecay: 0.5, denominator: 'optax' });
    const paperWd = larsF64(init, grads, { ...common, weightDecay: 0.5, denominator: 'paper' });
    let worst = 0;
    decayed.params.forEach((ps, s) => ps.forEach((p, t) => {
      expectNear(p, optax[s]![t]!, `λ = 0.5, step ${s + 1}, tensor ${t}`);
      p.forEach((x, i) => (worst = Math.max(worst, Math.abs(x - paperWd[s]![t]![i]!) / (1e-6 + 1e-5 * Math.abs(paperWd[s]![t]![i]!)))));
    }));
    expect(worst).toBeGreaterThan(100);
  });

  it('optax alias_test: 10000 steps at lr 1 solve the parabola and Rosenbrock (3e-2 tolerance)', () => {
    expectAliasTestSolves(all, LARS, { lr: 1 });
  });

  it('validates options with errors naming the argument, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    expect(() => new LARS([w!], { trustCoefficient: -1e-3 })).toThrow(/trustCoefficient must be >= 0/);
    expect(() => new LARS([w!], { eps: NaN })).toThrow(/eps must be finite/);
    expect(() => new LARS([w!], { momentum: -0.9 })).toThrow(/momentum must be >= 0/);
    expect(() => new LARS([w!], { trustRatioMask: 0 as unknown as boolean })).toThrow(/trustRatioMask must be a boolean/);
    expect(() => new LARS([w!], { weightDecayMask: 'no' as unknown as boolean })).toThrow(TypeError);
    expect(() => new LARS([w!], { trust_coefficient: 1e-3 } as unknown as LARSOptions)).toThrow(/did you mean "trustCoefficient"/);
    expectEditRefused(new LARS([w!], { lr: 0.1 }), (g) => {
      g.trustCoefficient = -1;
    }, /trustCoefficient/, 2);
    w!.dispose();
  });
});
