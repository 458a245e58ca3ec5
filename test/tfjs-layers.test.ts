// The tfjs adapter under tfjs-layers: model.compile / model.fit train as well as with tfjs's own
// Adam, and model.save(…, { includeOptimizer: true }) → tf.loadLayersModel restores the state exactly.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../src/index.js';
import { setTfjsEngine, tfjsOptimizer, WasmOptimizer } from '../src/tfjs/index.js';
import { runTfjsExample } from '../examples/tfjs.js';

let engine: Engine;

beforeAll(async () => {
  engine = await createEngine({ initialBytes: 8 << 20 });
  await tf.setBackend('cpu');
});

/** Two interleaved spirals-like classes in 2-D: not linearly separable, learnable by a small MLP. */
function data(n: number, seed: number): { x: tf.Tensor2D; y: tf.Tensor2D } {
  let s = seed;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const xs: number[] = [], ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = rnd() * 2 - 1, b = rnd() * 2 - 1;
    xs.push(a, b);
    const c = a * a + b * b < 0.45 ? 1 : 0;
    ys.push(c, 1 - c);
  }
  return { x: tf.tensor2d(xs, [n, 2]), y: tf.tensor2d(ys, [n, 2]) };
}

function model(seed: number): tfl.Sequential {
  const init = (k: number) => tfl.initializers.glorotUniform({ seed: seed + k });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 32, inputShape: [2], activation: 'relu', kernelInitializer: init(0) }),
      tfl.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: init(1) }),
    ],
  });
}

describe('tfjs adapter with tfjs-layers', () => {
  it('model.fit reaches the same accuracy with the adapter as with tf.train.adam', async () => {
    const { x, y } = data(512, 1);
    const accuracy = async (optimizer: tf.Optimizer): Promise<number> => {
      const m = model(3);
      m.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
      await m.fit(x, y, { epochs: 40, batchSize: 64, verbose: 0, shuffle: false });
      const [, acc] = m.evaluate(x, y, { verbose: 0 }) as tf.Scalar[];
      const value = acc!.dataSync()[0]!;
      m.dispose();
      return value;
    };
    const ours = tfjsOptimizer(engine, 'adam', { lr: 0.01, eps: 1e-7 });
    const theirs = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const [a, b] = [await accuracy(ours), await accuracy(theirs)];
    expect(a).toBeGreaterThan(0.9);
    expect(Math.abs(a - b)).toBeLessThanOrEqual(0.03);
    expect(ours.iterations).toBe(40 * 8);
    ours.dispose();
    theirs.dispose();
    tf.dispose([x, y]);
  });

  it('model.save with includeOptimizer → tf.loadLayersModel restores the optimizer exactly', async () => {
    const { x, y } = data(128, 2);
    const m = model(5);
    const opt = tfjsOptimizer(engine, 'adamw', { lr: 0.01, weightDecay: 0.05 });
    m.compile({ optimizer: opt, loss: 'categoricalCrossentropy' });
    await m.fit(x, y, { epochs: 3, batchSize: 32, verbose: 0, shuffle: false });
    opt.paramGroups[0]!.lr = 0.004; // as a scheduler would have left it
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
      { includeOptimizer: true },
    );
    expect((saved!.trainingConfig!.optimizer_config as { class_name: string }).class_name).toBe(WasmOptimizer.className);
    setTfjsEngine(engine);
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    setTfjsEngine(null);
    const lopt = loaded.optimizer as WasmOptimizer;
    expect(lopt).toBeInstanceOf(WasmOptimizer);
    expect(lopt.paramGroups[0]!.lr).toBe(0.004);
    expect(lopt.iterations).toBe(opt.iterations);
    // Both go on from the same weights and state: the same bits.
    await m.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, shuffle: false });
    await loaded.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0, shuffle: false });
    const wa = m.getWeights().map((w) => Array.from(w.dataSync()));
    const wb = loaded.getWeights().map((w) => Array.from(w.dataSync()));
    expect(wb).toEqual(wa);
    m.dispose();
    loaded.dispose();
    opt.dispose();
    lopt.dispose();
    tf.dispose([x, y]);
  });

  it('the example (npm run example:tfjs) trains both optimizers and reports time and accuracy', async () => {
    const r = await runTfjsExample({ train: 320, test: 160, epochs: 2, backend: 'cpu' });
    expect(r.metrics.runs.map((x) => x.optimizer)).toEqual(['wasm-optim AdamW + cosine (wasm-optim/tfjs)', 'tfjs Adam (tf.train.adam)']);
    for (const run of r.metrics.runs) {
      expect(run.testAccuracy).toBeGreaterThan(0.5);
      expect(run.secondsPerEpoch).toBeGreaterThan(0);
    }
    await tf.setBackend('cpu');
  });
});
