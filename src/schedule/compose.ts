/**
 * Schedulers made of schedulers, with the semantics of `torch.optim.lr_scheduler` 2.11:
 * SequentialLR (one after the other, switching at milestones) and ChainedScheduler (all at once,
 * each multiplying in its own change).
 */
import { checkGroups, checkOptimizer, LRScheduler, readDict, type SchedulableOptimizer, type SchedulerStateDict, withRollback } from './base.js';
import { int, list, readOptions, show, type Spec } from '../validation/index.js';
import { ReduceLROnPlateau } from './plateau.js';

/** Checks a list of schedulers that all act on `optimizer`; ReduceLROnPlateau is refused. */
function checkChildren(schedulers: unknown, optimizer: SchedulableOptimizer | undefined, where: string): LRScheduler[] {
  if (!Array.isArray(schedulers) || schedulers.length === 0) {
    throw new TypeError(`${where}: schedulers must be a non-empty array of schedulers, got ${show(schedulers)}`);
  }
  schedulers.forEach((s: unknown, i) => {
    if (s instanceof ReduceLROnPlateau) {
      throw new TypeError(`${where}: schedulers[${i}] is a ReduceLROnPlateau, whose step needs a metric; it cannot be composed`);
    }
    if (!(s instanceof LRScheduler)) throw new TypeError(`${where}: schedulers[${i}] is not a scheduler, got ${show(s)}`);
    if (optimizer && s.optimizer !== optimizer) {
      throw new TypeError(`${where}: schedulers[${i}] (${s.name}) acts on another optimizer; all must share one`);
    }
  });
  return [...(schedulers as LRScheduler[])];
}

/** Options of {@link SequentialLR}. */
export interface SequentialLROptions {
  /** The schedulers, in order, all built on the same optimizer. Required. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over (one fewer than schedulers). Required. */
  milestones: readonly number[];
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

const SEQ_SPEC: Spec<SequentialLROptions> = { schedulers: () => {}, milestones: list(int(0)), lastEpoch: int(-1) };

function checkMilestones(m: unknown, n: number, where: string): void {
  list(int(0))(m, 'milestones', where, { groups: 0 });
  const ms = m as number[];
  if (ms.length !== n - 1) throw new RangeError(`${where}: milestones must have ${n - 1} entries (one fewer than schedulers), got ${ms.length}`);
  ms.forEach((x, i) => {
    if (i > 0 && x < ms[i - 1]!) throw new RangeError(`${where}: milestones must be in increasing order, got ${show(ms)}`);
  });
}

/**
 * Runs `schedulers[0]` until `milestones[0]`, then `schedulers[1]` (restarted from its step 0 in
 * closed form) until `milestones[1]`, and so on. Build the inner schedulers on the optimizer first,
 * then wrap them: construction resets each group's lr to its `initialLr`, undoes the inner
 * schedulers' initial steps and redoes the first one's, as torch does.
 *
 * @example
 * const warmup = new LinearLR(opt, { startFactor: 0.01, totalIters: 5 });
 * const decay = new CosineAnnealingLR(opt, { tMax: 20 });
 * const sched = new SequentialLR(opt, { schedulers: [warmup, decay], milestones: [5] });
 */
export class SequentialLR extends LRScheduler {
  /** The schedulers, in the order they take over. */
  readonly schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over. */
  readonly milestones: number[];

  constructor(optimizer: SchedulableOptimizer, options: SequentialLROptions) {
    super(optimizer, 'SequentialLR');
    const o = readOptions(options, SEQ_SPEC, this.name, this.ctx());
    const children = checkChildren(o.schedulers, optimizer, this.name);
    children.forEach((s, i) => {
      if (i > 0 && (s instanceof SequentialLR || s instanceof ChainedScheduler)) {
        throw new TypeError(`${this.name}: schedulers[${i}] is a ${s.name}, which cannot be restarted at a milestone; only schedulers[0] may be composite`);
      }
    });
    checkMilestones(o.milestones, children.length, this.name);
    this.schedulers = children;
    this.milestones = [...o.milestones!];
    this.optimizer.paramGroups.forEach((g, i) => {
      if (typeof g.initialLr !== 'number') throw new TypeError(`${this.name}: param group ${i} has no initialLr; build the schedulers on this optimizer first`);
    });
    withRollback(optimizer, children, () => {
      this.epoch = (o.lastEpoch ?? -1) + 1;
      for (const g of this.groups) g.lr = g.initialLr!;
      this.base = this.groups.map((g) => g.initialLr!);
      this._undo();
      children[0]!._initialStep();
      this.last = children[0]!.getLastLr();
    });
  }

