// LAMB: hand-computed first step, the trust ratio per tensor (not per run), its fallback to 1 on
// zero norms, the two-pass reduction's lane order, live hyperparameters, validation;
// every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import { type Engine, SCRATCH_OFFSET } from '../src/engine.js';
import { Lamb } from '../src/optim/lamb.js';
import { scalars } from '../src/wasm/kernel-table.js';
import { engines } from './helpers/lockstep.js';
import { LANE_P4, laneSum } from './helpers/lane-sum.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues, TAIL_SIZES } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const l2 = (a: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, x) => s + x * x, 0));

/** Step 1 in double precision: m̂ = g, v̂ = g², u = g/(|g| + ε) + λ·p, p − lr·(‖p‖/‖u‖)·u. */
function firstStep(p: number[], g: number[], lr: number, eps: number, wd: number): number[] {
  const u = g.map((x, i) => x / (Math.abs(x) + eps) + wd * p[i]!);
  const pn = l2(p), un = l2(u);
  const tr = pn === 0 || un === 0 ? 1 : pn / un;
  return p.map((x, i) => x - lr * tr * u[i]!);
}

describe('Lamb', () => {
  it('first step: p − lr·(‖p‖/‖u‖)·u with u = m̂/(√v̂ + ε) + λ·p', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 0.75, 4];
    const g = [0.5, -1, 0, 4, 1e-3, -30, 2];
    const r = onAllBackends(all, Lamb, { options: { lr: 0.01, weightDecay: 0.1 }, init: [p0], grads: [[g]] });
    expectNear(r.params[0]![0]!, firstStep(p0, g, 0.01, 1e-6, 0.1), 'p');
    expectNear(r.state[0]!.exp_avg as Float32Array, g.map((x) => 0.1 * x), 'exp_avg');
    expectNear(r.state[0]!.exp_avg_sq as Float32Array, g.map((x) => 0.001 * x * x), 'exp_avg_sq');
  });

  it('the trust ratio is per tensor: each tensor of a run moves by lr·‖p‖ (λ = 0)', () => {
    const init = [seededValues(1, 17, 1000), seededValues(2, 5, 1e-3), seededValues(3, 33, 1)];
    const grads = [init.map((p, i) => seededValues(50 + i, p.length, 10 ** (i - 1)))];
    const r = onAllBackends(all, Lamb, { options: { lr: 0.05 }, init, grads });
    init.forEach((p0, t) => {
      const delta = r.params[0]![t]!.map((x, i) => x - p0[i]!);
      expect(Math.abs(l2(delta) / l2(p0) - 0.05), `tensor ${t}`).toBeLessThan(1e-5);
    });
  });

  it('a tensor gives the same trajectory alone or inside a run with others', () => {
    const init = [seededValues(7, 9), seededValues(8, 21, 5)];
    const grads = [0, 1, 2].map((s) => init.map((p, i) => seededValues(100 * s + i, p.length, 2)));
    const together = onAllBackends(all, Lamb, { options: { lr: 0.02, weightDecay: 0.01 }, init, grads });
    init.forEach((p0, t) => {
      const alone = onAllBackends(all, Lamb, { options: { lr: 0.02, weightDecay: 0.01 }, init: [p0], grads: grads.map((row) => [row[t]!]) });
      alone.params.forEach((ps, s) => expectBits(ps[0]!, together.params[s]![t]!, `tensor ${t} step ${s + 1}`));
    });
  });

  it('trust ratio 1 when ‖p‖ = 0 (the plain Adam direction), and no step at all for a zero update', () => {
    const g = [3, -0.5, 0, 1e-4, 8];
    const z = onAllBackends(all, Lamb, { options: { lr: 0.1 }, init: [[0, 0, 0, 0, 0]], grads: [[g]] });
    expectNear(z.params[0]![0]!, g.map((x) => -0.1 * (x / (Math.abs(x) + 1e-6))), 'p from zero');
    const still = onAllBackends(all, Lamb, { options: { lr: 0.1 }, init: [[1, -2, 3]], grads: [[[0, 0, 0]], [[0, 0, 0]]] });
    still.params.forEach((ps, s) => expectBits(ps[0]!, [1, -2, 3], `step ${s + 1}`));
  });

  it('the moments kernel sums u² and p² in the documented lane order on every backend, at every tail size', () => {
    const P4 = LANE_P4;
    expect(laneSum(P4)).not.toBe(P4.reduce((a, x) => a + f(x * x), 0));
    for (const n of TAIL_SIZES) {
      const p = Float32Array.from({ length: n }, (_, i) => P4[i % 4]! * (i % 5 === 4 ? -1 : 1));
      const g = seededValues(n + 1000, n, 7);
      const sums = all.map((e) => {
        const [w] = e.parameters([p]);
        w!.grad.set(g);
        const m = e.allocFloats(n), v = e.allocFloats(n);
        const s = Object.assign(scalars('lamb_moments_f32'), {
          gradSign: 1, oneMinusB1: 0.1, b1: 0.9, oneMinusB2: 0.001, b2: 0.999, invBc1: 10, invBc2: 1000, epsRoot: 0, eps: 1e-6, weightDecay: 0.01,
        });
        e.kernels.lamb_moments_f32(w!.offset, w!.gradOffset, m, v, SCRATCH_OFFSET, n, s);
        const f64 = e.heap.f64;
        const out = [f64[SCRATCH_OFFSET >> 3]!, f64[(SCRATCH_OFFSET >> 3) + 1]!];
        e.freeFloats(m);
        e.freeFloats(v);
        w!.dispose();
        return out;
      });
      for (const [k, s] of sums.entries()) {
        expect(s[0], `${all[k]!.backend} Σu², n = ${n}`).toBe(sums[0]![0]);
        expect(s[1], `${all[k]!.backend} Σp², n = ${n}`).toBe(laneSum(p));
      }
    }
  });

  it('reads lr from the param group at every step', () => {
    const init = [[3, 4]];
    const r = onAllBackends(all, Lamb, {
      options: { lr: 0.1 },
      init,
      grads: [[[1, 1]], [[1, 1]]],
      before: (opt, s) => {
        if (s === 1) opt.paramGroups[0]!.lr = 0;
      },
    });
    expectBits(r.params[1]![0]!, r.params[0]![0]!);
    expect(r.state[0]!.step).toBe(2);
  });

  it('validates options with errors naming the argument, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[3]]);
    expect(() => new Lamb([w!], { eps: -1e-6 })).toThrow(/eps must be >= 0/);
    expect(() => new Lamb([w!], { epsRoot: Infinity })).toThrow(/epsRoot must be finite/);
    expect(() => new Lamb([w!], { betas: [0.9, 1] })).toThrow(RangeError);
    expect(() => new Lamb([w!], { weightDecay: -0.1 })).toThrow(/weightDecay/);
    expect(() => new Lamb([w!], { maximize: 1 as unknown as boolean })).toThrow(TypeError);
    expectEditRefused(new Lamb([w!], { lr: 0.1 }), (g) => {
      g.eps = -1;
    }, /eps/);
    w!.dispose();
  });
});
