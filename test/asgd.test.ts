// ASGD: hand-computed steps, the η/μ schedule as torch keeps it (float32 state, this step's lr
// for the next η), Polyak–Juditsky averaging in ax, a float64 reference written from the papers
// against the reference trajectories, torch's test_optim behaviours, the idiomatic baseline,
// validation; every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { ASGD, type ASGDOptions } from '../src/optim/asgd.js';
import idiomaticAsgd from '../src/cli/bench/idiomatic/asgd.js';
import { engines, firstBitDifference } from './helpers/lockstep.js';
import { rng } from './helpers/random.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends, seededValues, TAIL_SIZES } from './helpers/backends.js';
import { expectIdiomaticAgrees, expectTrajectoryNear, nextCases, perTensor } from './helpers/next-fixtures.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

/**
 * ASGD in float64 from the papers, not from torch's code: the SGD step with L2 decay and the step
 * size η_t = η0·(1 + λ·η0·t)^(−α) of Bottou (2012, "Stochastic Gradient Descent Tricks", §5.3,
 * with η_t used at step t + 1), and the Polyak–Juditsky average in its recursive form
 * ā ← ā + μ_t·(w − ā), μ_t = 1/max(1, t − t0). Returns w and ā after every step.
 */
function asgd64(p0: ArrayLike<number>, grads: ArrayLike<number>[], o: Required<ASGDOptions>): { w: number[][]; a: number[][] } {
  const w = Array.from(p0);
  let a = w.slice();
  const out = { w: [] as number[][], a: [] as number[][] };
  grads.forEach((g0, s) => {
    const t = s; // steps taken before this one
    const eta = o.lr / (1 + o.lambd * o.lr * t) ** o.alpha;
    const mu = t === 0 ? 1 : 1 / Math.max(1, t - o.t0);
    for (let i = 0; i < w.length; i++) {
      const g = (o.maximize ? -g0[i]! : g0[i]!) + o.weightDecay * w[i]!;
      w[i] = w[i]! - eta * (o.lambd * w[i]! + g);
    }
    a = a.map((x, i) => (mu === 1 ? w[i]! : x + mu * (w[i]! - x)));
    out.w.push(w.slice());
    out.a.push(a.slice());
  });
  return out;
}

const DEFAULTS: Required<ASGDOptions> = { lr: 1e-2, lambd: 1e-4, alpha: 0.75, t0: 1e6, weightDecay: 0, maximize: false };
const CASES = nextCases('asgd', DEFAULTS);

