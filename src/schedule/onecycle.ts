/**
 * The 1cycle policy (Smith & Topin, "Super-Convergence: Very Fast Training of Neural Networks
 * Using Large Learning Rates", 2018, https://arxiv.org/abs/1708.07120) with the semantics of
 * `torch.optim.lr_scheduler.OneCycleLR` 2.11.
 */
import { LRScheduler, setInitialLr, type SchedulableOptimizer } from './base.js';
import { bool, type Check, int, nonNegative, num, oneOf, perGroup, perGroupValues, positive, readOptions, required, scalarOrPerGroup, type Spec } from '../validation/index.js';
import { checkMomentumState, cycledKey, MOMENTUM_FIELDS, MOMENTUM_SPEC, setMomentum, setMomentumFields } from './momentum.js';

/** Options of {@link OneCycleLR}. */
export interface OneCycleLROptions {
  /** Peak lr, one for all groups or one per group. Required. */
  maxLr: number | readonly number[];
  /** Length of the cycle in steps; or give `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  /** With `stepsPerEpoch`, gives totalSteps = epochs · stepsPerEpoch. */
  epochs?: number;
  /** With `epochs`, gives totalSteps = epochs · stepsPerEpoch. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr. Default 0.3. */
  pctStart?: number;
  /** 'cos' or 'linear' annealing. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the lr's peak. Default 0.85. */
  baseMomentum?: number | readonly number[];
  /** Momentum at the start and the end. Default 0.95. */
  maxMomentum?: number | readonly number[];
  /** Starting lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Final lr = starting lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the starting lr, then to the final lr) instead of two. Default false. */
  threePhase?: boolean;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

const SPEC: Spec<OneCycleLROptions> = {
  maxLr: scalarOrPerGroup(nonNegative),
  totalSteps: int(1),
  epochs: int(1),
  stepsPerEpoch: int(1),
  pctStart: num({ min: 0, max: 1 }),
  annealStrategy: oneOf(['cos', 'linear']),
  ...MOMENTUM_SPEC,
  divFactor: positive,
  finalDivFactor: positive,
  threePhase: bool,
  lastEpoch: int(-1),
};

const FIELDS: Record<string, Check> = {
  totalSteps: int(1),
  pctStart: num({ min: 0, max: 1 }),
  annealStrategy: oneOf(['cos', 'linear']),
  threePhase: bool,
  initialLrs: perGroup(nonNegative),
  maxLrs: perGroup(nonNegative),
  minLrs: perGroup(nonNegative),
  ...MOMENTUM_FIELDS,
};

type LrKey = 'initialLrs' | 'maxLrs' | 'minLrs';
type MomKey = 'baseMomentums' | 'maxMomentums';
interface Phase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomKey;
  endMomentum: MomKey;
}

/** torch's `_schedule_phases`. */
function phases(total: number, pct: number, three: boolean): Phase[] {
  const up: Phase = { endStep: pct * total - 1, startLr: 'initialLrs', endLr: 'maxLrs', startMomentum: 'maxMomentums', endMomentum: 'baseMomentums' };
  if (!three) return [up, { endStep: total - 1, startLr: 'maxLrs', endLr: 'minLrs', startMomentum: 'baseMomentums', endMomentum: 'maxMomentums' }];
  return [
    up,
    { endStep: 2 * pct * total - 2, startLr: 'maxLrs', endLr: 'initialLrs', startMomentum: 'baseMomentums', endMomentum: 'maxMomentums' },
    { endStep: total - 1, startLr: 'initialLrs', endLr: 'minLrs', startMomentum: 'maxMomentums', endMomentum: 'maxMomentums' },
  ];
}

const annealCos = (start: number, end: number, pct: number): number => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1);
const annealLinear = (start: number, end: number, pct: number): number => (end - start) * pct + start;

/**
 * One cycle: the lr rises from `maxLr / divFactor` to `maxLr` over the first `pctStart` of
 * `totalSteps` steps, then falls to `maxLr / divFactor / finalDivFactor` (with `threePhase`, it
 * first comes back down to the starting lr symmetrically, then falls to the final lr). Within a
 * phase from a to b, at fraction p of the phase:
 * ```
 * cos:    lr = b + (a − b) / 2 · (cos(π p) + 1)
 * linear: lr = (b − a) · p + a
 * ```
 * Momentum (or `betas[0]` for Adam-like optimizers) moves the opposite way between
 * `maxMomentum` and `baseMomentum` when `cycleMomentum` is on (the default). Construction
 * overwrites each group's `initialLr` with `maxLr / divFactor`; `step()` may be called
 * `totalSteps − 1` times (torch allows one more, which extrapolates), and throws after that.
 *
 * @example
 * const sched = new OneCycleLR(opt, { maxLr: 0.01, epochs: 10, stepsPerEpoch: batches });
 * // call sched.step() after every batch
 */
