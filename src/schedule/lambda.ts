/**
 * Schedules given by user functions, with the semantics of `torch.optim.lr_scheduler` 2.11:
 * LambdaLR (lr = base lr × f(step)) and MultiplicativeLR (lr ← lr × f(step)). The functions are
 * not part of `stateDict()`: build the scheduler with the same functions before loading it.
 */
import { LRScheduler, type SchedulableOptimizer } from './base.js';
import { func, int, readOptions, required, scalarOrPerGroup, show, type Spec } from '../validation/index.js';

/** A factor as a function of the step index (torch's `lr_lambda`). */
export type LrLambda = (epoch: number) => number;

/** Options of {@link LambdaLR} and {@link MultiplicativeLR}. */
export interface LambdaLROptions {
  /** One function for every group, or one per group. Required. */
  lrLambda: LrLambda | readonly LrLambda[];
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

const SPEC: Spec<LambdaLROptions> = { lrLambda: scalarOrPerGroup(func), lastEpoch: int(-1) };

function lambdas(o: Partial<LambdaLROptions>, groups: number, where: string): LrLambda[] {
  const f = required(o.lrLambda, 'lrLambda', where);
  return Array.isArray(f) ? [...(f as LrLambda[])] : Array.from({ length: groups }, () => f as LrLambda);
}

function call(f: LrLambda, epoch: number, i: number, where: string): number {
  const v: unknown = f(epoch);
  if (typeof v !== 'number') throw new TypeError(`${where}: lrLambda[${i}](${epoch}) must return a number, got ${show(v)}`);
  return v;
}

/**
 * Sets each group's lr to its base lr times a function of the step: `lr_t = base · f(t)`.
 *
 * @example
 * const sched = new LambdaLR(opt, { lrLambda: (epoch) => 0.95 ** epoch });
 * // per group: new LambdaLR(opt, { lrLambda: [(e) => Math.floor(e / 30), (e) => 0.95 ** e] })
 */
export class LambdaLR extends LRScheduler {
  /** The factor functions, one per group: lr = base lr · lrLambda(epoch). */
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: LambdaLROptions) {
    super(optimizer, 'LambdaLR');
    const o = readOptions(options, SPEC, this.name, this.ctx());
    this.lrLambdas = lambdas(o, this.groups.length, this.name);
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    const where = `${this.name}.step`;
    return this.base.map((b, i) => b * call(this.lrLambdas[i]!, this.epoch, i, where));
  }
}

/**
 * Multiplies each group's lr by a function of the step: `lr_t = lr_{t−1} · f(t)` (t ≥ 1).
 *
 * @example
 * const sched = new MultiplicativeLR(opt, { lrLambda: () => 0.95 });
 */
export class MultiplicativeLR extends LRScheduler {
  /** The factor functions, one per group: lr ← lr · lrLambda(epoch) on each step. */
  readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, options: LambdaLROptions) {
    super(optimizer, 'MultiplicativeLR');
    const o = readOptions(options, SPEC, this.name, this.ctx());
    this.lrLambdas = lambdas(o, this.groups.length, this.name);
    this.start(o.lastEpoch ?? -1);
  }

  protected getLr(): number[] {
    if (this.isInitial) return this.groups.map((g) => g.lr);
    const where = `${this.name}.step`;
    return this.groups.map((g, i) => g.lr * call(this.lrLambdas[i]!, this.epoch, i, where));
  }
}
