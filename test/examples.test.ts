// Smoke runs of the examples: their training functions on small sizes (targets checked where a
// full run is cheap), and each script end to end with --quick --json (one JSON line, SVG written).
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runClassification } from '../examples/classification.js';
import { OUT_DIR } from '../examples/lib/output.js';
import { makeClassification } from '../examples/lib/make-classification.js';
import { loadMnist } from '../examples/lib/mnist-data.js';
import { lossChartSvg } from '../examples/lib/svg.js';
import { DEFAULT_SEED, runLinearRegression } from '../examples/linear-regression.js';
import { runMnist } from '../examples/mnist.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');
const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('linear regression', () => {
  it('every optimizer reaches the least-squares line; with the default data, slope 3 ± 0.1 and intercept 0.5 ± 0.1', async () => {
    const r = await runLinearRegression({ backend: 'simd' });
    expect(r.metrics.matchLeastSquares).toBe(true);
    expect(r.metrics.allRecovered).toBe(true);
    expect(Object.keys(r.metrics.optimizers)).toEqual(['GD', 'SGD', 'Momentum', 'Nesterov', 'AdaGrad', 'RMSprop', 'Adam']);
    for (const o of Object.values(r.metrics.optimizers)) {
      expect(o.stepsToThreshold).toBeGreaterThan(0);
      expect(o.loss).toBeLessThanOrEqual(r.metrics.threshold);
    }
    expect(DEFAULT_SEED).toBe(3);
  });

  it('reaches the least-squares line for other data seeds too', async () => {
    for (const seed of [0, 7]) {
      const r = await runLinearRegression({ seed, backend: 'simd' });
      expect(r.metrics.matchLeastSquares, `seed ${seed}`).toBe(true);
    }
  });
});

describe('classification', () => {
  it('Adam reaches validation accuracy >= 0.90; SGD and RMSprop are compared', async () => {
    const r = await runClassification({ backend: 'simd' });
    expect(r.metrics.valAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(Object.keys(r.metrics.optimizers)).toEqual(['Adam', 'SGD', 'RMSprop']);
    for (const o of Object.values(r.metrics.optimizers)) {
      for (const k of ['valAccuracy', 'precision', 'recall', 'f1'] as const) expect(o[k]).toBeGreaterThan(0.5);
    }
  });

  it('generates the same data for the same seed, with both classes', () => {
    const a = makeClassification({ seed: 4 }), b = makeClassification({ seed: 4 }), c = makeClassification({ seed: 5 });
    expect(a.x).toEqual(b.x);
    expect(a.x).not.toEqual(c.x);
    const ones = a.y.reduce((s, v) => s + v, 0);
    expect(ones).toBeGreaterThan(400);
    expect(ones).toBeLessThan(600);
  });
});

describe('mnist', () => {
  it('splits the 10,000 digits without overlap, reproducibly', () => {
    const a = loadMnist(8000, 2000, 0);
    expect(a.train.labels.length).toBe(8000);
    expect(a.test.labels.length).toBe(2000);
    const counts = new Array(10).fill(0), all = new Array(10).fill(0);
    for (const l of a.test.labels) counts[l]++;
    expect(Math.min(...counts)).toBeGreaterThan(100);
    // Train and test together use every digit of the package exactly once (per-class totals).
    for (const l of [...a.train.labels, ...a.test.labels]) all[l]++;
    expect(all).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    const b = loadMnist(8000, 2000, 0), c = loadMnist(8000, 2000, 1);
    const same = (u: Float32Array, v: Float32Array) => u.length === v.length && u.every((x, i) => x === v[i]);
    expect(same(b.test.x, a.test.x)).toBe(true);
    expect(same(c.test.x, a.test.x)).toBe(false);
  });

  it('trains a small run on both libraries from the same start', async () => {
    const r = await runMnist({ train: 1000, test: 300, epochs: 2, tfjs: true, backend: 'simd' });
    expect(r.metrics.testAccuracy).toBeGreaterThan(0.75);
    expect(r.metrics.examplesPerSecond).toBeGreaterThan(0);
    expect(r.metrics.optimizerShare).toBeGreaterThan(0);
    expect(r.metrics.optimizerShare).toBeLessThan(1);
    expect(r.metrics.tfjs!.testAccuracy).toBeGreaterThan(0.75);
    // Same weights, batches and arithmetic up to rounding: the two runs end close together.
    expect(Math.abs(r.metrics.tfjs!.trainLoss - r.metrics.trainLoss)).toBeLessThan(0.02);
  });
});

describe('scripts', () => {
  it.each(['linear-regression', 'classification', 'mnist'])('%s --quick --json prints one JSON line and writes its SVG', async (name) => {
    const svg = join(OUT_DIR, `${name}-loss.svg`);
    rmSync(svg, { force: true });
    const { stdout } = await run(process.execPath, [tsx, join(root, 'examples', `${name}.ts`), '--quick', '--json'], { cwd: root });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!) as { example: string; metrics: Record<string, unknown>; seconds: number };
    expect(result.example).toBe(name);
    expect(result.seconds).toBeGreaterThan(0);
    if (name === 'classification') expect(typeof result.metrics.valAccuracy).toBe('number');
    if (name === 'mnist') expect(typeof result.metrics.testAccuracy).toBe('number');
    expect(existsSync(svg)).toBe(true);
  });
});

describe('loss chart', () => {
  it('draws one polyline per series and switches to a log axis over wide ranges', () => {
    const svg = lossChartSvg([{ name: 'a<b', values: [10, 1, 0.1, 0.001] }, { name: 'c', values: [5, NaN, 2] }], { title: 't', yLabel: 'loss' });
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain('a&lt;b');
    expect(svg).toContain('loss (log)');
    expect(svg).not.toContain('NaN');
  });
});
