// The MLP: gradients against float64 central differences of an independent implementation,
// bit-identical training on simd / scalar / js, seeded initialisation, accumulation semantics,
// memory growth, and bad input.
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/engine.js';
import { type Activation } from '../src/nn/activation.js';
import { computeLoss, type Loss, oneHot } from '../src/nn/loss.js';
import { Linear } from '../src/nn/linear.js';
import { MLP } from '../src/nn/mlp.js';
import { batches as batchesOf, gatherRows, Random } from '../src/nn/random.js';
import { SGD } from '../src/optim/sgd.js';
import { engines, firstBitDifference } from './helpers/lockstep.js';

let all: Engine[];
beforeAll(async () => {
  all = await engines(4 << 20);
});

const ACT64: Record<Activation, (x: number) => number> = {
  relu: (x) => Math.max(x, 0),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
  identity: (x) => x,
};

/** Mean loss in float64 of a network given by plain arrays (the reference the gradients must match). */
function loss64(net: MLP, weights: Float64Array[], x: Float32Array, t: Float32Array, loss: Loss): number {
  const rows = x.length / net.inputSize;
  let a = Float64Array.from(x);
  net.layers.forEach((layer, l) => {
    const W = weights[2 * l]!, b = weights[2 * l + 1]!;
    const [I, O] = [layer.inFeatures, layer.outFeatures];
    const z = new Float64Array(rows * O);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < O; o++) {
        let s = b[o]!;
        for (let i = 0; i < I; i++) s += a[r * I + i]! * W[i * O + o]!;
        z[r * O + o] = ACT64[net.activations[l]!](s);
      }
    }
    a = z;
  });
  const C = net.outputSize;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const zr = a.subarray(r * C, (r + 1) * C), tr = t.subarray(r * C, (r + 1) * C);
    if (loss === 'softmax-cross-entropy') {
      const mx = Math.max(...zr);
      const lse = mx + Math.log(zr.reduce((s, v) => s + Math.exp(v - mx), 0));
      zr.forEach((v, j) => (total += tr[j]! * (lse - v)));
    } else {
      zr.forEach((v, j) => {
        total += loss === 'mse' ? (v - tr[j]!) ** 2 : Math.max(v, 0) - v * tr[j]! + Math.log1p(Math.exp(-Math.abs(v)));
      });
    }
  }
  return total / (loss === 'softmax-cross-entropy' ? rows : rows * C);
}

function data(rng: Random, rows: number, net: MLP, loss: Loss): { x: Float32Array; t: Float32Array } {
  const x = Float32Array.from({ length: rows * net.inputSize }, () => rng.range(-1, 1));
  const C = net.outputSize;
  const t = new Float32Array(rows * C);
  for (let r = 0; r < rows; r++) {
    if (loss === 'softmax-cross-entropy') t[r * C + rng.int(C)] = 1;
    else for (let j = 0; j < C; j++) t[r * C + j] = loss === 'mse' ? rng.range(-1, 1) : rng.int(2);
  }
  return { x, t };
}

const CASES: Array<[Activation, Activation, Loss]> = [
  ['tanh', 'identity', 'softmax-cross-entropy'],
  ['sigmoid', 'identity', 'bce-with-logits'],
  ['relu', 'identity', 'mse'],
  ['tanh', 'sigmoid', 'mse'],
  ['relu', 'tanh', 'mse'],
];

describe('gradients match float64 central differences', () => {
  it.each(CASES)('hidden %s, output %s, loss %s', (act, output, loss) => {
    for (const engine of all) {
      const net = new MLP(engine, { sizes: [6, 9, 5, 3], activation: act, output, seed: 3 });
      const rng = new Random(11);
      const { x, t } = data(rng, 7, net, loss);
      net.zeroGrad();
      net.forward(x);
      const value = net.loss(loss, t);
      net.backward();
      const weights = net.parameters.map((p) => Float64Array.from(p.data));
      expect(Math.abs(value - loss64(net, weights, x, t, loss))).toBeLessThan(1e-5 * (1 + Math.abs(value)));
      const h = 1e-6;
      let worst = 0;
      net.parameters.forEach((p, pi) => {
        const grad = p.grad;
        for (let i = 0; i < p.length; i++) {
          const w = weights[pi]!;
          const keep = w[i]!;
          w[i] = keep + h;
          const up = loss64(net, weights, x, t, loss);
          w[i] = keep - h;
          const down = loss64(net, weights, x, t, loss);
          w[i] = keep;
          const numeric = (up - down) / (2 * h);
          const err = Math.abs(grad[i]! - numeric) / (1e-4 + Math.abs(numeric));
          worst = Math.max(worst, err);
          expect(err, `${engine.backend} ${p.name}[${i}]: ${grad[i]} vs ${numeric}`).toBeLessThan(2e-3);
        }
      });
      expect(worst).toBeGreaterThanOrEqual(0);
      net.dispose();
    }
  });
});

