// RMSprop: hand-computed first steps (plain, centered, momentum), torch's two-branch lerp for
// the centered average (1 − α ≥ 0.5 and α > 1), state layout per option, momentum switched on
// mid-run; every run compared bit for bit on simd, scalar and js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { RMSprop } from '../src/optim/rmsprop.js';
import { engines } from './helpers/lockstep.js';
import { rng, values } from './helpers/random.js';
import { expectBits, expectEditRefused, expectNear, onAllBackends } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const P0 = Float32Array.of(1, -2, 0.5, 3, -0.25, 0.75);
const G1 = Float32Array.of(0.5, -1, 0, 4, 1e-3, -7);
const G2 = Float32Array.of(-0.25, 2, 1, 4, 1e-5, 3);

describe('RMSprop', () => {
  it('first step: v = (1 − α)g², p − lr·g/(√v + ε)', () => {
    const r = onAllBackends(all, RMSprop, { options: { lr: 0.01 }, init: [P0], grads: [[G1]] });
    const v = G1.map((g) => 0.01 * g * g);
    expectNear(r.state[0]!.square_avg as Float32Array, v, 'square_avg');
    expectNear(r.params[0]![0]!, P0.map((p, i) => p - (0.01 * G1[i]!) / (Math.sqrt(v[i]!) + 1e-8)), 'p');
    expect(Object.keys(r.state[0]!)).toEqual(['step', 'square_avg']);
  });

  it('centered with momentum, two steps, against a double-precision loop', () => {
    const o = { lr: 0.02, alpha: 0.9, eps: 1e-6, momentum: 0.5, centered: true, weightDecay: 0.1 };
    const r = onAllBackends(all, RMSprop, { options: o, init: [P0], grads: [[G1], [G2]] });
    const p = [...P0], v = P0.map(() => 0), a = P0.map(() => 0), b = P0.map(() => 0);
    [G1, G2].forEach((gs, s) => {
      for (let i = 0; i < p.length; i++) {
        const g = gs[i]! + o.weightDecay * p[i]!;
        v[i] = o.alpha * v[i]! + (1 - o.alpha) * g * g;
        a[i] = a[i]! + (1 - o.alpha) * (g - a[i]!);
        const avg = Math.sqrt(v[i]! - a[i]! * a[i]!) + o.eps;
        b[i] = o.momentum * b[i]! + g / avg;
        p[i] = p[i]! - o.lr * b[i]!;
      }
      expectNear(r.params[s]![0]!, p, `p after step ${s + 1}`);
    });
    expectNear(r.state[0]!.grad_avg as Float32Array, a, 'grad_avg');
    expectNear(r.state[0]!.momentum_buffer as Float32Array, b, 'momentum_buffer');
    expect(Object.keys(r.state[0]!)).toEqual(['step', 'square_avg', 'momentum_buffer', 'grad_avg']);
  });

  // torch's lerp(x, y, w): x + w(y − x) when |w| < 0.5, else y + (w − 1)(y − x). The second
  // branch is taken for α ≤ 0.5 and for α ≥ 1.5 (torch accepts any α ≥ 0). The step starts from
  // a loaded state with a non-zero grad_avg (and a square_avg large enough for α > 1).
  it.each([0.2, 0.5, 0.7, 1.3, 2])('centered average uses the lerp branch torch picks (α = %s)', (alpha) => {
    const next = rng(7);
    const x0 = values(next, 19).map((x) => 3 * x);
    const g = values(next, 19).map((x) => 3 * x);
    const r = onAllBackends(all, RMSprop, {
      options: { lr: 0.01, alpha, centered: true },
      init: [new Float32Array(19)],
      grads: [[g]],
      before: (opt) => {
        const { paramGroups } = opt.stateDict();
        opt.loadStateDict({ state: { 0: { step: 1, square_avg: new Float32Array(19).fill(1000), grad_avg: x0 } }, paramGroups });
      },
    });
    const w = f(1 - alpha);
    const near = (x: number, y: number) => f(x + f(w * f(y - x)));
    const far = (x: number, y: number) => f(y + f(f(w - 1) * f(y - x)));
    const torch = Math.abs(w) < 0.5 ? near : far;
    const other = Math.abs(w) < 0.5 ? far : near;
    const expected = g.map((y, i) => torch(x0[i]!, y));
    // The data tells the two formulas apart, so taking the wrong branch fails the check.
    expect(expected.some((e, i) => e !== other(x0[i]!, g[i]!))).toBe(true);
    expectBits(r.state[0]!.grad_avg as Float32Array, expected, 'grad_avg');
    expect(r.state[0]!.step).toBe(2);
  });

  it('momentum switched on after the first step starts from a zero buffer', () => {
    const r = onAllBackends(all, RMSprop, {
      options: { lr: 0.01 },
      init: [P0],
      grads: [[G1], [G2]],
      before: (opt, s) => {
        if (s === 1) opt.paramGroups[0]!.momentum = 0.9;
      },
    });
    const v1 = G1.map((g) => f(f(0.01 * g) * g));
    const v2 = G2.map((g, i) => f(f(v1[i]! * f(0.99)) + f(f(f(1 - 0.99) * g) * g)));
    const buf = G2.map((g, i) => f(0 + f(g / f(f(Math.sqrt(v2[i]!)) + f(1e-8)))));
    expectBits(r.state[0]!.momentum_buffer as Float32Array, buf, 'momentum_buffer');
    expectBits(r.params[1]![0]!, r.params[0]![0]!.map((p, i) => f(p + f(f(-0.01) * buf[i]!))), 'p');
  });

  it('rejects bad options with an error naming the argument, before any change', () => {
    const e = all[0]!;
    const [p] = e.parameters([[3]]);
    expect(() => new RMSprop([p!], { alpha: -0.1 })).toThrow(/alpha/);
    expect(() => new RMSprop([p!], { momentum: -1 })).toThrow(RangeError);
    expect(() => new RMSprop([p!], { rho: 0.9 } as never)).toThrow(/unknown option "rho"/);
    expectEditRefused(new RMSprop([p!], { lr: 0.1 }), (g) => {
      g.eps = -1;
    }, /eps/);
    p!.dispose();
  });
});
