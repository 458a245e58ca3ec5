/**
 * A small seeded random number generator for reproducible training runs: weight initialisation,
 * data shuffling, synthetic data. mulberry32 (32-bit state; fast, good enough for ML shuffles,
 * not for cryptography), with uniform, normal (Box–Muller) and integer draws, Fisher–Yates
 * shuffles and mini-batch index streams.
 */

/** Seeded generator. Two instances made with the same seed produce the same sequence. */
export class Random {
  #state: number;
  #spare: number | null = null;

  /**
   * @param seed any integer (taken modulo 2³²). Default 0.
   * @example
   * const rng = new Random(42);
   * rng.uniform();          // in [0, 1)
   * rng.shuffle(indices);   // in place, reproducible
   */
  constructor(seed = 0) {
    if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new TypeError(`Random: seed must be an integer, got ${String(seed)}`);
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1) with 32 random bits. */
  uniform(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A float in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A standard normal draw (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.#spare !== null) {
      const s = this.#spare;
      this.#spare = null;
      return s;
    }
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Random.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.uniform() * n);
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<
    T extends {
      /** Element count. */
      length: number;
      [i: number]: unknown;
    },
  >(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /** A random permutation of 0 … n−1. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Random.permutation: n must be a non-negative integer, got ${n}`);
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }
}

/**
 * Mini-batches of row indices for one epoch: a fresh seeded permutation of 0 … n−1 (or 0 … n−1 in
 * order when `rng` is null) cut into batches of `batchSize` (the last may be smaller, or is dropped
 * with `dropLast`).
 *
 * @example
 * const rng = new Random(1);
 * for (let epoch = 0; epoch < 10; epoch++) {
 *   for (const idx of batches(8000, 32, rng)) { ... }   // a new order every epoch
 * }
 */
export function* batches(n: number, batchSize: number, rng: Random | null, dropLast = false): Generator<Int32Array> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`batches: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`batches: batchSize must be a positive integer, got ${batchSize}`);
  let order: Int32Array;
  if (rng) order = rng.permutation(n);
  else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  for (let at = 0; at < n; at += batchSize) {
    const end = Math.min(n, at + batchSize);
    if (dropLast && end - at < batchSize) break;
    yield order.subarray(at, end);
  }
}

/**
 * Copies rows `indices` of a row-major matrix `src` (rows of `cols` floats) into `dst`, one after
 * the other. Returns `dst`.
 */
export function gatherRows(src: ArrayLike<number>, cols: number, indices: ArrayLike<number>, dst: Float32Array): Float32Array {
  if (!Number.isInteger(cols) || cols <= 0) throw new RangeError(`gatherRows: cols must be a positive integer, got ${cols}`);
  if (dst.length < indices.length * cols) throw new RangeError(`gatherRows: dst holds ${dst.length} floats, ${indices.length * cols} needed`);
  const s = src as Float32Array;
  const rows = Math.floor(src.length / cols);
  for (let r = 0; r < indices.length; r++) {
    const row = indices[r]!;
    if (!Number.isInteger(row) || row < 0 || row >= rows) throw new RangeError(`gatherRows: indices[${r}] = ${row} is not a row in [0, ${rows})`);
    const from = row * cols;
    if (s instanceof Float32Array) dst.set(s.subarray(from, from + cols), r * cols);
    else for (let c = 0; c < cols; c++) dst[r * cols + c] = src[from + c]!;
  }
  return dst;
}