describe('training is bit-identical on simd, scalar and js', () => {
  it.each(CASES)('hidden %s, output %s, loss %s: 5 SGD steps, odd sizes', (act, output, loss) => {
    const results = all.map((engine) => {
      const net = new MLP(engine, { sizes: [13, 17, 6, 5], activation: act, output, seed: 5 });
      const opt = new SGD(net.parameters as never, { lr: 0.1, momentum: 0.9 });
      const rng = new Random(21);
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) {
        const { x, t } = data(rng, 9, net, loss);
        opt.zeroGrad();
        net.forward(x);
        losses.push(net.loss(loss, t));
        net.backward();
        opt.step();
      }
      const params = net.parameters.map((p) => p.data.slice());
      const grads = net.parameters.map((p) => p.grad.slice());
      opt.dispose();
      net.dispose();
      return { losses, params, grads };
    });
    const [ref, ...rest] = results;
    for (const r of rest) {
      expect(r.losses).toEqual(ref!.losses);
      r.params.forEach((p, i) => expect(firstBitDifference(p, ref!.params[i]!)).toBe(-1));
      r.grads.forEach((g, i) => expect(firstBitDifference(g, ref!.grads[i]!)).toBe(-1));
    }
  });
});

describe('MLP', () => {
  it('puts every parameter in one contiguous block, named, with seeded initialisation', async () => {
    const engine = all[0]!;
    const a = new MLP(engine, { sizes: [784, 128, 64, 10], seed: 7 });
    const b = new MLP(engine, { sizes: [784, 128, 64, 10], seed: 7 });
    const c = new MLP(engine, { sizes: [784, 128, 64, 10], seed: 8 });
    expect(a.numParameters).toBe(784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10);
    for (let i = 1; i < a.parameters.length; i++) {
      const prev = a.parameters[i - 1]!, p = a.parameters[i]!;
      expect(p.offset).toBe(prev.offset + prev.length * 4);
      expect(p.gradOffset).toBe(prev.gradOffset + prev.length * 4);
    }
    expect(a.parameters.map((p) => p.name)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias', 'layers.2.weight', 'layers.2.bias']);
    expect(firstBitDifference(a.parameters[0]!.data, b.parameters[0]!.data)).toBe(-1);
    expect(firstBitDifference(a.parameters[0]!.data, c.parameters[0]!.data)).not.toBe(-1);
    // Kaiming uniform before ReLU: bound √(6/784); Xavier on the last (identity) layer: √(6/74).
    const w0 = a.parameters[0]!.data, w2 = a.parameters[4]!.data;
    const max = (v: Float32Array) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(max(w0)).toBeLessThanOrEqual(Math.sqrt(6 / 784));
    expect(max(w0)).toBeGreaterThan(0.95 * Math.sqrt(6 / 784));
    expect(max(w2)).toBeLessThanOrEqual(Math.sqrt(6 / 74));
    expect(a.parameters[1]!.data.every((v) => v === 0)).toBe(true);
    for (const n of [a, b, c]) n.dispose();
  });

  it('accumulates gradients across backward calls until zeroGrad', () => {
    const net = new MLP(all[0]!, { sizes: [4, 8, 2], activation: 'tanh', seed: 1 });
    const x = Float32Array.from([0.1, -0.2, 0.3, 0.4, -0.5, 0.6, 0.7, -0.8]);
    const t = Float32Array.from([1, 0, 0, 1]);
    net.forward(x);
    net.loss('softmax-cross-entropy', t);
    net.backward();
    const once = net.parameters.map((p) => p.grad.slice());
    net.forward(x);
    net.loss('softmax-cross-entropy', t);
    net.backward();
    net.parameters.forEach((p, i) => p.grad.forEach((g, j) => expect(g).toBeCloseTo(2 * once[i]![j]!, 6)));
    net.zeroGrad();
    for (const p of net.parameters) expect(p.grad.every((g) => g === 0)).toBe(true);
    net.dispose();
  });

  it('keeps working when its buffers grow the memory (views re-read)', async () => {
    const engine = await createEngine({ backend: 'simd', initialBytes: 64 << 10 });
    const net = new MLP(engine, { sizes: [20, 30, 4], seed: 2 });
    const before = engine.growCount;
    const rng = new Random(3);
    const x = Float32Array.from({ length: 20 * 500 }, () => rng.range(-1, 1));
    const all500 = net.predict(x, 500);
    expect(engine.growCount).toBeGreaterThan(before);
    const piecewise = net.predict(x, 7); // reuses the larger buffers
    expect(firstBitDifference(all500, piecewise)).toBe(-1);
    net.dispose();
  });

  it('rejects bad input with errors that name the argument, changing nothing', () => {
    const engine = all[0]!;
    expect(() => new MLP(engine, { sizes: [3] })).toThrow(/sizes/);
    expect(() => new MLP(engine, { sizes: [3, 0, 2] })).toThrow(RangeError);
    expect(() => new MLP(engine, { sizes: [3, 4, 2], activation: 'gelu' as never })).toThrow(/activation/);
    expect(() => new MLP(engine, { sizes: [3, 4, 2], activation: ['relu', 'relu'] })).toThrow(/activation/);
    expect(() => new MLP(engine, { sizes: [3, 2], init: 'he' as never })).toThrow(/init/);
    expect(() => new MLP(engine, { sizes: [3, 2], seed: 1.5 })).toThrow(/seed/);
    expect(() => new MLP(engine, { sizes: [3, 2], lr: 1 } as never)).toThrow(/unknown option "lr"/);
    const net = new MLP(engine, { sizes: [3, 2], seed: 1 });
    expect(() => net.loss('mse', [0, 0])).toThrow(/forward/);
    expect(() => net.backward()).toThrow(/forward/);
    expect(() => net.forward([1, 2])).toThrow(/multiple of the input size 3/);
    net.forward([1, 2, 3]);
    expect(() => net.backward()).toThrow(/loss\(\)/);
    expect(() => net.loss('hinge' as never, [0, 0])).toThrow(/loss must be one of/);
    expect(() => net.loss('mse', [0, 0, 0])).toThrow(/target must hold 2 floats/);
    expect(() => net.backward([1])).toThrow(/gradOutput must hold 2 floats/);
    const w = net.parameters[0]!.grad.slice();
    expect(firstBitDifference(w, net.parameters[0]!.grad)).toBe(-1);
    net.dispose();
    expect(() => net.forward([1, 2, 3])).toThrow(/disposed/);
  });

  it('checks the low-level pieces: Linear offsets and rows, loss names, gathered rows', () => {
    const engine = all[0]!;
    const layer = Linear.create(engine, 3, 2, 'xavier', new Random(1));
    const x = engine.allocFloats(3 * 4), y = engine.allocFloats(2 * 4);
    expect(() => layer.forward(x, y, 1.5)).toThrow(/rows must be a non-negative integer/);
    expect(() => layer.forward(x, y, -1)).toThrow(RangeError);
    expect(() => layer.forward(x + 1, y, 4)).toThrow(/x must be the byte offset/);
    expect(() => layer.forward(x, engine.memory.buffer.byteLength - 4, 4)).toThrow(/y must be the byte offset/);
    expect(() => layer.backward(x, y, 0, 4)).toThrow(/dx must be the byte offset/);
    engine.heap.f32.set([1, 2, 3], x >> 2);
    layer.forward(x, y, 1);
    const w = layer.weight.data;
    expect(engine.heap.f32[y >> 2]).toBeCloseTo(w[0]! + 2 * w[2]! + 3 * w[4]!, 5);
    expect(() => computeLoss(engine, 'l1' as never, x, y, y, 1, 2)).toThrow(/loss must be one of/);
    expect(() => computeLoss(engine, 'mse', x, y, y, -1, 2)).toThrow(/rows/);
    expect(Number.isNaN(computeLoss(engine, 'mse', x, y, y, 0, 2))).toBe(true);
    expect(() => gatherRows(new Float32Array(6), 3, [0, 2], new Float32Array(6))).toThrow(/indices\[1\] = 2/);
    expect(() => gatherRows(new Float32Array(6), 3, [0, 1], new Float32Array(5))).toThrow(/dst holds 5/);
    expect(gatherRows(Float32Array.from([1, 2, 3, 4, 5, 6]), 3, [1, 0], new Float32Array(6))).toEqual(Float32Array.from([4, 5, 6, 1, 2, 3]));
    expect(() => oneHot([0, 3], 3)).toThrow(/labels\[1\] = 3/);
    expect(oneHot([2, 0], 3)).toEqual(Float32Array.from([0, 0, 1, 1, 0, 0]));
    engine.freeFloats(x);
    engine.freeFloats(y);
    layer.weight.dispose();
    layer.bias!.dispose();
  });
});

describe('Random', () => {
  it('is reproducible and its permutations and batches cover every index once', () => {
    const a = new Random(9), b = new Random(9);
    for (let i = 0; i < 100; i++) expect(a.uniform()).toBe(b.uniform());
    const p = new Random(4).permutation(1000);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(firstBitDifference(new Float32Array(p), new Float32Array(new Random(4).permutation(1000)))).toBe(-1);
    const seen = new Set<number>();
    let count = 0;
    for (const idx of batchesOf(103, 10, new Random(2))) {
      count++;
      for (const i of idx) seen.add(i);
    }
    expect(count).toBe(11);
    expect(seen.size).toBe(103);
    let sum = 0, sq = 0;
    const r = new Random(1);
    for (let i = 0; i < 20000; i++) {
      const v = r.normal();
      sum += v;
      sq += v * v;
    }
    expect(Math.abs(sum / 20000)).toBeLessThan(0.03);
    expect(Math.abs(sq / 20000 - 1)).toBeLessThan(0.05);
    expect(() => new Random(0.5)).toThrow(TypeError);
  });
});