  protected getLr(): number[] {
    throw new TypeError(`${this.name} has no lr formula of its own`);
  }

  /** @internal */
  _undo(): void {
    for (const s of this.schedulers) s._undo();
  }

  /** Advances by one step: steps the scheduler in charge, or restarts the next one at a milestone. */
  step(): void {
    const where = `${this.name}.step`;
    checkGroups(this.optimizer, this.base.length, where);
    const epoch = this.epoch + 1;
    let idx = 0;
    while (idx < this.milestones.length && this.milestones[idx]! <= epoch) idx++;
    const s = this.schedulers[idx]!;
    if (idx > 0 && this.milestones[idx - 1] === epoch) s._updateLr(0, where);
    else s.step();
    this.epoch = epoch;
    this.last = s.getLastLr();
  }

  stateDict(): SchedulerStateDict {
    return {
      type: this.name,
      lastEpoch: this.epoch,
      milestones: [...this.milestones],
      lastLr: [...this.last],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** @internal */
  _prepareLoad(dict: unknown, where: string): () => void {
    const d = readDict(dict, this.name, ['lastEpoch', 'milestones', 'lastLr', 'schedulers'], where);
    return this.prepareCompositeLoad(
      d,
      this.schedulers,
      where,
      () => checkMilestones(d.milestones, this.schedulers.length, where),
      () => {
        (this as { milestones: number[] }).milestones = [...(d.milestones as number[])];
      },
    );
  }
}

/**
 * Steps every scheduler in `schedulers` on each `step()`, in order: chainable schedules multiply
 * their changes together (e.g. ConstantLR warmup × ExponentialLR decay). `optimizer` defaults to
 * the first scheduler's; every scheduler must act on it. Unlike the others, building it performs
 * no step (its children already did).
 *
 * @example
 * const sched = new ChainedScheduler([
 *   new ConstantLR(opt, { factor: 0.1, totalIters: 20 }),
 *   new ExponentialLR(opt, { gamma: 0.9 }),
 * ]);
 */
export class ChainedScheduler extends LRScheduler {
  /** The schedulers stepped together, in order, on every step. */
  readonly schedulers: readonly LRScheduler[];

  constructor(schedulers: readonly LRScheduler[], optimizer?: SchedulableOptimizer) {
    const where = 'ChainedScheduler';
    const first = checkChildren(schedulers, undefined, where)[0]!;
    if (optimizer !== undefined) checkOptimizer(optimizer, where);
    const opt = optimizer ?? first.optimizer;
    super(opt, where);
    this.schedulers = checkChildren(schedulers, opt, where);
    this.epoch = 0;
    this.base = this.groups.map((g) => g.initialLr ?? g.lr);
    this.last = this.groups.map((g) => g.lr);
  }

  protected getLr(): number[] {
    throw new TypeError(`${this.name} has no lr formula of its own`);
  }

  /** @internal */
  _undo(): void {
    for (const s of this.schedulers) s._undo();
  }

  /** Steps every scheduler once, in order (all or none: a failure puts everything back). */
  step(): void {
    checkGroups(this.optimizer, this.base.length, `${this.name}.step`);
    withRollback(this.optimizer, this.schedulers, () => {
      for (const s of this.schedulers) s.step();
    });
    this.epoch += 1;
    this.last = this.groups.map((g) => g.lr);
  }

  stateDict(): SchedulerStateDict {
    return {
      type: this.name,
      lastEpoch: this.epoch,
      lastLr: [...this.last],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** @internal */
  _prepareLoad(dict: unknown, where: string): () => void {
    const d = readDict(dict, this.name, ['lastEpoch', 'lastLr', 'schedulers'], where);
    return this.prepareCompositeLoad(d, this.schedulers, where, () => {}, () => {});
  }
}
