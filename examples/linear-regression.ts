/**
 * Linear regression, the classic first demo: 100 points y = 3x + noise with x and the noise
 * uniform in [0, 1), so the best line has slope ≈ 3 and intercept ≈ 0.5 (the noise's mean).
 * One Linear(1 → 1) layer, mean squared error, every optimizer from (w, b) = (0, 0):
 * full-batch gradient descent, mini-batch SGD, Momentum, Nesterov, AdaGrad, RMSprop and Adam.
 * Prints each one's final loss, fitted line and the steps it took to get within 5% of the
 * least-squares loss; writes examples/out/linear-regression-loss.svg.
 *
 * With 100 points and x in [0, 1), the least-squares line of a sample itself has a standard error
 * of about 0.1 in the slope and 0.06 in the intercept, so whether a sample's best line lies within
 * ±0.1 of (3, 0.5) depends on the sample (it does for 22 of the seeds 0–39). The default seed, 3,
 * is one of those; for any seed, every optimizer here ends within 0.02 of the sample's
 * least-squares line (`matchLeastSquares`).
 *
 *   npm run example:linear-regression [-- --json] [--quick] [--epochs N (steps)] [--seed N]
 */
import { createEngine, type Backend } from '../src/engine.js';
import { MLP } from '../src/nn/mlp.js';
import { batches, gatherRows, Random } from '../src/nn/random.js';
import { Adagrad } from '../src/optim/adagrad.js';
import { Adam } from '../src/optim/adam.js';
import type { Optimizer } from '../src/optim/optimizer.js';
import { RMSprop } from '../src/optim/rmsprop.js';
import { SGD } from '../src/optim/sgd.js';
import type { Parameter } from '../src/memory/parameter.js';
import { type CommonArgs, isMain, runExample } from './lib/args.js';
import { type ExampleResult, printJson, writeOutput } from './lib/output.js';
import { ProgressBar } from './lib/progress.js';
import { lossChartSvg } from './lib/svg.js';
import { formatTable } from './lib/table.js';

type Params = Parameter[];

interface Recipe {
  name: string;
  /** Hyperparameters, shown in the table. */
  options: Record<string, number | boolean>;
  make: (p: Params) => Optimizer<object>;
  /** Mini-batch size, or 0 for the full batch. */
  batch: number;
}

export const RECIPES: readonly Recipe[] = [
  { name: 'GD', options: { lr: 0.5 }, make: (p) => new SGD(p, { lr: 0.5 }) as never, batch: 0 },
  { name: 'SGD', options: { lr: 0.05, batch: 10 }, make: (p) => new SGD(p, { lr: 0.05 }) as never, batch: 10 },
  { name: 'Momentum', options: { lr: 0.1, momentum: 0.9 }, make: (p) => new SGD(p, { lr: 0.1, momentum: 0.9 }) as never, batch: 0 },
  { name: 'Nesterov', options: { lr: 0.1, momentum: 0.9 }, make: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true }) as never, batch: 0 },
  { name: 'AdaGrad', options: { lr: 0.5 }, make: (p) => new Adagrad(p, { lr: 0.5 }) as never, batch: 0 },
  { name: 'RMSprop', options: { lr: 0.01 }, make: (p) => new RMSprop(p, { lr: 0.01 }) as never, batch: 0 },
  { name: 'Adam', options: { lr: 0.05 }, make: (p) => new Adam(p, { lr: 0.05 }) as never, batch: 0 },
];

/** The data seed used unless one is given (see the note at the top). */
export const DEFAULT_SEED = 3;

export interface LinearRegressionOptions {
  /** Data seed. Default {@link DEFAULT_SEED}. */
  seed?: number;
  /** Optimizer steps per run. Default 1000. */
  steps?: number;
  backend?: Backend | 'auto';
  /** Print progress bars and the summary. Default false. */
  verbose?: boolean;
}

export interface FitResult {
  loss: number;
  slope: number;
  intercept: number;
  /** First step after which the loss is within 5% of the least-squares loss (-1: never). */
  stepsToThreshold: number;
  curve: number[];
}

export interface LinearRegressionMetrics {
  points: number;
  leastSquares: { slope: number; intercept: number; loss: number };
  threshold: number;
  optimizers: Record<string, Omit<FitResult, 'curve'>>;
  /** Every optimizer within 0.1 of slope 3 and intercept 0.5. */
  allRecovered: boolean;
  /** Every optimizer within 0.02 of the least-squares slope and intercept (mini-batch SGD keeps some noise). */
  matchLeastSquares: boolean;
}

/** The data set: x ~ U[0, 1), y = 3x + U[0, 1). */
export function makeData(seed: number, n = 100): { x: Float32Array; y: Float32Array } {
  const rng = new Random(seed);
  const x = new Float32Array(n), y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform();
    y[i] = 3 * x[i]! + rng.uniform();
  }
  return { x, y };
}

/** Closed-form least squares (float64), for reference. */
function leastSquares(x: Float32Array, y: Float32Array): { slope: number; intercept: number; loss: number } {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const slope = sxy / sxx, intercept = my - slope * mx;
  let loss = 0;
  for (let i = 0; i < n; i++) loss += (slope * x[i]! + intercept - y[i]!) ** 2;
  return { slope, intercept, loss: loss / n };
}

