/**
 * Reduce the lr when a metric stops improving, with the semantics of
 * `torch.optim.lr_scheduler.ReduceLROnPlateau` 2.11.
 */
import { checkOptimizer, prepareFields, readDict, type SchedulableOptimizer, type Scheduler, type SchedulerStateDict } from './base.js';
import { type Check, type Ctx, finite, int, list, nonNegative, nullable, num, oneOf, perGroup, perGroupValues, readOptions, scalarOrPerGroup, show, type Spec } from '../validation/index.js';

/** Options of {@link ReduceLROnPlateau}. */
export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor, in [0, 1). Default 0.1. */
  factor?: number;
  /** Steps without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** How much better than the best a metric must be to count as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps after a reduction during which bad steps are not counted. Default 0. */
  cooldown?: number;
  /** Lower bound of the lr, one for all groups or one per group. Default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped. Default 1e-8. */
  eps?: number;
}

const SPEC: Spec<ReduceLROnPlateauOptions> = {
  mode: oneOf(['min', 'max']),
  factor: num({ min: 0, max: 1, maxOpen: true }),
  patience: int(0),
  threshold: finite,
  thresholdMode: oneOf(['rel', 'abs']),
  cooldown: int(0),
  minLr: scalarOrPerGroup(nonNegative),
  eps: nonNegative,
};

/** The best metric so far, in JSON: a number, or "Infinity" / "-Infinity" before any metric. */
const bestCheck: Check = (v, name, where) => {
  if (v === 'Infinity' || v === '-Infinity') return;
  if (typeof v !== 'number' || Number.isNaN(v)) throw new TypeError(`${where}: ${name} must be a number, "Infinity" or "-Infinity", got ${show(v)}`);
};

const FIELDS: Record<string, Check> = {
  mode: SPEC.mode,
  factor: SPEC.factor,
  patience: int(0),
  threshold: finite,
  thresholdMode: SPEC.thresholdMode,
  cooldown: int(0),
  eps: nonNegative,
  // One per group; may be shorter when a single minLr was given and groups were added since (a
  // reduction extends it then). Checked against the group count in _prepareLoad.
  minLrs: list(nonNegative),
  defaultMinLr: nullable(nonNegative),
  best: bestCheck,
  numBadEpochs: int(0),
  cooldownCounter: int(0),
  lastEpoch: int(0),
  lastLr: perGroup(finite),
};

/**
 * Multiplies each group's lr by `factor` (not below `minLr`) once the metric passed to
 * `step(metric)` has not improved for more than `patience` steps, then waits `cooldown` steps
 * before counting again. An improvement, in 'min' mode, is `metric < best·(1 − threshold)`
 * ('rel') or `metric < best − threshold` ('abs'); 'max' mode mirrors it. A NaN metric never
 * improves (as in torch).
 *
 * @example
 * const sched = new ReduceLROnPlateau(opt, { mode: 'min', factor: 0.5, patience: 2 });
 * for (let epoch = 0; epoch < 50; epoch++) { train(); sched.step(validationLoss()); }
 */
export class ReduceLROnPlateau implements Scheduler {
  /** The optimizer (or `{ paramGroups }` object) whose lrs are reduced. */
  readonly optimizer: SchedulableOptimizer;
  /** The class name (also the `type` of its state dict). */
  readonly name = 'ReduceLROnPlateau';
  /** `'min'`: the metric should fall; `'max'`: it should rise. */
  readonly mode: 'min' | 'max';
  /** Factor by which the lr is multiplied on a plateau. */
  readonly factor: number;
  /** Steps without improvement tolerated before reducing. */
  readonly patience: number;
  /** Smallest change that counts as an improvement. */
  readonly threshold: number;
  /** `'rel'`: threshold relative to the best value; `'abs'`: absolute. */
  readonly thresholdMode: 'rel' | 'abs';
  /** Steps after a reduction before counting bad steps again. */
  readonly cooldown: number;
  /** A reduction smaller than this is skipped. */
  readonly eps: number;
  /** Lower bound of each group's lr. */
  readonly minLrs: number[];
  /** The single minLr given, used for groups added later; null when a list was given. */
  readonly defaultMinLr: number | null;
  /** Best metric so far (±Infinity before the first). */
  readonly best: number;
  /** Steps since the last improvement (reset by a reduction and during cooldown). */
  readonly numBadEpochs: number = 0;
  /** Cooldown steps left. */
  readonly cooldownCounter: number = 0;
  #epoch = 0;
  #last: number[];

