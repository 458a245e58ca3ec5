/**
 * Cyclical learning rates (Smith, "Cyclical Learning Rates for Training Neural Networks", 2017,
 * https://arxiv.org/abs/1506.01186) with the semantics of `torch.optim.lr_scheduler.CyclicLR` 2.11.
 */
import { LRScheduler, type SchedulableOptimizer } from './base.js';
import { bool, type Check, finite, func, int, nonNegative, num, oneOf, perGroup, perGroupValues, positive, readOptions, required, scalarOrPerGroup, show, type Spec } from '../validation/index.js';
import { checkMomentumState, cycledKey, MOMENTUM_FIELDS, MOMENTUM_SPEC, setMomentum, setMomentumFields } from './momentum.js';

/** Amplitude policies of {@link CyclicLR}, as torch's `mode`. */
export type CyclicMode = 'triangular' | 'triangular2' | 'exp_range';
const MODES: readonly CyclicMode[] = ['triangular', 'triangular2', 'exp_range'];

/** Options of {@link CyclicLR}. */
export interface CyclicLROptions {
  /** Lower lr of the cycle, one for all groups or one per group. Required. */
  baseLr: number | readonly number[];
  /** Upper lr of the cycle, one for all groups or one per group. Required. */
  maxLr: number | readonly number[];
  /** Steps in the rising half of a cycle. Default 2000. */
  stepSizeUp?: number;
  /** Steps in the falling half. Default `stepSizeUp`. */
  stepSizeDown?: number;
  /** Amplitude policy (ignored when `scaleFn` is given). Default 'triangular'. */
  mode?: CyclicMode;
  /** Base of 'exp_range': the amplitude is scaled by gamma^step. Default 1. */
  gamma?: number;
  /** Custom amplitude scale, `0 ≤ scaleFn(x) ≤ 1`; replaces `mode`. */
  scaleFn?: (x: number) => number;
  /** Whether `scaleFn` takes the cycle number or the step index. Default 'cycle'. */
  scaleMode?: 'cycle' | 'iterations';
  /** Cycle momentum (or beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak. Default 0.8. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the cycle's start. Default 0.9. */
  maxMomentum?: number | readonly number[];
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

const SPEC: Spec<CyclicLROptions> = {
  baseLr: scalarOrPerGroup(nonNegative),
  maxLr: scalarOrPerGroup(nonNegative),
  stepSizeUp: positive,
  stepSizeDown: nonNegative,
  mode: (v, name, where) => {
    if (typeof v !== 'string') throw new TypeError(`${where}: ${name} must be a string, got ${show(v)}`);
  },
  gamma: finite,
  scaleFn: func,
  scaleMode: oneOf(['cycle', 'iterations']),
  ...MOMENTUM_SPEC,
  lastEpoch: int(-1),
};

const FIELDS: Record<string, Check> = {
  maxLrs: perGroup(nonNegative),
  totalSize: positive,
  stepRatio: num({ min: 0, minOpen: true, max: 1 }),
  mode: SPEC.mode,
  gamma: finite,
  scaleMode: oneOf(['cycle', 'iterations']),
  customScaleFn: bool,
  ...MOMENTUM_FIELDS,
};

/**
 * Cycles the lr between `baseLr` and `maxLr` (triangle waves, `stepSizeUp` steps up and
 * `stepSizeDown` down), per group:
 * ```
 * cycle = ⌊1 + t / (up + down)⌋,  x = 1 + t / (up + down) − cycle
 * h = x ≤ r ? x / r : (x − 1) / (r − 1)            r = up / (up + down)
 * lr = baseLr + (maxLr − baseLr) · h · scale(cycle or t)
 * momentum = maxMomentum − (maxMomentum − baseMomentum) · h · scale(…)
 * ```
 * with scale 1 ('triangular'), 1 / 2^(cycle−1) ('triangular2'), gamma^t ('exp_range') or
 * `scaleFn`. Construction sets each group's lr to `baseLr` (and momentum to `maxMomentum`).
 * Momentum cycling is on by default, so an optimizer with neither `momentum` nor `betas` needs
 * `cycleMomentum: false`.
 *
 * @example
 * const sched = new CyclicLR(opt, { baseLr: 0.001, maxLr: 0.01, stepSizeUp: 2000, mode: 'triangular2' });
 * // call sched.step() after every batch
 */
export class CyclicLR extends LRScheduler {
  /** Upper lr of the cycle, per group. */
  readonly maxLrs: number[];
  /** Steps in one cycle (up and down). */
  readonly totalSize: number;
  /** Fraction of a cycle spent rising. */
  readonly stepRatio: number;
  /** Amplitude policy (option `mode`). */
  readonly mode: string;
  /** Base of `'exp_range'` (option `gamma`). */
  readonly gamma: number;
  /** Whether the amplitude scale takes the cycle number or the step index. */
  readonly scaleMode: 'cycle' | 'iterations';
  /** Whether momentum (or β1) cycles inversely to the lr. */
  readonly cycleMomentum!: boolean;
  /** True when the optimizer has `betas` (β1 cycles), false when it has `momentum`. */
  readonly useBeta1!: boolean;
  /** Momentum at the lr's peak, per group; null when momentum does not cycle. */
  readonly baseMomentums!: number[] | null;
  /** Momentum at the cycle's start, per group; null when momentum does not cycle. */
  readonly maxMomentums!: number[] | null;
  /** Whether a custom `scaleFn` is in use (the function itself is not saved). */
  readonly customScaleFn: boolean;
  readonly #scaleFn: ((x: number) => number) | null;