export class OneCycleLR extends LRScheduler {
  /** Length of the cycle in steps. */
  readonly totalSteps: number;
  /** Fraction of the cycle spent raising the lr. */
  readonly pctStart: number;
  /** `'cos'` or `'linear'` annealing. */
  readonly annealStrategy: 'cos' | 'linear';
  /** Whether the cycle has three phases (up, down to the starting lr, then to the final lr). */
  readonly threePhase: boolean;
  /** Starting lr per group (maxLr / divFactor). */
  readonly initialLrs: number[];
  /** Peak lr per group. */
  readonly maxLrs: number[];
  /** Final lr per group (starting lr / finalDivFactor). */
  readonly minLrs: number[];
  /** Whether momentum (or β1) cycles inversely to the lr. */
  readonly cycleMomentum!: boolean;
  /** True when the optimizer has `betas` (β1 cycles), false when it has `momentum`. */
  readonly useBeta1!: boolean;
  /** Momentum at the lr's peak, per group; null when momentum does not cycle. */
  readonly baseMomentums!: number[] | null;
  /** Momentum at the start and the end, per group; null when momentum does not cycle. */
  readonly maxMomentums!: number[] | null;
  #momenta: number[] | null = null;

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    super(optimizer, 'OneCycleLR');
    const o = readOptions(options, SPEC, this.name, this.ctx());
    const n = this.groups.length;
    if (o.totalSteps !== undefined) this.totalSteps = o.totalSteps;
    else if (o.epochs !== undefined && o.stepsPerEpoch !== undefined) this.totalSteps = o.epochs * o.stepsPerEpoch;
    else throw new TypeError(`${this.name}: give totalSteps, or both epochs and stepsPerEpoch`);
    this.pctStart = o.pctStart ?? 0.3;
    this.annealStrategy = o.annealStrategy ?? 'cos';
    this.threePhase = o.threePhase ?? false;
    const divFactor = o.divFactor ?? 25.0;
    const finalDivFactor = o.finalDivFactor ?? 1e4;
    this.maxLrs = perGroupValues(required(o.maxLr, 'maxLr', this.name), n);
    this.initialLrs = this.maxLrs.map((m) => m / divFactor);
    this.minLrs = this.initialLrs.map((i) => i / finalDivFactor);
    this.momentumKey = setMomentumFields(this, optimizer, this.name, o, n, 0.85, 0.95);
    const lastEpoch = o.lastEpoch ?? -1;
    this.start(lastEpoch, () => {
      if (lastEpoch !== -1) return;
      this.groups.forEach((g, i) => {
        setInitialLr(g, this.initialLrs[i]!);
        if (this.momentumKey) setMomentum(g, this.momentumKey, this.maxMomentums![i]!);
      });
    });
  }

  protected getLr(): number[] {
    const where = `${this.name}.step`;
    const t = this.epoch;
    if (t > this.totalSteps) throw new RangeError(`${where}: tried to step ${t} times; totalSteps is ${this.totalSteps}`);
    const ph = phases(this.totalSteps, this.pctStart, this.threePhase);
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    const lrs: number[] = [];
    const moms: number[] = [];
    for (let i = 0; i < this.groups.length; i++) {
      let startStep = 0.0;
      for (const [k, p] of ph.entries()) {
        if (t <= p.endStep || k === ph.length - 1) {
          if (p.endStep === startStep) {
            throw new RangeError(`${where}: pctStart ${this.pctStart} with totalSteps ${this.totalSteps} leaves phase ${k + 1} empty at step ${t}`);
          }
          const pct = (t - startStep) / (p.endStep - startStep);
          lrs.push(anneal(this[p.startLr][i]!, this[p.endLr][i]!, pct));
          if (this.cycleMomentum) moms.push(anneal(this[p.startMomentum]![i]!, this[p.endMomentum]![i]!, pct));
          break;
        }
        startStep = p.endStep;
      }
    }
    this.#momenta = this.cycleMomentum ? moms : null;
    return lrs;
  }

  protected momentumValues(): number[] | null {
    return this.#momenta;
  }

  protected fields(): Record<string, Check> {
    return FIELDS;
  }

  /** @internal */
  _prepareLoad(dict: unknown, where: string): () => void {
    const commit = super._prepareLoad(dict, where);
    const d = dict as Record<string, unknown>;
    checkMomentumState(d, this.optimizer, where);
    return () => {
      commit();
      this.momentumKey = cycledKey(this.cycleMomentum, this.useBeta1);
    };
  }
}
