// Adam's bias corrections from running powers: the float32 the kernel gets must be the one the
// plain expressions (with `**`) give, at every step, whatever order the steps come in.
import { describe, expect, it } from 'vitest';
import { AdamCorrections, Powers } from '../src/optim/bias-correction.js';
import { Adam, createEngine } from '../src/index.js';

const f = Math.fround;
const reference = (lr: number, b1: number, b2: number, t: number): [number, number] => [f(-lr / (1 - b1 ** t)), f(1 / Math.sqrt(1 - b2 ** t))];

function expectSame(c: AdamCorrections, lr: number, b1: number, b2: number, t: number, out: Float32Array): void {
  c.write(t, out, 0, 1);
  const [neg, inv] = reference(lr, b1, b2, t);
  if (!Object.is(out[0], neg) || !Object.is(out[1], inv)) expect([t, out[0], out[1]]).toEqual([t, neg, inv]);
}

describe('AdamCorrections', () => {
  const cases: Array<[number, number, number]> = [
    [1e-3, 0.9, 0.999],
    [0.02, 0.8, 0.99],
    [0.01, 0.9, 0.9999],
    [3e-4, 0.95, 0.98],
    [0.1, 0.5, 0.999999],
    [1, 0, 0.3],
    [0, 0.9, 0.999],
    [7.5, 0.999999999, 0.1],
  ];

  it('gives the bits of the `**` expressions at every step from 1 to 60 000', () => {
    const out = new Float32Array(2);
    for (const [lr, b1, b2] of cases) {
      const c = new AdamCorrections(lr, b1, b2);
      for (let t = 1; t <= 60_000; t++) expectSame(c, lr, b1, b2, t, out);
    }
  });

  it('gives them when steps repeat, jump or go back (a loaded state, runs at other steps)', () => {
    const out = new Float32Array(2);
    for (const [lr, b1, b2] of cases) {
      const c = new AdamCorrections(lr, b1, b2);
      for (const t of [5, 5, 6, 100, 101, 99, 1, 2, 3, 1e6, 1e6 + 1, 40_000, 40_001, 7]) expectSame(c, lr, b1, b2, t, out);
    }
  });

  it('keeps the running powers across an lr change and restarts them when a beta changes', () => {
    const out = new Float32Array(2);
    const c = new AdamCorrections(1e-3, 0.9, 0.999);
    for (let t = 1; t <= 300; t++) expectSame(c, 1e-3, 0.9, 0.999, t, out);
    const p1 = c.p1;
    c.update(5e-4, 0.9, 0.99);
    expect(c.p1).toBe(p1);
    for (let t = 301; t <= 600; t++) expectSame(c, 5e-4, 0.9, 0.99, t, out);
  });

  it('writes −0 for lr 0, as the expression does', () => {
    const out = new Float32Array(2);
    const c = new AdamCorrections(0, 0.9, 0.999);
    c.write(3, out, 0, 1);
    expect(Object.is(out[0], -0)).toBe(true);
  });
});

describe('Powers', () => {
  it('stays within its error bound of `**`, and goes to exactly 0 below 2⁻²⁰⁰', () => {
    for (const b of [0.9, 0.999, 0.5, 0.999999]) {
      const p = new Powers(b);
      for (let t = 0; t <= 20_000; t++) {
        p.advance(t);
        if (!(Math.abs(p.q - b ** t) <= p.err)) expect([t, Math.abs(p.q - b ** t)]).toEqual([t, p.err]);
      }
    }
    const p = new Powers(0.5);
    p.advance(250);
    expect(p.q).toBe(0);
  });

  it('is not `**` itself: the running product drifts from it, which is why the corrections check their bound', () => {
    // The reason for the bound: b^t by repeated products is not bit-identical to b ** t.
    const p = new Powers(0.999);
    let differ = 0;
    for (let t = 0; t <= 4000; t++) {
      p.advance(t);
      if (p.q !== 0.999 ** t) differ++;
    }
    expect(differ).toBeGreaterThan(0);
  });
});

describe('the options a step is given', () => {
  it('are frozen, so what a run derives from them can be kept by identity until the group changes', async () => {
    const engine = await createEngine({ backend: 'js' });
    const seen: object[] = [];
    class Probe extends Adam {
      probe(): void {
        for (const g of this.prepare('probe')) seen.push(g.options);
      }
    }
    const opt = new Probe(engine.parameters([4]), { lr: 0.01 });
    opt.probe();
    opt.probe();
    const [a, b] = seen as Array<{ lr: number; betas: number[] }>;
    expect(b).toBe(a); // unchanged group: the same object
    expect(Object.isFrozen(a) && Object.isFrozen(a!.betas)).toBe(true);
    expect(() => {
      a!.lr = 1;
    }).toThrow(TypeError);
    opt.paramGroups[0]!.lr = 0.02;
    opt.probe();
    expect(seen[2]).not.toBe(a);
    expect((seen[2] as { lr: number }).lr).toBe(0.02);
    expect(Object.isFrozen(opt.paramGroups[0]!.params)).toBe(false); // the user's list stays theirs
  });
});
