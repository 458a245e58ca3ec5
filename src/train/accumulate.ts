/**
 * Gradient accumulation: run k micro-batches, step the optimizer once on their mean (or sum)
 * gradient — the effective batch is k times larger at the memory cost of one batch.
 *
 * Per micro-step j = 1…k (g⁽ʲ⁾ = the gradients the caller wrote for micro-batch j):
 * ```
 * a ← g⁽¹⁾                      j = 1
 * a ← a + g⁽ʲ⁾                  1 < j < k
 * g ← g⁽ᵏ⁾ + a                  j = k, then g ← f32(1/k)·g for 'mean'; optimizer.step()
 * ```
 * All in float32, as WebAssembly kernels over each contiguous range of gradients; the
 * accumulator `a` lives in the engine's memory, laid out like the gradients.
 */
import type { Parameter } from '../memory/parameter.js';
import { type Check, checkKeys, checkOptions, int, type Schema, show, float32Values } from '../validation/index.js';
import { scalars } from '../wasm/kernel-table.js';
import { rangesOf, type Range } from './ranges.js';
import { checkSteppable, paramsOf, sameParams, type Steppable, SteppableWrapper } from './steppable.js';

const f = Math.fround;

/** y ← 1·y + 1·x */
const ADD = scalars('axpby_f32');
ADD.a = 1;
ADD.b = 1;
const SCALE = scalars('scale_f32');

/** Options of {@link GradientAccumulator}. */
export interface GradientAccumulationOptions {
  /** Micro-steps per optimizer step (k), an integer ≥ 1. */
  steps: number;
  /** Step on the mean of the k gradients (default) or on their sum. */
  reduction?: 'mean' | 'sum';
}

/** A checkpoint of a {@link GradientAccumulator}. */
export interface AccumulatorState {
  /** Micro-steps per optimizer step (k). */
  steps: number;
  /** Whether the optimizer steps on the mean or the sum. */
  reduction: 'mean' | 'sum';
  /** Micro-steps accumulated since the last optimizer step (0 … k−1). */
  microStep: number;
  /** Micro-steps taken in all. */
  microSteps: number;
  /** Optimizer steps taken in all. */
  optimizerSteps: number;
  /** The partial sum per parameter (optimizer order); empty when `microStep` is 0. */
  accumulated: Float32Array[];
}