  constructor(optimizer: SchedulableOptimizer, options: CyclicLROptions) {
    super(optimizer, 'CyclicLR');
    const o = readOptions(options, SPEC, this.name, this.ctx());
    const n = this.groups.length;
    const baseLrs = perGroupValues(required(o.baseLr, 'baseLr', this.name), n);
    this.maxLrs = perGroupValues(required(o.maxLr, 'maxLr', this.name), n);
    const up = o.stepSizeUp ?? 2000;
    const down = o.stepSizeDown ?? up;
    this.totalSize = up + down;
    this.stepRatio = up / this.totalSize;
    this.mode = o.mode ?? 'triangular';
    this.#scaleFn = o.scaleFn ?? null;
    this.customScaleFn = this.#scaleFn !== null;
    if (!this.customScaleFn) oneOf(MODES)(this.mode, 'mode', this.name, this.ctx());
    this.gamma = o.gamma ?? 1.0;
    this.scaleMode = this.#defaultScaleMode(o.scaleMode ?? 'cycle');
    this.momentumKey = setMomentumFields(this, optimizer, this.name, o, n, 0.8, 0.9);
    const lastEpoch = o.lastEpoch ?? -1;
    this.start(lastEpoch, () => {
      if (lastEpoch !== -1) return;
      this.groups.forEach((g, i) => {
        g.lr = baseLrs[i]!;
        if (this.momentumKey) setMomentum(g, this.momentumKey, this.maxMomentums![i]!);
      });
    });
    this.base = baseLrs;
  }

  #defaultScaleMode(given: 'cycle' | 'iterations'): 'cycle' | 'iterations' {
    if (this.customScaleFn) return given;
    return this.mode === 'exp_range' ? 'iterations' : 'cycle';
  }

  #scale(x: number): number {
    if (this.#scaleFn) {
      const v: unknown = this.#scaleFn(x);
      if (typeof v !== 'number') throw new TypeError(`${this.name}.step: scaleFn(${x}) must return a number, got ${show(v)}`);
      return v;
    }
    if (this.mode === 'triangular2') return 1 / 2.0 ** (x - 1);
    if (this.mode === 'exp_range') return this.gamma ** x;
    return 1.0;
  }

  /** The triangle's height h in [0, 1] and the argument of the scale function. */
  #position(): { h: number; arg: number } {
    const t = this.epoch;
    const cycle = Math.floor(1 + t / this.totalSize);
    const x = 1.0 + t / this.totalSize - cycle;
    const h = x <= this.stepRatio ? x / this.stepRatio : (x - 1) / (this.stepRatio - 1);
    return { h, arg: this.scaleMode === 'cycle' ? cycle : t };
  }

  protected getLr(): number[] {
    const { h, arg } = this.#position();
    return this.base.map((b, i) => b + (this.maxLrs[i]! - b) * h * this.#scale(arg));
  }

  protected momentumValues(): number[] | null {
    if (!this.cycleMomentum) return null;
    const { h, arg } = this.#position();
    return this.maxMomentums!.map((mx, i) => mx - (mx - this.baseMomentums![i]!) * h * this.#scale(arg));
  }

  protected fields(): Record<string, Check> {
    return FIELDS;
  }

  /** @internal */
  _prepareLoad(dict: unknown, where: string): () => void {
    const commit = super._prepareLoad(dict, where);
    const d = dict as Record<string, unknown>;
    if (d.customScaleFn !== this.customScaleFn) {
      throw new TypeError(`${where}: the state was saved ${d.customScaleFn ? 'with' : 'without'} a custom scaleFn, this scheduler has ${this.customScaleFn ? 'one' : 'none'}`);
    }
    if (!this.customScaleFn) oneOf(MODES)(d.mode, 'mode', where, this.ctx());
    checkMomentumState(d, this.optimizer, where);
    return () => {
      commit();
      this.momentumKey = cycledKey(this.cycleMomentum, this.useBeta1);
    };
  }
}
