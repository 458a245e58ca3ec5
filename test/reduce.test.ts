/**
 * Reduction and elementwise kernels: SIMD, scalar and JS agree bit for bit at every size around
 * the vector width, pointers aligned or not, and match a plain float64 loop within rounding.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { scalars } from '../src/wasm/kernel-table.js';
import { bitDiff, engines, randomFloats, seeded } from './helpers/toolkit.js';

const SIZES = [0, 1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1023];
const SCALES = [1, 1e-4, 50, 1e30];
let es: Engine[];

beforeAll(async () => {
  es = await engines();
});

/** Writes `data` at `shift` floats into a fresh block with NaN guards around it; returns the byte offset. */
function place(e: Engine, data: Float32Array, shift: number): { block: number; at: number } {
  const block = e.allocFloats(data.length + shift + 8);
  const f32 = e.heap.f32;
  f32.fill(NaN, block >> 2, (block >> 2) + data.length + shift + 8);
  const at = block + shift * 4;
  f32.set(data, at >> 2);
  return { block, at };
}

function reductions(e: Engine, data: Float32Array, shift: number) {
  const { block, at } = place(e, data, shift);
  const k = e.kernels;
  const out = {
    sumSquares: k.sum_squares_f32(at, data.length),
    sumAbs: k.sum_abs_f32(at, data.length),
    maxAbs: k.max_abs_f32(at, data.length),
    nonfinite: k.count_nonfinite_f32(at, data.length),
  };
  e.freeFloats(block);
  return out;
}

function plain(data: Float32Array) {
  let sq = 0, ab = 0, mx = 0, bad = 0;
  for (const v of data) {
    sq += v * v;
    ab += Math.abs(v);
    mx = Math.max(mx, Math.abs(v));
    if (!Number.isFinite(v)) bad++;
  }
  return { sq, ab, mx, bad };
}

describe('reductions', () => {
  for (const n of SIZES) {
    for (const scale of SCALES) {
      it(`n=${n} scale=${scale}: backends agree bit for bit and match float64`, () => {
        for (const shift of [0, 1, 3]) {
          const data = randomFloats(seeded(n * 31 + shift + scale), n, scale);
          const [a, b, c] = es.map((e) => reductions(e, data, shift));
          expect(b).toEqual(a);
          expect(c).toEqual(a);
          for (const r of [a!, b!, c!]) for (const v of Object.values(r)) expect(typeof v).toBe('number');
          const ref = plain(data);
          const tol = (x: number) => 1e-13 * Math.max(1, n) * x;
          expect(Math.abs(a!.sumSquares - ref.sq)).toBeLessThanOrEqual(tol(ref.sq));
          expect(Math.abs(a!.sumAbs - ref.ab)).toBeLessThanOrEqual(tol(ref.ab));
          expect(a!.maxAbs).toBe(ref.mx);
          expect(a!.nonfinite).toBe(0);
        }
      });
    }
  }

  it('sums of float32 values beyond float32 range stay finite (float64 accumulation)', () => {
    const data = new Float32Array(17).fill(3e38);
    for (const e of es) {
      const r = reductions(e, data, 0);
      const v = Math.fround(3e38);
      // v² and small multiples of it are exact in float64, so these sums are exact too.
      expect(r.sumSquares).toBe(17 * v * v);
      expect(r.sumAbs).toBe(17 * v);
      expect(r.maxAbs).toBe(v);
    }
  });

  it('counts NaN and ±Inf wherever they sit (vector part and tail)', () => {
    for (const n of SIZES.filter((s) => s > 0)) {
      for (const pos of new Set([0, n >> 1, n - 1])) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const data = randomFloats(seeded(n + pos), n);
          data[pos] = bad;
          const rs = es.map((e) => reductions(e, data, 1));
          for (const r of rs) {
            expect(r.nonfinite).toBe(1);
            if (Number.isNaN(bad)) {
              expect(r.maxAbs).toBeNaN();
              expect(r.sumSquares).toBeNaN();
            } else {
              expect(r.maxAbs).toBe(Infinity);
              expect(r.sumSquares).toBe(Infinity);
            }
          }
        }
      }
    }
    const many = new Float32Array(1023).map((_, i) => (i % 3 === 0 ? NaN : i % 7 === 0 ? -Infinity : i));
    const expected = plain(many).bad;
    for (const e of es) expect(reductions(e, many, 0).nonfinite).toBe(expected);
  });

  it('wide dynamic range, many seeds: every float64 addition rounds the same way on every backend', () => {
    // Sums of values spread over many binades round at nearly every addition, so any change in
    // the order of additions on one path shows up here (a reordered combination of the partial
    // sums differs in about one case in ten).
    for (let seed = 0; seed < 150; seed++) {
      const next = seeded(9000 + seed);
      const n = 1000 + (seed % 24);
      const data = new Float32Array(n).map(() => (next() * 2 - 1) * 2 ** Math.floor(next() * 40 - 20));
      const [a, b, c] = es.map((e) => reductions(e, data, seed % 4));
      expect(b, `seed ${seed}`).toEqual(a);
      expect(c, `seed ${seed}`).toEqual(a);
    }
  });

  it('property: random arrays give identical results on every backend', () => {
    fc.assert(
      fc.property(fc.float32Array({ noNaN: false, maxLength: 300 }), fc.integer({ min: 0, max: 3 }), (arr, shift) => {
        const [a, b, c] = es.map((e) => reductions(e, arr, shift));
        const same = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y));
        for (const key of ['sumSquares', 'sumAbs', 'maxAbs', 'nonfinite'] as const) {
          if (!same(a![key], b![key]) || !same(a![key], c![key])) return false;
        }
        return a!.nonfinite === plain(arr).bad;
      }),
      { numRuns: 200 },
    );
  });
});