/** Micro-steps per optimizer step: an integer in [1, 2^24]. */
const stepsCheck: Check = (v, name, where) => {
  if (typeof v !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${show(v)}`);
  if (!Number.isInteger(v) || v < 1 || v > 2 ** 24) throw new RangeError(`${where}: ${name} must be an integer in [1, 2^24], got ${show(v)}`);
};

const reductionCheck: Check = (v, name, where) => {
  if (v !== 'mean' && v !== 'sum') throw new TypeError(`${where}: ${name} must be "mean" or "sum", got ${show(v)}`);
};

const OPTIONS: Schema<GradientAccumulationOptions> = { steps: stepsCheck, reduction: reductionCheck };
const STATE_KEYS = ['steps', 'reduction', 'microStep', 'microSteps', 'optimizerSteps', 'accumulated'];

interface Block {
  range: Range;
  /** Byte offset of the accumulator for this range. */
  buffer: number;
}

/**
 * Wraps an optimizer so that it steps once every `steps` calls, on the mean (or sum) of the
 * gradients written before each call.
 *
 * @example
 * const acc = new GradientAccumulator(new Adam(params, { lr: 1e-3 }), { steps: 4 });
 * for (const batch of microBatches) {
 *   computeGradients(batch);         // writes p.grad
 *   if (acc.step()) scheduler.step(); // true on every 4th call: the optimizer stepped
 * }
 */
export class GradientAccumulator extends SteppableWrapper {
  /** Micro-steps per optimizer step (k). */
  readonly steps: number;
  /** Whether the optimizer steps on the mean or the sum of the k gradients. */
  readonly reduction: 'mean' | 'sum';
  #params: Parameter[] = [];
  #blocks: Block[] = [];
  #micro = 0;
  #microSteps = 0;
  #optimizerSteps = 0;

  constructor(optimizer: Steppable, options: GradientAccumulationOptions) {
    const where = 'GradientAccumulator';
    checkSteppable(optimizer, where);
    checkOptions(options, OPTIONS, where);
    const { steps, reduction = 'mean' } = options;
    stepsCheck(steps, 'steps', where);
    super(optimizer);
    this.steps = steps;
    this.reduction = reduction;
    this.#layout(paramsOf(optimizer, where));
  }

  /** Micro-steps accumulated since the optimizer last stepped (0 … steps − 1). */
  get microStep(): number {
    return this.#micro;
  }

  /** Micro-steps taken in all. */
  get microSteps(): number {
    return this.#microSteps;
  }

  /** Times the wrapped optimizer has stepped through this accumulator. */
  get optimizerSteps(): number {
    return this.#optimizerSteps;
  }

  #layout(params: Parameter[]): void {
    this.#free();
    this.#params = params;
    this.#blocks = rangesOf(params, 'gradOffset').map((range) => ({ range, buffer: this.engine.allocFloats(range.n) }));
  }

  #free(): void {
    if (!this.engine.disposed) for (const b of this.#blocks) this.engine.freeFloats(b.buffer);
    this.#blocks = [];
  }

  #check(where: string): void {
    if (this.disposed) throw new TypeError(`${where}: the accumulator has been disposed`);
    const params = paramsOf(this.optimizer, where);
    if (sameParams(params, this.#params)) return;
    if (this.#micro !== 0) {
      throw new TypeError(`${where}: the optimizer's parameters changed in the middle of an accumulation cycle; call reset() first`);
    }
    this.#layout(params);
  }

  /**
   * Takes one micro-step with the gradients as they are now. On every `steps`-th call the
   * gradients are replaced by the mean (or sum) of the cycle's gradients, the optimizer steps
   * and `true` is returned; otherwise the gradients are only read and `false` is returned.
   *
   * If the optimizer's `step()` throws, the cycle still ends (the reduced gradient stays in the
   * gradients) and the error propagates.
   */
  step(): boolean {
    this.#check('GradientAccumulator.step');
    const k = this.engine.kernels;
    const j = this.#micro + 1;
    this.#microSteps++;
    if (j < this.steps) {
      for (const { range, buffer } of this.#blocks) {
        if (j === 1) k.copy_f32(buffer, range.offset, range.n);
        else k.axpby_f32(buffer, range.offset, range.n, ADD);
      }
      this.#micro = j;
      return false;
    }
    if (this.steps > 1) {
      const scale = this.reduction === 'mean' ? f(1 / this.steps) : 1;
      SCALE.a = scale;
      for (const { range, buffer } of this.#blocks) {
        k.axpby_f32(range.offset, buffer, range.n, ADD);
        if (scale !== 1) k.scale_f32(range.offset, range.n, SCALE);
      }
    }
    this.#micro = 0;
    this.optimizer.step();
    this.#optimizerSteps++;
    return true;
  }

  /** Drops the micro-steps accumulated since the optimizer last stepped. */
  reset(): void {
    if (this.disposed) throw new TypeError('GradientAccumulator.reset: the accumulator has been disposed');
    this.#micro = 0;
  }

  /** Sets every gradient to 0 (delegates to the optimizer). */
  zeroGrad(): void {
    this.#check('GradientAccumulator.zeroGrad');
    if (this.optimizer.zeroGrad) this.optimizer.zeroGrad();
    else for (const p of this.#params) p.zeroGrad();
  }

  #slot(p: Parameter): number {
    for (const { range, buffer } of this.#blocks) {
      if (range.params.includes(p)) return buffer + (p.gradOffset - range.offset);
    }
    return -1;
  }

  /** The counters and (mid-cycle) the partial sums, copied. */
  stateDict(): AccumulatorState {
    this.#check('GradientAccumulator.stateDict');
    const f32 = this.engine.heap.f32;
    const accumulated =
      this.#micro === 0
        ? []
        : this.#params.map((p) => {
            const at = this.#slot(p);
            return at < 0 ? new Float32Array(0) : f32.slice(at >> 2, (at >> 2) + p.length);
          });
    return {
      steps: this.steps,
      reduction: this.reduction,
      microStep: this.#micro,
      microSteps: this.#microSteps,
      optimizerSteps: this.#optimizerSteps,
      accumulated,
    };
  }

  /** Restores {@link GradientAccumulator.stateDict}; everything is checked before anything changes. */
  loadStateDict(state: AccumulatorState): void {
    const where = 'GradientAccumulator.loadStateDict';
    this.#check(where);
    checkKeys(state, STATE_KEYS, where, { what: 'entry', required: STATE_KEYS });
    if (state.steps !== this.steps || state.reduction !== this.reduction) {
      throw new RangeError(`${where}: state is for steps ${state.steps} / ${String(state.reduction)}, this accumulator has ${this.steps} / ${this.reduction}`);
    }
    const { microStep, microSteps, optimizerSteps, accumulated } = state;
    for (const name of ['microStep', 'microSteps', 'optimizerSteps'] as const) int(0)(state[name], name, where);
    if (microStep >= this.steps) throw new RangeError(`${where}: microStep must be < ${this.steps}, got ${microStep}`);
    if (!Array.isArray(accumulated)) throw new TypeError(`${where}: accumulated must be an array of Float32Array`);
    const need = microStep === 0 ? 0 : this.#params.length;
    if (accumulated.length !== need) throw new RangeError(`${where}: accumulated has ${accumulated.length} entries, expected ${need}`);
    // Float32Arrays, number arrays or what JSON makes of Float32Arrays: all checked before any write.
    const sums = accumulated.map((a, i) => float32Values(a, this.#params[i]!.length, `${where}: accumulated[${i}]`));
    const f32 = this.engine.heap.f32;
    sums.forEach((a, i) => {
      const at = this.#slot(this.#params[i]!);
      if (at >= 0) f32.set(a, at >> 2);
    });
    this.#micro = microStep;
    this.#microSteps = microSteps;
    this.#optimizerSteps = optimizerSteps;
  }

  /** Frees the accumulator's buffers; the optimizer is left as it is. */
  override dispose(): void {
    if (this.disposed) return;
    super.dispose();
    this.#free();
  }
}
