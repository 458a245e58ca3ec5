/** Shared pieces of the training-toolkit suites: seeded data, one engine per backend, bit checks. */
import { type Backend, createEngine, type Engine } from '../../src/engine.js';

export const ALL: readonly Backend[] = ['simd', 'scalar', 'js'];

export function engines(initialBytes = 4 << 20): Promise<Engine[]> {
  return Promise.all(ALL.map((backend) => createEngine({ backend, initialBytes })));
}

/** mulberry32: reproducible uniform [0, 1) (random.ts's generator under the name these suites use). */
export { rng as seeded } from './random.js';

/** n float32 values in [−scale, scale), with a few exact zeros. */
export function randomFloats(next: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = next() < 0.05 ? 0 : (next() * 2 - 1) * scale;
  return out;
}

const isNaNBits = (u: number) => (u & 0x7f800000) === 0x7f800000 && (u & 0x007fffff) !== 0;

/** First index where two float32 arrays differ in bits (any NaN matches any NaN), or −1. */
export function bitDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i] && !(isNaNBits(ua[i]!) && isNaNBits(ub[i]!))) return i;
  }
  return -1;
}

/** Deep copy of any state object with typed arrays cloned, for before/after comparisons. */
export function snapshot<T>(x: T): T {
  return structuredClone(x);
}
