/**
 * EMA of parameters: the float32 update rule bit for bit on every backend, warmup decay, copyTo,
 * swap, checkpoints, untouched neighbours and bad input.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import type { Parameter } from '../src/memory/parameter.js';
import { EMA } from '../src/train/ema.js';
import { bitDiff, engines, randomFloats, seeded } from './helpers/toolkit.js';

const f = Math.fround;
const SIZES = [33, 7, 1, 16, 5];
let es: Engine[];

beforeAll(async () => {
  es = await engines();
});

function values(seed: number, step = 0): Float32Array[] {
  const next = seeded(seed * 100 + step);
  return SIZES.map((n) => randomFloats(next, n, 2));
}

/** Parameters in one block, or each in its own block. */
function model(e: Engine, init: Float32Array[], split: boolean): Parameter[] {
  return split ? init.map((d) => e.parameter(d)) : e.parameters(init);
}

/** The documented rule, in JS: s ← f32(d)·s + f32(1 − d)·p. */
function emaStep(shadow: Float32Array[], params: Float32Array[], d: number): void {
  const a = f(d), b = f(1 - d);
  shadow.forEach((s, t) => s.forEach((v, i) => (s[i] = f(f(a * v) + f(b * params[t]![i]!)))));
}

describe('EMA', () => {
  for (const warmup of [false, true]) {
    for (const decay of [0.999, 0.9, 0, 1]) {
      it(`decay ${decay}, warmup ${warmup}: the float32 rule bit for bit, every backend and layout`, () => {
        for (const e of es) {
          for (const split of [false, true]) {
            const init = values(1);
            const ps = model(e, init, split);
            const ema = new EMA(ps, { decay, warmup });
            const shadow = init.map((x) => x.slice());
            for (let t = 0; t < 12; t++) {
              const d = ema.currentDecay();
              expect(d).toBe(warmup ? Math.min(decay, (1 + t) / (10 + t)) : decay);
              const now = values(1, t + 1);
              ps.forEach((p, i) => p.data.set(now[i]!));
              ema.update();
              emaStep(shadow, now, d);
              ps.forEach((p, i) => expect(bitDiff(ema.shadow(p), shadow[i]!), `${e.backend} step ${t} tensor ${i}`).toBe(-1));
            }
            expect(ema.numUpdates).toBe(12);
            ema.dispose();
            for (const p of ps) p.dispose();
          }
        }
      });
    }
  }

  it('converges to a constant parameter like the float64 average', () => {
    const e = es[0]!;
    const [p] = e.parameters([[4]]);
    p!.data.set([1, -2, 0.5, 3]);
    const ema = new EMA(p!, { decay: 0.9 });
    p!.data.set([2, 2, 2, 2]);
    for (let t = 0; t < 50; t++) ema.update();
    const w = 0.9 ** 50;
    [1, -2, 0.5, 3].forEach((x0, i) => expect(ema.shadow(p!)[i]).toBeCloseTo(w * x0 + (1 - w) * 2, 5));
  });

  it('tracks a subset: neighbours in the same block are neither read into nor written', () => {
    for (const e of es) {
      const ps = e.parameters([5, 6, 7, 8]);
      ps.forEach((p, i) => p.data.fill(i + 1));
      const tracked = [ps[0]!, ps[2]!];
      const ema = new EMA(tracked, { decay: 0.5 });
      ps.forEach((p) => p.data.fill(10));
      ema.update();
      expect([...new Set(ema.shadow(ps[0]!))]).toEqual([5.5]);
      expect([...new Set(ema.shadow(ps[2]!))]).toEqual([6.5]);
      ema.swap();
      expect([...new Set(ps[1]!.data)]).toEqual([10]);
      expect([...new Set(ps[3]!.data)]).toEqual([10]);
      expect([...new Set(ps[2]!.data)]).toEqual([6.5]);
      ema.swap();
      expect(() => ema.shadow(ps[1]!)).toThrow(/not a parameter this EMA tracks/);
    }
  });

  it('swap() twice restores both sides exactly; update and copyTo are refused while swapped', () => {
    for (const e of es) {
      const ps = model(e, values(2), true);
      const ema = new EMA(ps, { decay: 0.8 });
      ps.forEach((p, i) => p.data.set(values(2, 1)[i]!));
      ema.update();
      const train = ps.map((p) => p.data.slice());
      const avg = ps.map((p) => ema.shadow(p).slice());
      ema.swap();
      expect(ema.swapped).toBe(true);
      ps.forEach((p, i) => expect(bitDiff(p.data, avg[i]!)).toBe(-1));
      expect(() => ema.update()).toThrow(/swapped/);
      expect(() => ema.copyTo()).toThrow(/swapped/);
      expect(ema.stateDict().shadow.map((s) => [...s])).toEqual(avg.map((s) => [...s]));
      ema.swap();
      ps.forEach((p, i) => {
        expect(bitDiff(p.data, train[i]!)).toBe(-1);
        expect(bitDiff(ema.shadow(p), avg[i]!)).toBe(-1);
      });
    }
  });

  it('copyTo: into the tracked parameters, into others in the same engine, into another engine', () => {
    const [e0, e1] = es;
    const ps = model(e0!, values(3), false);
    const ema = new EMA(ps, { decay: 0.5 });
    ps.forEach((p, i) => p.data.set(values(3, 1)[i]!));
    ema.update();
    const avg = ps.map((p) => ema.shadow(p).slice());
    const same = model(e0!, values(4), true);
    const other = model(e1!, values(4), false);
    ema.copyTo(same);
    ema.copyTo(other);
    ema.copyTo();
    for (const set of [same, other, ps]) set.forEach((p, i) => expect(bitDiff(p.data, avg[i]!)).toBe(-1));
  });

  it('stateDict / loadStateDict round trip', () => {
    for (const e of es) {
      const a = model(e, values(5), false), b = model(e, values(6), false);
      const ea = new EMA(a, { decay: 0.99, warmup: true });
      const eb = new EMA(b, { decay: 0.99, warmup: true });
      for (let t = 1; t <= 3; t++) {
        a.forEach((p, i) => p.data.set(values(5, t)[i]!));
        ea.update();
      }
      eb.loadStateDict(structuredClone(ea.stateDict()));
      expect(eb.numUpdates).toBe(3);
      expect(eb.currentDecay()).toBe(ea.currentDecay());
      for (const [x, y] of [[a, b], [b, a]] as const) x.forEach((p, i) => y[i]!.data.set(p.data));
      ea.update();
      eb.update();
      a.forEach((p, i) => expect(bitDiff(ea.shadow(p), eb.shadow(b[i]!))).toBe(-1));
    }
  });

  it('bad input: clear errors, nothing changed', () => {
    const e = es[0]!;
    const ps = model(e, values(7), false);
    const other = es[1]!.parameter(3);
    const bad: Array<[() => unknown, ErrorConstructor, RegExp]> = [
      [() => new EMA(ps, { decay: 1.5 }), RangeError, /decay/],
      [() => new EMA(ps, { decay: -0.1 }), RangeError, /decay/],
      [() => new EMA(ps, { decay: NaN }), RangeError, /decay/],
      [() => new EMA(ps, { decay: '0.9' as never }), TypeError, /decay/],
      [() => new EMA(ps, { warmup: 1 as never }), TypeError, /warmup/],
      [() => new EMA(ps, { beta: 0.9 } as never), TypeError, /unknown option "beta"/],
      [() => new EMA([], {}), TypeError, /at least one/],
      [() => new EMA([ps[0]!, other]), TypeError, /one engine/],
      [() => new EMA([ps[0]!, ps[0]!]), TypeError, /more than once/],
    ];
    for (const [call, type, message] of bad) {
      expect(call).toThrow(type);
      expect(call).toThrow(message);
    }
    const ema = new EMA(ps, { decay: 0.9 });
    ema.update();
    const state = ema.stateDict();
    const loads: Array<[unknown, RegExp]> = [
      [{ ...state, numUpdates: -1 }, /numUpdates/],
      [{ ...state, shadow: state.shadow.slice(1) }, /shadow must hold/],
      [{ ...state, shadow: state.shadow.map((s, i) => (i === 1 ? new Float32Array(2) : s)) }, /shadow\[1\]/],
      [{ ...state, shadow: state.shadow.map((s) => String(s)) }, /Float32Array/],
      [{ ...state, shadow: state.shadow.map((s) => [...s].map(String)) }, /must be a number/],
    ];
    for (const [s, message] of loads) expect(() => ema.loadStateDict(s as never)).toThrow(message);
    expect(ema.stateDict()).toEqual(state);
    // Number arrays (what a JSON round trip gives back) load with the same bits.
    ema.loadStateDict({ ...state, shadow: state.shadow.map((s) => [...s]) } as never);
    expect(ema.stateDict()).toEqual(state);
    const targets = model(e, values(8), false);
    expect(() => ema.copyTo(targets.slice(1))).toThrow(RangeError);
    expect(() => ema.copyTo([targets[1]!, targets[0]!, ...targets.slice(2)])).toThrow(/targets\[0\] has 7 elements/);
    targets.forEach((p, i) => expect(bitDiff(p.data, values(8)[i]!)).toBe(-1));
    ema.dispose();
    expect(() => ema.update()).toThrow(/disposed/);
  });
});
