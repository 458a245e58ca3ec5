// Adam / AMSGrad specifics: torch's two-form lerp for the first moment, on every backend.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { Adam } from '../src/index.js';
import { onAllBackends } from './helpers/backends.js';
import { engines } from './helpers/lockstep.js';

const f = Math.fround;
let all: Engine[];
beforeAll(async () => {
  all = await engines();
});

// Values of very different magnitudes, so m + (g − m) would not round back to g.
const init = [Float32Array.from([0.5, -3, 1e-3, 7, 0.25, -0.125, 2, 9, 1e-5, -4, 3, 0.75, 6, -8, 1, 5, 0.1])];
const grads = [0, 1, 2].map((s) => [Float32Array.from(init[0]!, (x, i) => (s + 1) * 1e-4 * (i % 3 === 0 ? 1e6 : 1) * (x - 0.3 * i))]);

describe('Adam first moment: torch lerp(m, g, w)', () => {
  it.each([false, true])('β1 = 0 (w = 1) makes exp_avg exactly the gradient (amsgrad %s)', (amsgrad) => {
    const t = onAllBackends(all, Adam, { options: { lr: 0.01, betas: [0, 0.99], amsgrad }, init, grads });
    t.states.forEach((st, s) => expect(Array.from(st[0]!.exp_avg as Float32Array)).toEqual(Array.from(grads[s]![0]!)));
  });

  it('w ≥ 0.5 uses g − (1 − w)(g − m), w < 0.5 uses m + w(g − m), as torch', () => {
    for (const b1 of [0.3, 0.9]) {
      const t = onAllBackends(all, Adam, { options: { lr: 0.01, betas: [b1, 0.99] }, init, grads });
      const w = f(1 - b1);
      const m1 = t.states[0]![0]!.exp_avg as Float32Array;
      const m2 = t.states[1]![0]!.exp_avg as Float32Array;
      const g2 = grads[1]![0]!;
      for (let i = 0; i < m2.length; i++) {
        const d = f(g2[i]! - m1[i]!);
        const expected = w < 0.5 ? f(m1[i]! + f(w * d)) : f(g2[i]! - f(f(1 - w) * d));
        expect(m2[i], `β1 ${b1} [${i}]`).toBe(expected);
      }
    }
  });
});
