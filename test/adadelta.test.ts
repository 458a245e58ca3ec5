// Adadelta: hand-computed first step, ρ = 1 (a plain gradient step: √(u+ε)/√(v+ε) = 1) and
// ρ = 0, zero gradients, validation; every run compared bit for bit on simd, scalar, js.
// (Maximize, live edits, bad options, awkward sizes and state round trips for every optimizer:
// contract.test.ts and contract-state.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adadelta } from '../src/optim/adadelta.js';
import { engines } from './helpers/lockstep.js';
import { expectBits, expectEditRefused, expectNear, LOOP, onAllBackends } from './helpers/backends.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines(1 << 20);
});

const { p0: P0, g1: G1, g2: G2 } = LOOP;

describe('Adadelta', () => {
  it('two steps with weight decay against a double-precision loop', () => {
    const o = { lr: 0.5, rho: 0.8, eps: 1e-6, weightDecay: 0.1 };
    const r = onAllBackends(all, Adadelta, { options: o, init: [P0], grads: [[G1], [G2]] });
    const p = [...P0], v = p.map(() => 0), u = p.map(() => 0);
    [G1, G2].forEach((gs, s) => {
      for (let i = 0; i < p.length; i++) {
        const g = gs[i]! + o.weightDecay * p[i]!;
        v[i] = o.rho * v[i]! + (1 - o.rho) * g * g;
        const d = (Math.sqrt(u[i]! + o.eps) / Math.sqrt(v[i]! + o.eps)) * g;
        u[i] = o.rho * u[i]! + (1 - o.rho) * d * d;
        p[i] = p[i]! - o.lr * d;
      }
      expectNear(r.params[s]![0]!, p, `p after step ${s + 1}`);
    });
    expectNear(r.state[0]!.square_avg as Float32Array, v, 'square_avg');
    expectNear(r.state[0]!.acc_delta as Float32Array, u, 'acc_delta');
    expect(Object.keys(r.state[0]!)).toEqual(['step', 'square_avg', 'acc_delta']);
  });

  it('ρ = 1 keeps both averages at 0, so every step is p − lr·g exactly', () => {
    const r = onAllBackends(all, Adadelta, { options: { lr: 0.3, rho: 1 }, init: [P0], grads: [[G1], [G2]] });
    let p = P0;
    [G1, G2].forEach((g, s) => {
      p = p.map((x, i) => f(x + f(f(-0.3) * g[i]!)));
      expectBits(r.params[s]![0]!, p, `step ${s + 1}`);
    });
    expectBits(r.state[0]!.square_avg as Float32Array, new Float32Array(7));
    expectBits(r.state[0]!.acc_delta as Float32Array, new Float32Array(7));
  });

  it('ρ = 0 keeps only the latest squares: v = g², u = d²', () => {
    const r = onAllBackends(all, Adadelta, { options: { rho: 0, eps: 1e-4 }, init: [P0], grads: [[G1], [G2]] });
    const d1 = G1.map((g) => f(f(f(Math.sqrt(f(1e-4))) / f(Math.sqrt(f(f(g * g) + f(1e-4))))) * g));
    const v2 = G2.map((g) => f(g * g));
    const d2 = G2.map((g, i) => f(f(f(Math.sqrt(f(f(d1[i]! * d1[i]!) + f(1e-4)))) / f(Math.sqrt(f(v2[i]! + f(1e-4))))) * g));
    expectBits(r.state[0]!.square_avg as Float32Array, v2, 'square_avg');
    expectBits(r.state[0]!.acc_delta as Float32Array, d2.map((d) => f(d * d)), 'acc_delta');
  });

  it('a zero gradient moves nothing and leaves acc_delta at 0', () => {
    const r = onAllBackends(all, Adadelta, { options: {}, init: [P0], grads: [[new Float32Array(7)], [new Float32Array(7)]] });
    expectBits(r.params[1]![0]!, P0);
    expectBits(r.state[0]!.acc_delta as Float32Array, new Float32Array(7));
  });

  it('rejects bad options with an error naming the argument, before any change', () => {
    const e = all[0]!;
    const [p] = e.parameters([[3]]);
    expect(() => new Adadelta([p!], { rho: 1.01 })).toThrow(/rho/);
    expect(() => new Adadelta([p!], { rho: -0.01 })).toThrow(RangeError);
    expect(() => new Adadelta([p!], { weightDecay: -1 })).toThrow(/weightDecay/);
    expectEditRefused(new Adadelta([p!]), (g) => {
      g.rho = 2;
    }, /rho/);
    p!.dispose();
  });
});