type Op = (e: Engine, y: number, x: number, n: number) => void;
const f = Math.fround;
const OPS: Record<string, { run: Op; ref: (y: Float32Array, x: Float32Array) => void }> = {
  scale: {
    run: (e, y, _x, n) => e.kernels.scale_f32(y, n, Object.assign(scalars('scale_f32'), { a: -0.3 })),
    ref: (y) => y.forEach((v, i) => (y[i] = f(v * f(-0.3)))),
  },
  clamp: {
    run: (e, y, _x, n) => e.kernels.clamp_f32(y, n, Object.assign(scalars('clamp_f32'), { lo: -0.25, hi: 0.5 })),
    ref: (y) =>
      y.forEach((v, i) => {
        const t = v < -0.25 ? -0.25 : v;
        y[i] = 0.5 < t ? 0.5 : t;
      }),
  },
  axpby: {
    run: (e, y, x, n) => e.kernels.axpby_f32(y, x, n, Object.assign(scalars('axpby_f32'), { a: 0.9, b: 0.1 })),
    ref: (y, x) => y.forEach((v, i) => (y[i] = f(f(f(0.9) * v) + f(f(0.1) * x[i]!)))),
  },
  copy: { run: (e, y, x, n) => e.kernels.copy_f32(y, x, n), ref: (y, x) => y.set(x) },
  swap: {
    run: (e, y, x, n) => e.kernels.swap_f32(y, x, n),
    ref: (y, x) => {
      const t = y.slice();
      y.set(x);
      x.set(t);
    },
  },
};

describe('elementwise kernels', () => {
  for (const [name, op] of Object.entries(OPS)) {
    it(`${name}: every size, guards untouched, equal to the float32 reference on every backend`, () => {
      for (const n of SIZES) {
        for (const shift of [0, 2]) {
          const next = seeded(n * 7 + shift);
          const y0 = randomFloats(next, n, 2);
          const x0 = randomFloats(next, n, 2);
          if (n > 2) y0[1] = NaN;
          const yRef = y0.slice();
          const xRef = x0.slice();
          op.ref(yRef, xRef);
          for (const e of es) {
            const Y = place(e, y0, shift);
            const X = place(e, x0, shift + 1);
            op.run(e, Y.at, X.at, n);
            const f32 = e.heap.f32;
            const yGot = f32.slice(Y.at >> 2, (Y.at >> 2) + n);
            const xGot = f32.slice(X.at >> 2, (X.at >> 2) + n);
            expect(bitDiff(yGot, yRef), `${e.backend} n=${n}`).toBe(-1);
            expect(bitDiff(xGot, xRef), `${e.backend} n=${n} (x)`).toBe(-1);
            // Guards: the NaN fill before and after both ranges is still NaN.
            for (const { block, at } of [Y, X]) {
              for (let i = block >> 2; i < at >> 2; i++) expect(f32[i]).toBeNaN();
              for (let i = (at >> 2) + n; i < (at >> 2) + n + 8; i++) expect(f32[i], `${e.backend} ${name} n=${n} wrote past the end`).toBeNaN();
            }
            e.freeFloats(Y.block);
            e.freeFloats(X.block);
          }
        }
      }
    });
  }

  it('clamp: signed zeros and NaN bounds give the same bits on every backend', () => {
    const words = new Uint32Array([0x80000000, 0, 0xbf000000, 0x3f000000, 0x7fc00000, 0xff800000, 0x7f800000]);
    const outs = es.map((e) => {
      const rows: number[][] = [];
      for (const [lo, hi] of [[-0, 0], [0, -0], [-1, NaN], [NaN, 1], [0.25, 0.25]]) {
        const a = e.allocFloats(words.length);
        new Uint32Array(e.memory.buffer, a, words.length).set(words);
        e.kernels.clamp_f32(a, words.length, Object.assign(scalars('clamp_f32'), { lo: lo!, hi: hi! }));
        rows.push([...new Uint32Array(e.memory.buffer, a, words.length)]);
        e.freeFloats(a);
      }
      return rows;
    });
    expect(outs[1]).toEqual(outs[0]);
    expect(outs[2]).toEqual(outs[0]);
    // lo = −0, hi = +0: −0 and +0 pass through, −0.5 → −0, +0.5 → +0, NaN stays NaN, ∓Inf → ∓0.
    expect(outs[0]![0]!.slice(0, 4)).toEqual([0x80000000, 0, 0x80000000, 0]);
    expect(outs[0]![0]![4]! & 0x7fc00000).toBe(0x7fc00000);
  });

  it('copy and swap move NaN payloads and -0 unchanged', () => {
    const words = new Uint32Array([0x7fc00001, 0x80000000, 0xff800000, 0x7f800001, 0x3f800000]);
    for (const e of es) {
      const a = e.allocFloats(5), b = e.allocFloats(5), c = e.allocFloats(5);
      new Uint32Array(e.memory.buffer, a, 5).set(words);
      e.kernels.copy_f32(b, a, 5);
      e.kernels.swap_f32(b, c, 5);
      expect([...new Uint32Array(e.memory.buffer, c, 5)]).toEqual([...words]);
      expect([...new Uint32Array(e.memory.buffer, b, 5)]).toEqual([0, 0, 0, 0, 0]);
      for (const o of [a, b, c]) e.freeFloats(o);
    }
  });
});
