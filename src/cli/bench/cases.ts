/**
 * What the benchmark runs: optimizer cases (library options; the idiomatic loop and tfjs read the
 * resolved hyperparameters from the library optimizer so all sides do the same update), sizes,
 * and the two schedules (full and `--quick`).
 */
import { OPTIMIZERS } from '../../optim/registry.js';
import type { Schedule } from './measure.js';

export interface BenchCase {
  /** Name in the results (`sgd-momentum`, …). */
  name: string;
  /** Key in the optimizer registry. */
  registry: string;
  /** Library options (everything else takes the optimizer's defaults). */
  options: Record<string, unknown>;
}

/** The cases with a hand-written baseline; torch's defaults unless stated. */
export const MAIN_CASES: readonly BenchCase[] = [
  { name: 'adam', registry: 'adam', options: {} },
  { name: 'adamw', registry: 'adamw', options: {} },
  { name: 'sgd-momentum', registry: 'sgd', options: { lr: 1e-2, momentum: 0.9 } },
  { name: 'rmsprop', registry: 'rmsprop', options: {} },
  { name: 'adagrad', registry: 'adagrad', options: {} },
  { name: 'lion', registry: 'lion', options: {} },
];

export const SIZES: readonly number[] = [1024, 16384, 262144, 1048576, 16777216];

/** Every variant a record can carry. */
export const VARIANTS = ['simd', 'scalar', 'js-reference', 'js-idiomatic', 'tfjs-cpu', 'tfjs-wasm', 'roofline'] as const;
export type VariantName = (typeof VARIANTS)[number];

export const FULL: Schedule = { rounds: 9, roundMs: 120, batchMs: 4, warmupMs: 150 };
export const QUICK: Schedule = { rounds: 3, roundMs: 30, batchMs: 3, warmupMs: 40 };

/** Largest size tfjs-cpu is timed at (about 130 ns/param: 16M would take 2 s per step). */
export const TFJS_CPU_MAX = 1048576;

/**
 * The cases to run: the main cases whose optimizer is in the registry, then (with `all`) every
 * other registered optimizer with its defaults (no hand-written baseline for those).
 */
export function selectCases(all: boolean, only?: readonly string[]): BenchCase[] {
  const registry = OPTIMIZERS as Record<string, unknown>;
  const cases = MAIN_CASES.filter((c) => c.registry in registry);
  if (all) {
    const covered = new Set(MAIN_CASES.map((c) => c.registry));
    for (const key of Object.keys(registry)) if (!covered.has(key)) cases.push({ name: key, registry: key, options: {} });
  }
  return only ? cases.filter((c) => only.includes(c.name)) : cases;
}

/** Deterministic data: parameters in [−1, 1], gradients in ±[0.01, 1] (no denormals anywhere). */
export function benchData(n: number, seed = 1): { params: Float32Array; grads: Float32Array } {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const params = new Float32Array(n);
  const grads = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    params[i] = 2 * next() - 1;
    const mag = 0.01 + 0.99 * next();
    grads[i] = next() < 0.5 ? -mag : mag;
  }
  return { params, grads };
}
