/**
 * Step-wise and polynomial schedules with the semantics of `torch.optim.lr_scheduler` 2.11:
 * StepLR, MultiStepLR, ExponentialLR, ConstantLR, LinearLR, PolynomialLR. Each is chainable
 * (computes the new lr from the group's current one, as torch does) and has a closed form that
 * SequentialLR uses when it switches to it at a milestone.
 */
import { LRScheduler, type SchedulableOptimizer } from './base.js';
import { type Check, finite, int, list, nonNegative, num, readOptions, required, type Spec } from '../validation/index.js';

const lastEpoch = int(-1);

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Period of the decay, in steps. Required. */
  stepSize: number;
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by `gamma` every `stepSize` steps: `lr_t = base · γ^⌊t / stepSize⌋`.
 *
 * @example
 * const sched = new StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.05 → 0.005 at step 30 …
 * for (let epoch = 0; epoch < 100; epoch++) { train(); opt.step(); sched.step(); }
 */
export class StepLR extends LRScheduler {
  /** Steps between decays. */
  readonly stepSize: number;
  /** Decay factor. */
  readonly gamma: number;
  private static readonly spec: Spec<StepLROptions> = { stepSize: int(1), gamma: nonNegative, lastEpoch };

  constructor(optimizer: SchedulableOptimizer, options: StepLROptions) {
    super(optimizer, 'StepLR');
    const o = readOptions(options, StepLR.spec, this.name, this.ctx());
    this.stepSize = required(o.stepSize, 'stepSize', this.name);
    this.gamma = o.gamma ?? 0.1;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return { stepSize: int(1), gamma: nonNegative };
  }