describe('ASGD', () => {
  it('first two steps by hand: p·(1 − λ·lr) − lr·g, then η = lr/(1 + λ·lr)^α; ax a copy of p; η and μ float32 state', () => {
    const p0 = [1, -2, 0.5, 3, -0.25, 7, 0];
    const g1 = [0.5, -1, 0, 4, 1e-3, -30, 2];
    const g2 = [-0.25, 2, 1, 4, 1e-5, 3, -0.5];
    const o = { lr: 0.1, lambd: 0.5, alpha: 0.75 };
    const r = onAllBackends(all, ASGD, { options: o, init: [p0], grads: [[g1], [g2]] });
    const p1 = p0.map((p, i) => p * (1 - 0.5 * 0.1) - 0.1 * g1[i]!);
    expectNear(r.params[0]![0]!, p1, 'p after step 1');
    expectBits(r.states[0]![0]!.ax as Float32Array, r.params[0]![0]!, 'ax = p after step 1');
    const eta2 = 0.1 / (1 + 0.5 * 0.1 * 1) ** 0.75;
    expect(r.states[0]![0]!.eta).toBe(f(eta2));
    expect(r.states[0]![0]!.mu).toBe(1);
    const p2 = p1.map((p, i) => p * (1 - 0.5 * eta2) - eta2 * g2[i]!);
    expectNear(r.params[1]![0]!, p2, 'p after step 2');
    expectBits(r.states[1]![0]!.ax as Float32Array, r.params[1]![0]!, 'ax = p after step 2');
    expect(r.states[1]![0]!.eta).toBe(f(0.1 / (1 + 0.5 * 0.1 * 2) ** 0.75));
    expect(Object.keys(r.state[0]!)).toEqual(['step', 'eta', 'mu', 'ax']);
  });

  it('μ = 1/max(1, t − t0) in float32 after each step; averaging starts at step ⌊t0⌋ + 3', () => {
    for (const t0 of [0, 3, 5.5]) {
      const grads = Array.from({ length: 10 }, (_, s) => [seededValues(s + 1, 9)]);
      const r = onAllBackends(all, ASGD, { options: { lr: 0.05, t0 }, init: [seededValues(99, 9)], grads });
      r.states.forEach((st, s) => {
        const t = s + 1;
        expect(st[0]!.mu, `t0 = ${t0}, after step ${t}`).toBe(f(1 / Math.max(1, t - t0)));
        const copy = firstBitDifference(st[0]!.ax as Float32Array, r.params[s]![0]!) === -1;
        expect(copy, `t0 = ${t0}: ax is p after step ${t}`).toBe(t < Math.floor(t0) + 3);
      });
    }
  });

  it('with an integer t0, ax is the plain mean of the iterates since step t0 + 2 (Polyak–Juditsky)', () => {
    const t0 = 2;
    const grads = Array.from({ length: 12 }, (_, s) => [seededValues(10 + s, 13, 3)]);
    const r = onAllBackends(all, ASGD, { options: { lr: 0.05, lambd: 0.01, t0 }, init: [seededValues(5, 13)], grads });
    for (let s = t0 + 1; s < 12; s++) {
      const iterates = r.params.slice(t0 + 1, s + 1).map((ps) => ps[0]!);
      const mean = Array.from({ length: 13 }, (_, i) => iterates.reduce((acc, p) => acc + p[i]!, 0) / iterates.length);
      expectNear(r.states[s]![0]!.ax as Float32Array, mean, `after step ${s + 1}`, 1e-5, 1e-6);
    }
  });

  it('the next η takes this step’s lr (as torch): an lr edit before step 2 changes step 3, not step 2', () => {
    const grads = [[[1, -1]], [[1, -1]], [[1, -1]]];
    const base = onAllBackends(all, ASGD, { options: { lr: 0.1 }, init: [[1, 2]], grads });
    const edited = onAllBackends(all, ASGD, {
      options: { lr: 0.1 },
      init: [[1, 2]],
      grads,
      before: (opt, s) => {
        if (s === 1) opt.paramGroups[0]!.lr = 0.02;
      },
    });
    expectBits(edited.params[1]![0]!, base.params[1]![0]!, 'step 2 runs on the η computed at step 1');
    expect(edited.states[1]![0]!.eta).toBe(f(0.02 / (1 + 1e-4 * 0.02 * 2) ** 0.75));
    expect(firstBitDifference(edited.params[2]![0]!, base.params[2]![0]!)).not.toBe(-1);
  });

  it('a float64 reference from the papers agrees with every reference trajectory and with this implementation, p and ax', () => {
    expect(CASES.map((c) => c.name)).toEqual(['asgd/default', 'asgd/weight_decay', 'asgd/averaging', 'asgd/averaging_wd_maximize']);
    for (const c of CASES) {
      const r = onAllBackends(all, ASGD, { options: c.resolved, init: c.params, grads: c.grads });
      const w = perTensor(c, (p0, g) => asgd64(p0, g, c.resolved).w);
      const a = perTensor(c, (p0, g) => asgd64(p0, g, c.resolved).a);
      expectTrajectoryNear(c.expected, w, c, 'fixture p vs float64');
      expectTrajectoryNear(c.expected_state!.ax!, a, c, 'fixture ax vs float64');
      expectTrajectoryNear(r.params, w, c, 'p vs float64');
      expectTrajectoryNear(r.states.map((st) => st.map((x) => x.ax as Float32Array)), a, c, 'ax vs float64');
    }
  });

  it('torch test_optim: 20 closure steps on ‖W·x + b‖² lower the loss (raise it with maximize), also with param groups', () => {
    const variants: Array<{ opts: ASGDOptions; groups?: boolean }> = [
      { opts: {} }, { opts: { lr: 0.02 } }, { opts: { t0: 100 } }, { opts: { weightDecay: 0.1 } },
      { opts: { weightDecay: 0.1, maximize: true } }, { opts: { lr: 0.02 }, groups: true },
    ];
    for (const e of all) {
      for (const { opts, groups } of variants) {
        const next = rng(7);
        const [w, b] = e.parameters([Float32Array.from({ length: 50 }, () => next() * 2 - 1), Float32Array.from({ length: 10 }, () => next() * 2 - 1)]);
        const x = Array.from({ length: 5 }, () => next() * 2 - 1);
        const opt = new ASGD(groups ? [{ params: [w!], weightDecay: 0.1 }, { params: [b!] }] : [w!, b!], opts);
        const closure = (): number => {
          let loss = 0;
          for (let r = 0; r < 10; r++) {
            let y = b!.data[r]!;
            for (let c = 0; c < 5; c++) y += w!.data[r * 5 + c]! * x[c]!;
            loss += y * y;
            b!.grad[r] = 2 * y;
            for (let c = 0; c < 5; c++) w!.grad[r * 5 + c] = 2 * y * x[c]!;
          }
          return loss;
        };
        const initial = closure();
        for (let s = 0; s < 20; s++) opt.step(closure);
        const where = `${e.backend} ${JSON.stringify(opts)}${groups ? ' groups' : ''}`;
        if (opts.maximize) expect(closure(), where).toBeGreaterThan(initial);
        else expect(closure(), where).toBeLessThan(initial);
        opt.dispose();
        w!.dispose();
        b!.dispose();
      }
    }
  });

  it('every tail size, tiny to huge gradients, averaging on: the three backends agree', () => {
    for (const n of TAIL_SIZES) {
      const scales = [1e-30, 1e-8, 1, 1e6, 1e15, 1];
      const grads = scales.map((sc, s) => [seededValues(40 * n + s, n, sc)]);
      const r = onAllBackends(all, ASGD, { options: { lr: 1e-2, lambd: 0.1, t0: 0, weightDecay: 0.01 }, init: [seededValues(n, n)], grads });
      expect(r.states[5]![0]!.mu).toBe(f(1 / 6));
    }
  });

  it('the idiomatic baseline does the same update to float tolerance', () => {
    expectIdiomaticAgrees(all, ASGD, idiomaticAsgd, { lr: 0.05, lambd: 0.01, t0: 1, weightDecay: 0.01 }, DEFAULTS);
  });

  it('validates options and loaded η/μ with errors naming them, and leaves state untouched', () => {
    const e = all[0]!;
    const [w] = e.parameters([[2]]);
    expect(() => new ASGD([w!], { weightDecay: -0.5 })).toThrow(/weightDecay must be >= 0/);
    expect(() => new ASGD([w!], { t0: NaN })).toThrow(/t0/);
    expect(() => new ASGD([w!], { lambd: '1' as never })).toThrow(TypeError);
    expect(() => new ASGD([w!], { betas: [0.9, 0.999] } as never)).toThrow(/unknown option "betas"/);
    const opt = new ASGD([w!], { lr: 0.1 });
    w!.grad.fill(1);
    opt.step();
    const sd = opt.stateDict();
    const bad = (k: string, v: number) => ({ ...sd, state: { 0: { ...sd.state[0]!, [k]: v } } });
    expect(() => opt.loadStateDict(bad('mu', 0))).toThrow(/mu.*\(0, 1\]/);
    expect(() => opt.loadStateDict(bad('mu', 1.5))).toThrow(RangeError);
    expect(() => opt.loadStateDict(bad('eta', -0.1))).toThrow(/eta.*>= 0/);
    expect(opt.stateDict()).toEqual(sd);
    opt.dispose();
    expectEditRefused(new ASGD([w!], { lr: 0.1 }), (g) => {
      g.alpha = -1;
    }, /alpha must be >= 0/);
    w!.dispose();
  });
});