  constructor(optimizer: SchedulableOptimizer, options: ReduceLROnPlateauOptions = {}) {
    checkOptimizer(optimizer, this.name);
    const o = readOptions(options, SPEC, this.name, this.#ctx(optimizer));
    this.optimizer = optimizer;
    this.mode = o.mode ?? 'min';
    this.factor = o.factor ?? 0.1;
    this.patience = o.patience ?? 10;
    this.threshold = o.threshold ?? 1e-4;
    this.thresholdMode = o.thresholdMode ?? 'rel';
    this.cooldown = o.cooldown ?? 0;
    this.eps = o.eps ?? 1e-8;
    const minLr = o.minLr ?? 0;
    this.defaultMinLr = Array.isArray(minLr) ? null : (minLr as number);
    this.minLrs = perGroupValues(minLr, optimizer.paramGroups.length);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this.#last = optimizer.paramGroups.map((g) => g.lr);
  }

  #ctx(optimizer = this.optimizer): Ctx {
    return { groups: optimizer.paramGroups.length };
  }

  /** Number of `step()` calls so far. */
  get lastEpoch(): number {
    return this.#epoch;
  }

  /** True while bad steps are not being counted after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  #isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1.0 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1.0);
    return a > best + this.threshold;
  }

  /** Records one value of the watched metric (e.g. the validation loss) and reduces the lr if due. */
  step(metric: number): void {
    const where = `${this.name}.step`;
    if (typeof metric !== 'number') throw new TypeError(`${where}: metric must be a number, got ${show(metric)}`);
    const groups = this.optimizer.paramGroups;
    groups.forEach((g, i) => {
      if (typeof g.lr !== 'number' || !Number.isFinite(g.lr)) throw new TypeError(`${where}: param group ${i} lr must be a finite number, got ${show(g.lr)}`);
    });
    let { best, numBadEpochs: bad, cooldownCounter: cool, minLrs } = this;
    if (this.#isBetter(metric, best)) {
      best = metric;
      bad = 0;
    } else bad += 1;
    if (cool > 0) {
      cool -= 1;
      bad = 0;
    }
    let lrs: number[] | null = null;
    if (bad > this.patience) {
      if (groups.length !== minLrs.length) {
        if (this.defaultMinLr === null) {
          throw new RangeError(`${where}: the optimizer has ${groups.length} param groups but minLrs has ${minLrs.length}; set minLrs for every group`);
        }
        minLrs = groups.map(() => this.defaultMinLr as number);
      }
      lrs = groups.map((g, i) => {
        const newLr = Math.max(g.lr * this.factor, minLrs[i]!);
        return g.lr - newLr > this.eps ? newLr : g.lr;
      });
      cool = this.cooldown;
      bad = 0;
    }
    // Commit.
    Object.assign(this, { best, numBadEpochs: bad, cooldownCounter: cool, minLrs });
    this.#epoch += 1;
    if (lrs) groups.forEach((g, i) => (g.lr = lrs[i]!));
    this.#last = groups.map((g) => g.lr);
  }

  /** The lr of each group after the last step. */
  getLastLr(): number[] {
    return [...this.#last];
  }

  /** A JSON-serialisable snapshot (the best metric is a number or "Infinity"/"-Infinity"). */
  stateDict(): SchedulerStateDict {
    const b = this.best;
    return {
      type: this.name,
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      eps: this.eps,
      minLrs: [...this.minLrs],
      defaultMinLr: this.defaultMinLr,
      best: Number.isFinite(b) ? b : String(b),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.#epoch,
      lastLr: [...this.#last],
    };
  }

  /** Restores a snapshot from {@link ReduceLROnPlateau.stateDict}; checked before anything changes. */
  loadStateDict(dict: SchedulerStateDict): void {
    this._prepareLoad(dict, `${this.name}.loadStateDict`)();
  }

  /** @internal */
  _prepareLoad(dict: unknown, where: string): () => void {
    const d = readDict(dict, this.name, Object.keys(FIELDS), where);
    const { lastEpoch: _e, lastLr: _l, ...spec } = FIELDS;
    const ctx = this.#ctx();
    FIELDS.lastEpoch!(d.lastEpoch, 'lastEpoch', where, ctx);
    FIELDS.lastLr!(d.lastLr, 'lastLr', where, ctx);
    const commit = prepareFields(this, d, spec, where, ctx);
    if (d.defaultMinLr === null) perGroup(nonNegative)(d.minLrs, 'minLrs', where, ctx);
    return () => {
      commit();
      const self = this as { best: number };
      self.best = typeof d.best === 'string' ? Number(d.best) : (d.best as number);
      this.#epoch = d.lastEpoch as number;
      this.#last = [...(d.lastLr as number[])];
    };
  }
}
