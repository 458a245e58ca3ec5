/**
 * What the benchmark runs: optimizer cases (library options; the idiomatic loop and tfjs read the
 * resolved hyperparameters from the library optimizer so all sides do the same update), sizes,
 * and the two schedules (full and `--quick`).
 */
import { registrations } from '../../optim/registry.js';
import { idiomaticNames } from './idiomatic.js';
import type { Schedule } from './measure.js';

export interface BenchCase {
  /** Name in the results (`sgd-momentum`, …). */
  name: string;
  /** Key in the optimizer registry. */
  registry: string;
  /** Library options (everything else takes the optimizer's defaults). */
  options: Record<string, unknown>;
}

/**
 * Every registered optimizer's benchmark cases, in registry order: its registration's `bench`
 * cases, else one case named by its key with its defaults.
 */
export function registeredCases(): BenchCase[] {
  return registrations().flatMap((r) => (r.bench ?? [{ name: r.key, options: {} }]).map((b) => ({ name: b.name, registry: r.key, options: { ...b.options } })));
}

export const SIZES: readonly number[] = [1024, 16384, 262144, 1048576, 16777216];

/** Every variant a record can carry. */
export const VARIANTS = ['simd', 'scalar', 'js-reference', 'js-idiomatic', 'tfjs-cpu', 'tfjs-wasm', 'roofline'] as const;
export type VariantName = (typeof VARIANTS)[number];

export const FULL: Schedule = { rounds: 9, roundMs: 120, batchMs: 4, warmupMs: 150 };
export const QUICK: Schedule = { rounds: 3, roundMs: 30, batchMs: 3, warmupMs: 40 };

/** Largest size tfjs-cpu is timed at (about 130 ns/param: 16M would take 2 s per step). */
export const TFJS_CPU_MAX = 1048576;

/**
 * The cases to run: those with a hand-written baseline (`idiomatic.ts`, `idiomatic/<case>.ts`),
 * then (with `all`) every other registered case.
 */
export function selectCases(all: boolean, only?: readonly string[]): BenchCase[] {
  const baselines = new Set(idiomaticNames());
  const cases = registeredCases();
  const chosen = [...cases.filter((c) => baselines.has(c.name)), ...(all ? cases.filter((c) => !baselines.has(c.name)) : [])];
  return only ? chosen.filter((c) => only.includes(c.name)) : chosen;
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
