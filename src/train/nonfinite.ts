/**
 * Skipping non-finite steps: before each update, one WebAssembly reduction per contiguous range
 * counts NaN and ±Inf gradient elements; if there are any, the step is skipped — parameters and
 * optimizer state stay exactly as they were — and `skippedSteps` goes up. Works around any
 * optimizer (or another wrapper), as optax's `apply_if_finite` does for its transformations.
 *
 * ```
 * if count(g ∉ ℝ) = 0:  optimizer.step()
 * else:                 skippedSteps += 1        (nothing else changes)
 * ```
 */
import type { Parameter } from '../memory/parameter.js';
import { type Check, checkKeys, checkOptions, int, type Schema, show, notAPromise } from '../validation/index.js';
import { rangesOf, type Range } from './ranges.js';
import { checkSteppable, paramsOf, sameParams, type Steppable, SteppableWrapper } from './steppable.js';

/** Options of {@link NonFiniteGuard}. */
export interface NonFiniteGuardOptions {
  /**
   * Throw a RangeError (instead of skipping) when this many steps in a row would be skipped —
   * a run that only produces NaN should stop rather than spin. Default Infinity (never).
   */
  maxConsecutiveSkips?: number;
}

/** A checkpoint of a {@link NonFiniteGuard}'s counters. */
export interface NonFiniteGuardState {
  /** Steps skipped in all. */
  skippedSteps: number;
  /** Steps skipped since the last applied one. */
  consecutiveSkips: number;
  /** Steps passed on to the optimizer. */
  appliedSteps: number;
}

/** An integer >= 0, or Infinity. */
const countOrInfinity: Check = (v, name, where) => {
  if (typeof v !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${show(v)}`);
  if (!(v === Infinity || (Number.isInteger(v) && v >= 0))) throw new RangeError(`${where}: ${name} must be an integer >= 0 or Infinity, got ${show(v)}`);
};

const OPTIONS: Schema<NonFiniteGuardOptions> = { maxConsecutiveSkips: countOrInfinity };
const STATE_KEYS = ['skippedSteps', 'consecutiveSkips', 'appliedSteps'];

/**
 * Wraps an optimizer so that steps whose gradients hold NaN or ±Inf are skipped.
 *
 * @example
 * const opt = new NonFiniteGuard(new Adam(params, { lr: 1e-3 }));
 * computeGradients();
 * opt.step();                          // skipped if any gradient element is NaN / ±Inf
 * if (opt.lastStepSkipped) lossScale /= 2;
 * console.log(opt.skippedSteps);
 */
export class NonFiniteGuard extends SteppableWrapper {
  /** Skips in a row after which a step throws instead. */
  readonly maxConsecutiveSkips: number;
  #params: Parameter[] = [];
  #ranges: Range[] = [];
  #skipped = 0;
  #consecutive = 0;
  #applied = 0;
  #last = false;

  constructor(optimizer: Steppable, options: NonFiniteGuardOptions = {}) {
    const where = 'NonFiniteGuard';
    checkSteppable(optimizer, where);
    checkOptions(options, OPTIONS, where);
    const max = options.maxConsecutiveSkips ?? Infinity;
    super(optimizer);
    this.maxConsecutiveSkips = max;
    this.#sync(where);
  }

  /** Steps skipped because a gradient was NaN or ±Inf. */
  get skippedSteps(): number {
    return this.#skipped;
  }

  /** Skipped steps since the last applied one. */
  get consecutiveSkips(): number {
    return this.#consecutive;
  }

  /** Steps passed on to the optimizer. */
  get appliedSteps(): number {
    return this.#applied;
  }

  /** Whether the most recent `step()` was skipped. */
  get lastStepSkipped(): boolean {
    return this.#last;
  }

  #sync(where: string): void {
    if (this.disposed) throw new TypeError(`${where}: the guard has been disposed`);
    const params = paramsOf(this.optimizer, where);
    if (!sameParams(params, this.#params)) {
      this.#params = params;
      this.#ranges = rangesOf(params, 'gradOffset');
    }
  }

  /** Number of NaN / ±Inf gradient elements over the optimizer's parameters. */
  nonfiniteCount(): number {
    this.#sync('NonFiniteGuard.nonfiniteCount');
    const k = this.engine.kernels;
    let c = 0;
    for (const r of this.#ranges) c += k.count_nonfinite_f32(r.offset, r.n);
    return c;
  }

  /** True when any gradient element is NaN or ±Inf (stops at the first range with one). */
  #anyNonfinite(): boolean {
    const k = this.engine.kernels;
    for (const r of this.#ranges) if (k.count_nonfinite_f32(r.offset, r.n) > 0) return true;
    return false;
  }

  /**
   * Calls `closure` (if given; it usually recomputes the loss and gradients), then steps the
   * optimizer unless a gradient element is NaN or ±Inf. Returns the closure's value.
   */
  step(closure?: () => number): number | undefined {
    const where = 'NonFiniteGuard.step';
    this.#sync(where);
    if (closure !== undefined && typeof closure !== 'function') throw new TypeError(`${where}: closure must be a function`);
    const loss = closure ? closure() : undefined;
    notAPromise(loss, where);
    this.#sync(where);
    if (this.#anyNonfinite()) {
      if (this.#consecutive + 1 > this.maxConsecutiveSkips) {
        throw new RangeError(`${where}: ${this.#consecutive + 1} steps in a row have non-finite gradients (maxConsecutiveSkips is ${this.maxConsecutiveSkips})`);
      }
      this.#skipped++;
      this.#consecutive++;
      this.#last = true;
      return loss;
    }
    this.optimizer.step();
    this.#applied++;
    this.#consecutive = 0;
    this.#last = false;
    return loss;
  }

  /** Sets every gradient to 0 (delegates to the optimizer). */
  zeroGrad(): void {
    this.#sync('NonFiniteGuard.zeroGrad');
    if (this.optimizer.zeroGrad) this.optimizer.zeroGrad();
    else for (const p of this.#params) p.zeroGrad();
  }

  /** The guard's counters (checkpoint them next to the optimizer's `stateDict()`). */
  stateDict(): NonFiniteGuardState {
    return { skippedSteps: this.#skipped, consecutiveSkips: this.#consecutive, appliedSteps: this.#applied };
  }

  /** Restores {@link NonFiniteGuard.stateDict}; checked before anything changes. */
  loadStateDict(state: NonFiniteGuardState): void {
    const where = 'NonFiniteGuard.loadStateDict';
    checkKeys(state, STATE_KEYS, where, { what: 'entry', required: STATE_KEYS });
    for (const k of STATE_KEYS) int(0)(state[k], k, where);
    if (state.consecutiveSkips > state.skippedSteps) throw new RangeError(`${where}: consecutiveSkips cannot exceed skippedSteps`);
    this.#skipped = state.skippedSteps;
    this.#consecutive = state.consecutiveSkips;
    this.#applied = state.appliedSteps;
  }
}