  protected getLr(): number[] {
    if (this.epoch === 0 || this.epoch % this.stepSize !== 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected closedForm(): number[] {
    return this.base.map((b) => b * this.gamma ** Math.floor(this.epoch / this.stepSize));
  }
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Steps at which the lr is multiplied by `gamma` (a step listed twice decays twice). Required. */
  milestones: readonly number[];
  /** Multiplicative factor of the decay. Default 0.1. */
  gamma?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by `gamma` at each milestone: `lr_t = base · γ^(number of milestones ≤ t)`.
 *
 * @example
 * const sched = new MultiStepLR(opt, { milestones: [30, 80], gamma: 0.1 });
 */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted. */
  readonly milestones: number[];
  /** Decay factor applied at each milestone. */
  readonly gamma: number;
  private static readonly spec: Spec<MultiStepLROptions> = { milestones: list(int(0)), gamma: nonNegative, lastEpoch };

  constructor(optimizer: SchedulableOptimizer, options: MultiStepLROptions) {
    super(optimizer, 'MultiStepLR');
    const o = readOptions(options, MultiStepLR.spec, this.name, this.ctx());
    this.milestones = [...required(o.milestones, 'milestones', this.name)].sort((a, b) => a - b);
    this.gamma = o.gamma ?? 0.1;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return { milestones: list(int(0)), gamma: nonNegative };
  }

  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.epoch).length;
    if (count === 0) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma ** count);
  }

  protected closedForm(): number[] {
    const passed = this.milestones.filter((m) => m <= this.epoch).length;
    return this.base.map((b) => b * this.gamma ** passed);
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions {
  /** Multiplicative factor per step. Required. */
  gamma: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by `gamma` every step: `lr_t = base · γ^t`.
 *
 * @example
 * const sched = new ExponentialLR(opt, { gamma: 0.95 });
 */
export class ExponentialLR extends LRScheduler {
  /** Decay factor per step. */
  readonly gamma: number;
  private static readonly spec: Spec<ExponentialLROptions> = { gamma: nonNegative, lastEpoch };

  constructor(optimizer: SchedulableOptimizer, options: ExponentialLROptions) {
    super(optimizer, 'ExponentialLR');
    const o = readOptions(options, ExponentialLR.spec, this.name, this.ctx());
    this.gamma = required(o.gamma, 'gamma', this.name);
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return { gamma: nonNegative };
  }

  protected getLr(): number[] {
    if (this.isInitial) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * this.gamma);
  }

  protected closedForm(): number[] {
    return this.base.map((b) => b * this.gamma ** this.epoch);
  }
}

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions {
  /** Factor applied until `totalIters`, in [0, 1]. Default 1/3. */
  factor?: number;
  /** Number of steps the factor applies. Default 5. */
  totalIters?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Multiplies the lr by `factor` for the first `totalIters` steps, then restores it:
 * `lr_t = base · (t < totalIters ? factor : 1)`.
 *
 * @example
 * const sched = new ConstantLR(opt, { factor: 0.5, totalIters: 4 });
 */
export class ConstantLR extends LRScheduler {
  /** Factor applied until `totalIters`. */
  readonly factor: number;
  /** Steps during which the factor applies. */
  readonly totalIters: number;
  private static readonly spec: Spec<ConstantLROptions> = { factor: num({ min: 0, max: 1 }), totalIters: int(0), lastEpoch };

  constructor(optimizer: SchedulableOptimizer, options: ConstantLROptions = {}) {
    super(optimizer, 'ConstantLR');
    const o = readOptions(options, ConstantLR.spec, this.name, this.ctx());
    this.factor = o.factor ?? 1 / 3;
    this.totalIters = o.totalIters ?? 5;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return { factor: num({ min: 0, max: 1 }), totalIters: int(0) };
  }

  protected getLr(): number[] {
    if (this.epoch === 0) return this.groups.map((g) => g.lr * this.factor);
    if (this.epoch !== this.totalIters) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1.0 / this.factor));
  }

  protected closedForm(): number[] {
    const after = this.epoch >= this.totalIters ? 1 : 0;
    return this.base.map((b) => b * (this.factor + after * (1 - this.factor)));
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions {
  /** Factor at step 0, in (0, 1]. Default 1/3. */
  startFactor?: number;
  /** Factor from `totalIters` on, in [0, 1]. Default 1. */
  endFactor?: number;
  /** Number of steps of the linear change. Default 5. */
  totalIters?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Changes the lr's factor linearly from `startFactor` to `endFactor` over `totalIters` steps:
 * `lr_t = base · (s + (e − s) · min(t, T) / T)` — the usual linear warmup.
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.01, totalIters: 500 });
 */
export class LinearLR extends LRScheduler {
  /** Factor at step 0. */
  readonly startFactor: number;
  /** Factor from `totalIters` on. */
  readonly endFactor: number;
  /** Steps of the linear ramp. */
  readonly totalIters: number;
  private static readonly spec: Spec<LinearLROptions> = {
    startFactor: num({ min: 0, minOpen: true, max: 1 }),
    endFactor: num({ min: 0, max: 1 }),
    totalIters: int(0),
    lastEpoch,
  };

  constructor(optimizer: SchedulableOptimizer, options: LinearLROptions = {}) {
    super(optimizer, 'LinearLR');
    const o = readOptions(options, LinearLR.spec, this.name, this.ctx());
    this.startFactor = o.startFactor ?? 1 / 3;
    this.endFactor = o.endFactor ?? 1.0;
    this.totalIters = o.totalIters ?? 5;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    const { lastEpoch: _, ...rest } = LinearLR.spec;
    return rest;
  }

  protected getLr(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    if (this.epoch === 0) return this.groups.map((g) => g.lr * s);
    if (this.isInitial || this.epoch > n) return this.groups.map((g) => g.lr);
    return this.groups.map((g) => g.lr * (1.0 + (e - s) / (n * s + (this.epoch - 1) * (e - s))));
  }

  protected closedForm(): number[] {
    const { startFactor: s, endFactor: e, totalIters: n } = this;
    return this.base.map((b) => b * (s + ((e - s) * Math.min(n, this.epoch)) / n));
  }
}

/** Options of {@link PolynomialLR}. */
export interface PolynomialLROptions {
  /** Number of steps of the decay; the lr is 0 from then on. Default 5. */
  totalIters?: number;
  /** Power of the polynomial. Default 1. */
  power?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Decays the lr to 0 in `totalIters` steps: `lr_t = base · (1 − min(t, T) / T)^power`.
 *
 * @example
 * const sched = new PolynomialLR(opt, { totalIters: 50, power: 0.9 });
 */
export class PolynomialLR extends LRScheduler {
  /** Steps until the lr reaches 0. */
  readonly totalIters: number;
  /** Power of the polynomial decay. */
  readonly power: number;
  private static readonly spec: Spec<PolynomialLROptions> = { totalIters: int(0), power: finite, lastEpoch };

  constructor(optimizer: SchedulableOptimizer, options: PolynomialLROptions = {}) {
    super(optimizer, 'PolynomialLR');
    const o = readOptions(options, PolynomialLR.spec, this.name, this.ctx());
    this.totalIters = o.totalIters ?? 5;
    this.power = o.power ?? 1.0;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return { totalIters: int(0), power: finite };
  }

  protected getLr(): number[] {
    const n = this.totalIters;
    if (this.isInitial || this.epoch > n) return this.groups.map((g) => g.lr);
    const decay = ((1.0 - this.epoch / n) / (1.0 - (this.epoch - 1) / n)) ** this.power;
    return this.groups.map((g) => g.lr * decay);
  }

  protected closedForm(): number[] {
    const n = this.totalIters;
    return this.base.map((b) => b * (1.0 - Math.min(n, this.epoch) / n) ** this.power);
  }
}
