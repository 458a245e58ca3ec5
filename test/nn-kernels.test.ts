// Network kernels (matmul, activations, losses): SIMD, scalar and JS agree bit for bit at tile
// edges, outputs start as NaN and are fenced by guard words, and results match float64 math.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine.js';
import { expf, logf } from '../src/reference/fmath.js';
import type { Kernels } from '../src/wasm/kernels.js';
import { engines, firstBitDifference } from './helpers/lockstep.js';
import { rng } from './helpers/random.js';

const GUARD = 4;
const SENTINEL = 12345.678;

let all: Engine[];
beforeAll(async () => {
  all = await engines(16 << 20);
});

type Inputs = Record<string, Float32Array>;
interface Outcome {
  ret: unknown;
  bufs: Record<string, Float32Array>;
}

/** Copies every buffer into each engine (fenced by guards), runs `call`, returns copies. */
function runEverywhere(inputs: Inputs, call: (k: Kernels, at: Record<string, number>) => unknown): Outcome[] {
  return all.map((engine) => {
    const at: Record<string, number> = {};
    const blocks: number[] = [];
    for (const [name, data] of Object.entries(inputs)) {
      const block = engine.allocFloats(data.length + 2 * GUARD);
      blocks.push(block);
      const f32 = engine.heap.f32;
      f32.fill(SENTINEL, block >> 2, (block >> 2) + data.length + 2 * GUARD);
      f32.set(data, (block >> 2) + GUARD);
      at[name] = block + GUARD * 4;
    }
    const ret = call(engine.kernels, at);
    const bufs: Record<string, Float32Array> = {};
    for (const [name, data] of Object.entries(inputs)) {
      const start = (at[name]! >> 2) - GUARD;
      bufs[name] = engine.heap.f32.slice(start, start + data.length + 2 * GUARD);
    }
    for (const b of blocks) engine.freeFloats(b);
    return { ret, bufs };
  });
}

/** All backends equal bit for bit, guards intact; returns the interior of the first backend's buffers. */
function agree(outs: Outcome[], where: string): { ret: unknown; bufs: Record<string, Float32Array> } {
  const [ref, ...rest] = outs;
  for (const [name, buf] of Object.entries(ref!.bufs)) {
    for (let g = 0; g < GUARD; g++) {
      expect(buf[g], `${where}: ${name} guard before`).toBe(Math.fround(SENTINEL));
      expect(buf[buf.length - 1 - g], `${where}: ${name} guard after`).toBe(Math.fround(SENTINEL));
    }
    rest.forEach((o, i) => {
      expect(firstBitDifference(buf, o.bufs[name]!), `${where}: ${name}, backend ${i + 1} vs simd`).toBe(-1);
    });
  }
  rest.forEach((o) => expect(Object.is(o.ret, ref!.ret) || o.ret === ref!.ret, `${where}: return value`).toBe(true));
  const bufs: Record<string, Float32Array> = {};
  for (const [name, buf] of Object.entries(ref!.bufs)) bufs[name] = buf.subarray(GUARD, buf.length - GUARD);
  return { ret: ref!.ret, bufs };
}

function rand(seed: number, n: number, scale = 1): Float32Array {
  const next = rng(seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (next() * 2 - 1) * scale;
  return a;
}

const nan = (n: number) => new Float32Array(n).fill(NaN);
const close = (a: number, e: number, tol: number) => Math.abs(a - e) <= tol * (1 + Math.abs(e));

// Shapes around the 4×8 register block and the 4-wide vectors, plus layer-like sizes.
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1], [1, 3, 5], [3, 5, 7], [4, 8, 4], [4, 8, 16], [5, 9, 17], [7, 13, 3], [8, 12, 1],
  [9, 17, 33], [33, 130, 65], [32, 10, 64], [0, 4, 4], [4, 0, 4], [4, 4, 0],
];

