/**
 * A seeded two-class data set in the manner of scikit-learn's `make_classification`
 * (after Guyon, "Design of experiments for the NIPS 2003 variable selection benchmark"):
 *
 * - each class is a mixture of `clustersPerClass` Gaussian clusters whose centres sit on
 *   vertices of a hypercube with side 2·`classSep` in the `informative` dimensions;
 * - each cluster's points are N(0, I) draws mixed by a random matrix (so features correlate)
 *   and moved to the cluster's centre;
 * - `redundant` features are random linear combinations of the informative ones, the remaining
 *   features are N(0, 1) noise;
 * - a share `flipY` of the labels is replaced by a random label (label noise), then rows are
 *   shuffled.
 *
 * Labels are 0 / 1 floats. Same seed, same data.
 */
import { Random } from '../../src/nn/random.js';

export interface ClassificationSpec {
  samples: number;
  features: number;
  informative: number;
  redundant: number;
  clustersPerClass: number;
  classSep: number;
  flipY: number;
  seed: number;
}

export const DEFAULT_SPEC: ClassificationSpec = {
  samples: 1000,
  features: 10,
  informative: 5,
  redundant: 2,
  clustersPerClass: 2,
  classSep: 1.5,
  flipY: 0.02,
  seed: 0,
};

export function makeClassification(spec: Partial<ClassificationSpec> = {}): { x: Float32Array; y: Float32Array } {
  const s = { ...DEFAULT_SPEC, ...spec };
  const { samples: n, features: F, informative: I, redundant: R, clustersPerClass: K } = s;
  if (I + R > F) throw new RangeError('makeClassification: informative + redundant must be <= features');
  if (2 * K > 2 ** I) throw new RangeError('makeClassification: too many clusters for the hypercube');
  const rng = new Random(s.seed);
  // Distinct hypercube vertices for the 2·K clusters.
  const vertices: number[][] = [];
  const used = new Set<number>();
  while (vertices.length < 2 * K) {
    const v = rng.int(2 ** I);
    if (used.has(v)) continue;
    used.add(v);
    vertices.push(Array.from({ length: I }, (_, d) => ((v >> d) & 1 ? s.classSep : -s.classSep)));
  }
  const mix = vertices.map(() => Array.from({ length: I * I }, () => rng.range(-1, 1)));
  const redundancy = Array.from({ length: I * R }, () => rng.range(-1, 1));
  const x = new Float32Array(n * F), y = new Float32Array(n);
  const z = new Float64Array(I);
  for (let i = 0; i < n; i++) {
    const cls = i % 2, cluster = cls * K + (Math.floor(i / 2) % K);
    const centre = vertices[cluster]!, A = mix[cluster]!;
    for (let d = 0; d < I; d++) z[d] = rng.normal();
    const row = i * F;
    for (let d = 0; d < I; d++) {
      let v = centre[d]!;
      for (let e = 0; e < I; e++) v += A[d * I + e]! * z[e]!;
      x[row + d] = v;
    }
    for (let r = 0; r < R; r++) {
      let v = 0;
      for (let d = 0; d < I; d++) v += redundancy[d * R + r]! * x[row + d]!;
      x[row + I + r] = v;
    }
    for (let d = I + R; d < F; d++) x[row + d] = rng.normal();
    y[i] = rng.uniform() < s.flipY ? rng.int(2) : cls;
  }
  // Shuffle rows.
  const order = rng.permutation(n);
  const xs = new Float32Array(n * F), ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs.set(x.subarray(order[i]! * F, (order[i]! + 1) * F), i * F);
    ys[i] = y[order[i]!]!;
  }
  return { x: xs, y: ys };
}

/** Standardises columns in place with the mean and deviation of the first `fitRows` rows. */
export function standardize(x: Float32Array, cols: number, fitRows: number): void {
  for (let c = 0; c < cols; c++) {
    let mean = 0, sq = 0;
    for (let r = 0; r < fitRows; r++) mean += x[r * cols + c]!;
    mean /= fitRows;
    for (let r = 0; r < fitRows; r++) sq += (x[r * cols + c]! - mean) ** 2;
    const sd = Math.sqrt(sq / fitRows) || 1;
    for (let r = 0; r < x.length / cols; r++) x[r * cols + c] = (x[r * cols + c]! - mean) / sd;
  }
}
