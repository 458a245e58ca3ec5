/**
 * The result file's shape (`bench/results/latest.json`): one record per measurement,
 * `{ optimizer, size, variant, nsPerParam, samples }` plus context fields.
 */
import type { VariantName } from './cases.js';

export interface BenchRecord {
  /** Benchmark case (`adam`, `sgd-momentum`, …). */
  optimizer: string;
  /** Parameters updated per step. */
  size: number;
  variant: VariantName;
  /** Median nanoseconds per parameter per step. */
  nsPerParam: number;
  /** Batch samples behind the median. */
  samples: number;
  /** Bytes read + written per parameter per step (28 for Adam and the roofline kernel). */
  bytesPerParam: number;
  /** Per-round medians, ns/param, in time order. */
  roundMedians: number[];
  /** Which process measured it: `core` (no memory growth), `tfjs-cpu`, `tfjs-wasm`. */
  process: string;
  /** For tfjs records: the library's SIMD `step()` timed interleaved in the same process. */
  anchorSimdNsPerParam?: number;
}

export interface ManyTensorResult {
  optimizer: string;
  tensors: number;
  totalParams: number;
  /** One flat tensor of the same total size, ns/param. */
  flat: number;
  /** The same tensors made by one `engine.parameters()` call (contiguous: one kernel call). */
  contiguous: number;
  /** The same tensors made one `engine.parameter()` call each (one kernel call per tensor). */
  separate: number;
}

export interface AllocationResult {
  optimizer: string;
  backend: string;
  steps: number;
  size: number;
  /** `process.memoryUsage().heapUsed` after a full GC, before and after the steps. */
  heapBefore: number;
  heapAfter: number;
  /** Garbage collections observed during the steps (young generation included). */
  gcCount: number;
}

export interface BenchResults {
  meta: {
    date: string;
    command: string;
    quick: boolean;
    node: string;
    v8: string;
    cpu: string;
    cores: number;
    loadAverage: number[];
    tfjs?: string;
    schedule: unknown;
    /** Memory growths in the core process (0: the JS baseline ran with no detach). */
    coreGrows: number;
    detachProbe?: { before: number; after: number; n: number };
    durationS: number;
  };
  records: BenchRecord[];
  manyTensors: ManyTensorResult[];
  allocation: AllocationResult[];
}