describe('matmul kernels', () => {
  it.each(SHAPES)('matmul_f32 m=%i n=%i k=%i, with and without bias', (m, n, k) => {
    for (const withBias of [false, true]) {
      const inputs = { a: rand(m * 31 + k, m * k), b: rand(n * 7 + k, k * n), bias: rand(n + 99, n), c: nan(m * n) };
      const where = `matmul ${m}×${n}×${k} bias=${withBias}`;
      const { bufs } = agree(runEverywhere(inputs, (kk, at) => kk.matmul_f32(at.a!, at.b!, withBias ? at.bias! : 0, at.c!, m, n, k)), where);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let e = withBias ? inputs.bias[j]! : 0;
          for (let p = 0; p < k; p++) e += inputs.a[i * k + p]! * inputs.b[p * n + j]!;
          expect(close(bufs.c![i * n + j]!, e, 1e-5), `${where} [${i},${j}]`).toBe(true);
        }
      }
    }
  });

  it.each(SHAPES)('matmul_tn_f32 m=%i n=%i k=%i accumulates Aᵀ·B', (m, n, k) => {
    const inputs = { a: rand(m + 5 * k, k * m), b: rand(n + 11 * k, k * n), c: rand(m * n + 3, m * n) };
    const where = `matmul_tn ${m}×${n}×${k}`;
    const { bufs } = agree(runEverywhere(inputs, (kk, at) => kk.matmul_tn_f32(at.a!, at.b!, at.c!, m, n, k)), where);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let e = inputs.c[i * n + j]!;
        for (let p = 0; p < k; p++) e += inputs.a[p * m + i]! * inputs.b[p * n + j]!;
        expect(close(bufs.c![i * n + j]!, e, 1e-5), `${where} [${i},${j}]`).toBe(true);
      }
    }
  });

  it.each(SHAPES)('matmul_nt_f32 m=%i n=%i k=%i computes A·Bᵀ', (m, n, k) => {
    const inputs = { a: rand(m + 13 * k, m * k), b: rand(n + 17 * k, n * k), c: nan(m * n) };
    const where = `matmul_nt ${m}×${n}×${k}`;
    const { bufs } = agree(runEverywhere(inputs, (kk, at) => kk.matmul_nt_f32(at.a!, at.b!, at.c!, m, n, k)), where);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let e = 0;
        for (let p = 0; p < k; p++) e += inputs.a[i * k + p]! * inputs.b[j * k + p]!;
        expect(close(bufs.c![i * n + j]!, e, 1e-5), `${where} [${i},${j}]`).toBe(true);
      }
    }
  });

  it.each([[0, 5], [1, 1], [3, 3], [4, 16], [5, 17], [32, 130], [7, 64]])('colsum_f32 m=%i n=%i accumulates column sums', (m, n) => {
    const inputs = { a: rand(m * 3 + n, m * n), c: rand(n + 1, n) };
    const { bufs } = agree(runEverywhere(inputs, (kk, at) => kk.colsum_f32(at.a!, at.c!, m, n)), `colsum ${m}×${n}`);
    for (let j = 0; j < n; j++) {
      let e = inputs.c[j]!;
      for (let i = 0; i < m; i++) e += inputs.a[i * n + j]!;
      expect(close(bufs.c![j]!, e, 1e-5)).toBe(true);
    }
  });
});

const SIZES = [0, 1, 3, 4, 5, 15, 16, 17, 1023];
/** Inputs over a wide range with the awkward values (±0, extremes beyond exp's clamp). */
function activationInput(n: number, seed: number): Float32Array {
  const x = rand(seed, n, 12);
  const special = [0, -0, 1e-8, -1e-8, 50, -50, 100, -100, 3.4e38, -3.4e38];
  for (let i = 0; i < Math.min(n, special.length); i++) x[(i * 7) % n] = special[i]!;
  return x;
}

const ACTIVATIONS = {
  relu: { fn: (x: number) => Math.max(x, 0), back: (y: number, d: number) => (y > 0 ? d : 0), tol: 0 },
  sigmoid: { fn: (x: number) => 1 / (1 + Math.exp(-x)), back: (y: number, d: number) => d * y * (1 - y), tol: 1e-6 },
  tanh: { fn: Math.tanh, back: (y: number, d: number) => d * (1 - y * y), tol: 1e-6 },
} as const;

describe.each(Object.keys(ACTIVATIONS) as Array<keyof typeof ACTIVATIONS>)('%s kernels', (name) => {
  const spec = ACTIVATIONS[name];
  it.each(SIZES)('forward and backward, n = %i', (n) => {
    const x = activationInput(n, n + 1);
    const fwd = agree(runEverywhere({ x, y: nan(n) }, (k, at) => k[`${name}_f32`](at.x!, at.y!, n)), `${name} n=${n}`);
    const y = fwd.bufs.y!;
    for (let i = 0; i < n; i++) {
      // Absolute tolerance: tanh's 1 − 2/(e^{2x} + 1) loses relative accuracy only near 0.
      expect(Math.abs(y[i]! - spec.fn(x[i]!)) <= spec.tol + 1e-6 * Math.abs(spec.fn(x[i]!)), `${name}(${x[i]})`).toBe(true);
    }
    const dy = rand(n + 7, n);
    const back = agree(runEverywhere({ y: Float32Array.from(y), dy, dx: nan(n) }, (k, at) => k[`${name}_backward_f32`](at.y!, at.dy!, at.dx!, n)), `${name}' n=${n}`);
    for (let i = 0; i < n; i++) expect(close(back.bufs.dx![i]!, spec.back(y[i]!, dy[i]!), 1e-6)).toBe(true);
    // In place (y = x, dx = dy) gives the same bits.
    const inPlace = agree(runEverywhere({ x: Float32Array.from(x) }, (k, at) => k[`${name}_f32`](at.x!, at.x!, n)), `${name} in place`);
    expect(firstBitDifference(inPlace.bufs.x!, y)).toBe(-1);
  });
});

