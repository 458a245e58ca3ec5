/**
 * A tfjs-layers model trained on the MNIST digits with wasm-optim's AdamW and a cosine schedule
 * through `wasm-optim/tfjs`, and the same model, same initial weights, with tfjs's own Adam
 * beside it: seconds per epoch (`model.fit`, batch 32; the two take turns epoch by epoch) and test
 * accuracy.
 *
 *   npm run example:tfjs [-- --json] [--quick] [--epochs N] [--seed N] [--cpu]
 *
 * Runs on tfjs-backend-wasm (tfjs-backend-cpu with `--cpu`); 784-128-64-10, ReLU, softmax.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CosineAnnealingLR, createEngine } from '../src/index.js';
import { type CommonArgs, isMain, runExample, runOptions } from './lib/args.js';
import { CLASSES, loadMnist, PIXELS } from './lib/mnist-data.js';
import { printJson } from './lib/output.js';
import { formatTable } from './lib/table.js';

type Tf = typeof import('@tensorflow/tfjs-core');

export interface TfjsExampleOptions {
  seed?: number;
  train?: number;
  test?: number;
  epochs?: number;
  backend?: 'wasm' | 'cpu';
  verbose?: boolean;
}

export interface TfjsRun {
  optimizer: string;
  secondsPerEpoch: number;
  testAccuracy: number;
  trainLoss: number;
}

export interface TfjsExampleResult {
  example: 'tfjs';
  metrics: { backend: string; version: string; train: number; test: number; epochs: number; runs: TfjsRun[] };
  seconds: number;
}

async function loadTf(backend: 'wasm' | 'cpu'): Promise<{ tf: Tf; tfl: typeof import('@tensorflow/tfjs-layers') }> {
  const tf: Tf = await import('@tensorflow/tfjs-core');
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    wasm.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  } else await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend(backend))) throw new Error(`tfjs: the ${backend} backend failed to initialise`);
  await tf.ready();
  const tfl = await import('@tensorflow/tfjs-layers');
  return { tf, tfl };
}

export async function runTfjsExample(options: TfjsExampleOptions = {}): Promise<TfjsExampleResult> {
  const { seed = 0, train = 8000, test = 2000, epochs = 8, backend = 'wasm', verbose = false } = options;
  const t0 = performance.now();
  const { tf, tfl } = await loadTf(backend);
  const { tfjsOptimizer } = await import('../src/tfjs/index.js');
  const data = loadMnist(train, test, seed);
  const oneHot = (labels: Int32Array) => tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
  const xTrain = tf.tensor2d(data.train.x, [train, PIXELS]), yTrain = oneHot(data.train.labels);
  const xTest = tf.tensor2d(data.test.x, [test, PIXELS]), yTest = oneHot(data.test.labels);
  const build = () =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 128, inputShape: [PIXELS], activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed }) }),
        tfl.layers.dense({ units: 64, activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: seed + 1 }) }),
        tfl.layers.dense({ units: CLASSES, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 2 }) }),
      ],
    });
  const initial = build();
  const engine = await createEngine({ initialBytes: 4 << 20 });
  const runs: TfjsRun[] = [];
  const contenders: Array<{ name: string; make: () => { optimizer: import('@tensorflow/tfjs-core').Optimizer; onEpochEnd?: () => void } }> = [
    {
      name: 'wasm-optim AdamW + cosine (wasm-optim/tfjs)',
      make: () => {
        const optimizer = tfjsOptimizer(engine, 'adamw', { lr: 2e-3, weightDecay: 1e-2 });
        const sched = new CosineAnnealingLR(optimizer, { tMax: epochs, etaMin: 1e-4 });
        return { optimizer, onEpochEnd: () => sched.step() };
      },
    },
    { name: `tfjs Adam (tf.train.adam)`, make: () => ({ optimizer: tf.train.adam(1e-3) }) },
  ];
  // The two take turns epoch by epoch, so a busy machine slows both alike.
  const live = contenders.map((c) => {
    const model = build();
    model.setWeights(initial.getWeights());
    const { optimizer, onEpochEnd } = c.make();
    model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    return { name: c.name, model, optimizer, onEpochEnd, times: [] as number[], loss: NaN };
  });
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const r of live) {
      const start = performance.now();
      const h = await r.model.fit(xTrain, yTrain, { epochs: epoch + 1, initialEpoch: epoch, batchSize: 32, shuffle: true, verbose: 0 });
      r.times.push((performance.now() - start) / 1000);
      r.loss = h.history.loss!.at(-1) as number;
      r.onEpochEnd?.();
      if (verbose) console.log(`${r.name}: epoch ${epoch + 1}/${epochs} loss ${r.loss.toFixed(4)} (${r.times.at(-1)!.toFixed(2)} s)`);
    }
  }
  for (const r of live) {
    const [, acc] = r.model.evaluate(xTest, yTest, { batchSize: 500 }) as import('@tensorflow/tfjs-core').Scalar[];
    const sorted = [...r.times].sort((a, b) => a - b);
    runs.push({ optimizer: r.name, secondsPerEpoch: sorted[sorted.length >> 1]!, testAccuracy: (await acc!.data())[0]!, trainLoss: r.loss });
    r.model.dispose();
    r.optimizer.dispose();
  }
  initial.dispose();
  tf.dispose([xTrain, yTrain, xTest, yTest]);
  return {
    example: 'tfjs',
    metrics: { backend: `tfjs-backend-${backend}`, version: tf.version_core, train, test, epochs, runs },
    seconds: (performance.now() - t0) / 1000,
  };
}

/** The command line: `npm run example:tfjs -- [--json] [--quick] [--seed N] [--epochs N] [--cpu]`. */
async function main(args: CommonArgs): Promise<void> {
  const r = await runTfjsExample({ ...runOptions(args, { epochs: 2, train: 1000, test: 300 }), backend: args.flags.cpu ? 'cpu' : 'wasm' });
  if (args.json) printJson(r);
  else {
    const m = r.metrics;
    console.log(`\nMNIST digits, ${m.train} train / ${m.test} test, 784-128-64-10, batch 32, ${m.epochs} epochs, tfjs ${m.version} on ${m.backend}`);
    console.log(formatTable(['optimizer', 's / epoch (median)', 'test accuracy', 'final train loss'], m.runs.map((x) => [x.optimizer, x.secondsPerEpoch, x.testAccuracy, x.trainLoss])));
    console.log(`(${r.seconds.toFixed(1)} s in all)`);
  }
}

if (isMain(import.meta.url)) await runExample('tfjs', ['cpu'], main);