export async function runLinearRegression(options: LinearRegressionOptions = {}): Promise<ExampleResult<LinearRegressionMetrics> & { curves: Record<string, number[]> }> {
  const { seed = DEFAULT_SEED, steps = 1000, backend = 'auto', verbose = false } = options;
  const started = performance.now();
  const { x, y } = makeData(seed);
  const n = x.length;
  const ls = leastSquares(x, y);
  const threshold = 1.05 * ls.loss;
  const engine = await createEngine({ backend, initialBytes: 1 << 20 });
  const results: Record<string, FitResult> = {};
  for (const recipe of RECIPES) {
    const net = new MLP(engine, { sizes: [1, 1], seed });
    for (const p of net.parameters) p.data.fill(0);
    const opt = recipe.make(net.parameters as Params);
    const rng = new Random(seed + 1);
    const xb = new Float32Array(recipe.batch || n), yb = new Float32Array(recipe.batch || n);
    const curve: number[] = [];
    let stepsToThreshold = -1;
    const bar = new ProgressBar(recipe.name.padEnd(9), steps, verbose);
    let step = 0;
    while (step < steps) {
      for (const idx of batches(n, recipe.batch || n, recipe.batch ? rng : null)) {
        if (step >= steps) break;
        opt.zeroGrad();
        net.forward(gatherRows(x, 1, idx, xb).subarray(0, idx.length));
        net.loss('mse', gatherRows(y, 1, idx, yb).subarray(0, idx.length));
        net.backward();
        opt.step();
        step++;
        // Full-data loss after the step, for the curve and the threshold.
        net.forward(x);
        const loss = net.loss('mse', y);
        curve.push(loss);
        if (stepsToThreshold < 0 && loss <= threshold) stepsToThreshold = step;
        bar.tick(1, { loss });
      }
    }
    const [w, b] = net.parameters;
    const fit = { loss: curve[curve.length - 1]!, slope: w!.data[0]!, intercept: b!.data[0]!, stepsToThreshold, curve };
    bar.finish({ loss: fit.loss, slope: fit.slope, intercept: fit.intercept });
    results[recipe.name] = fit;
    opt.dispose();
    net.dispose();
  }
  engine.dispose();
  const optimizers: LinearRegressionMetrics['optimizers'] = {};
  const curves: Record<string, number[]> = {};
  for (const [name, { curve, ...rest }] of Object.entries(results)) {
    optimizers[name] = rest;
    curves[name] = curve;
  }
  const all = Object.values(optimizers);
  const allRecovered = all.every((r) => Math.abs(r.slope - 3) <= 0.1 && Math.abs(r.intercept - 0.5) <= 0.1);
  const matchLeastSquares = all.every((r) => Math.abs(r.slope - ls.slope) <= 0.02 && Math.abs(r.intercept - ls.intercept) <= 0.02);
  return {
    example: 'linear-regression',
    metrics: { points: n, leastSquares: ls, threshold, optimizers, allRecovered, matchLeastSquares },
    seconds: (performance.now() - started) / 1000,
    curves,
  };
}

async function main(args: CommonArgs): Promise<void> {
  const steps = args.epochs ?? (args.quick ? 300 : 1000);
  const result = await runLinearRegression({ seed: args.seed, steps, backend: args.backend, verbose: !args.json });
  const svg = lossChartSvg(
    Object.entries(result.curves).map(([name, values]) => ({ name, values })),
    { title: 'Linear regression: MSE on all 100 points', xLabel: 'step', yLabel: 'loss', logY: true },
  );
  const path = writeOutput('linear-regression-loss.svg', svg);
  const { curves: _curves, ...json } = result;
  if (args.json) return printJson(json);
  const m = result.metrics;
  console.log(`\n100 points, y = 3x + U[0,1) noise; least squares: slope ${m.leastSquares.slope.toFixed(4)}, intercept ${m.leastSquares.intercept.toFixed(4)}, loss ${m.leastSquares.loss.toFixed(5)}`);
  console.log(`${steps} steps from (0, 0); threshold = 1.05 × least-squares loss = ${m.threshold.toFixed(5)}\n`);
  const rows = RECIPES.map((r) => {
    const o = m.optimizers[r.name]!;
    const hp = Object.entries(r.options).map(([k, v]) => `${k}=${v}`).join(' ');
    return [r.name, hp, o.loss, o.slope, o.intercept, o.stepsToThreshold < 0 ? 'never' : String(o.stepsToThreshold)];
  });
  console.log(formatTable(['optimizer', 'settings', 'final loss', 'slope', 'intercept', 'steps to threshold'], rows));
  console.log(`\nevery optimizer within 0.02 of the least-squares line: ${m.matchLeastSquares ? 'yes' : 'NO'}`);
  console.log(`every optimizer within 3 ± 0.1 and 0.5 ± 0.1 (data seed ${args.seed ?? DEFAULT_SEED}): ${m.allRecovered ? 'yes' : 'NO'}`);
  console.log(`loss curves: ${path}  (${result.seconds.toFixed(2)} s)`);
  if (!m.matchLeastSquares) process.exitCode = 1;
}

if (isMain(import.meta.url)) await runExample('linear-regression', [], main);