describe('loss kernels', () => {
  it.each(SIZES)('mse_loss_f32, n = %i', (n) => {
    const p = rand(n + 3, n, 4), t = rand(n + 4, n, 4);
    const scale = Math.fround(2 / Math.max(n, 1));
    const { ret, bufs } = agree(runEverywhere({ p, t, g: nan(n) }, (k, at) => k.mse_loss_f32(at.p!, at.t!, at.g!, n, Object.assign(k.mse_loss_f32.scalars(), { scale }))), `mse n=${n}`);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const d = p[i]! - t[i]!;
      e += d * d;
      expect(close(bufs.g![i]!, scale * d, 1e-6)).toBe(true);
    }
    expect(close(ret as number, e, 1e-6)).toBe(true);
  });

  it.each(SIZES)('bce_logits_loss_f32, n = %i', (n) => {
    const z = activationInput(n, n + 5).map((v) => Math.max(-60, Math.min(60, v)));
    const t = rand(n + 6, n).map((v) => (v > 0 ? 1 : v < -0.5 ? 0 : 0.3));
    const scale = Math.fround(1 / Math.max(n, 1));
    const { ret, bufs } = agree(runEverywhere({ z, t, g: nan(n) }, (k, at) => k.bce_logits_loss_f32(at.z!, at.t!, at.g!, n, Object.assign(k.bce_logits_loss_f32.scalars(), { scale }))), `bce n=${n}`);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const zi = z[i]!, ti = t[i]!;
      e += Math.max(zi, 0) - zi * ti + Math.log1p(Math.exp(-Math.abs(zi)));
      expect(Math.abs(bufs.g![i]! - scale * (1 / (1 + Math.exp(-zi)) - ti)) <= 1e-6 * scale + 1e-7).toBe(true);
    }
    expect(close(ret as number, e, 1e-5)).toBe(true);
  });

  it.each([[1, 1], [2, 3], [3, 4], [5, 5], [4, 10], [7, 17], [32, 10], [0, 10]])('softmax_ce_loss_f32, %i rows × %i classes', (rows, cols) => {
    const z = rand(rows * 5 + cols, rows * cols, 8);
    // Row 0 (if any) gets far-apart logits to exercise exp's clamp; targets: one-hot and soft rows.
    if (rows > 0 && cols > 1) z[0] = 200;
    const t = new Float32Array(rows * cols);
    const next = rng(rows + cols);
    for (let r = 0; r < rows; r++) {
      if (r % 3 === 2) for (let j = 0; j < cols; j++) t[r * cols + j] = Math.fround(1 / cols);
      else t[r * cols + Math.floor(next() * cols)] = 1;
    }
    const scale = Math.fround(1 / Math.max(rows, 1));
    const { ret, bufs } = agree(
      runEverywhere({ z, t, g: nan(rows * cols) }, (k, at) => k.softmax_ce_loss_f32(at.z!, at.t!, at.g!, rows, cols, Object.assign(k.softmax_ce_loss_f32.scalars(), { scale }))),
      `softmax_ce ${rows}×${cols}`,
    );
    let e = 0;
    for (let r = 0; r < rows; r++) {
      const zr = Array.from(z.subarray(r * cols, (r + 1) * cols));
      const mx = Math.max(...zr);
      const lse = mx + Math.log(zr.reduce((s, v) => s + Math.exp(v - mx), 0));
      for (let j = 0; j < cols; j++) {
        const tj = t[r * cols + j]!;
        e += tj * (lse - zr[j]!);
        const pj = Math.exp(zr[j]! - lse);
        expect(Math.abs(bufs.g![r * cols + j]! - scale * (pj - tj)) <= 1e-6 * scale + 1e-7, `grad [${r},${j}]`).toBe(true);
      }
    }
    expect(close(ret as number, e, 1e-5)).toBe(true);
  });
});

describe('float32 exp and log', () => {
  it('exp is within 3 ulp of Math.exp on [−87, 88]', () => {
    for (let i = 0; i <= 20000; i++) {
      const x = Math.fround(-87 + (175 * i) / 20000);
      const e = Math.exp(x);
      expect(Math.abs(expf(x) - e) / e, `exp(${x})`).toBeLessThan(3 * 2 ** -23);
    }
  });

  it('log is within 2 ulp of Math.log on [2^-20, 2^20]', () => {
    for (let i = 0; i <= 20000; i++) {
      const x = Math.fround(2 ** (-20 + (40 * i) / 20000));
      const e = Math.log(x);
      expect(Math.abs(logf(x) - e), `log(${x})`).toBeLessThanOrEqual(2 * 2 ** -23 * Math.max(Math.abs(e), 1e-30) + 1e-37);
    }
  });
});
