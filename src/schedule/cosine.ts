/**
 * Cosine schedules (Loshchilov & Hutter, "SGDR: Stochastic Gradient Descent with Warm Restarts",
 * 2017, https://arxiv.org/abs/1608.03983) with the semantics of `torch.optim.lr_scheduler` 2.11:
 * CosineAnnealingLR in torch's recursive ("chainable") form, so its numbers match torch's exactly,
 * and CosineAnnealingWarmRestarts.
 */
import { checkGroups, LRScheduler, type SchedulableOptimizer } from './base.js';
import { type Check, finite, int, num, positive, readOptions, required, type Spec } from '../validation/index.js';

/** Python's `a % b` (the sign of b). */
const pyMod = (a: number, b: number): number => ((a % b) + b) % b;

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions {
  /** Half period T_max, in steps: the lr reaches `etaMin` at step T_max. Required. */
  tMax: number;
  /** Minimum lr η_min. Default 0. */
  etaMin?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

/**
 * Cosine annealing from the base lr to `etaMin` over `tMax` steps, computed recursively as torch
 * does:
 * ```
 * η_t = η_min + (η_{t−1} − η_min) · (1 + cos(π t / T_max)) / (1 + cos(π (t − 1) / T_max))
 * ```
 * which follows `η_min + (base − η_min)(1 + cos(π t / T_max)) / 2` and, like torch, keeps going
 * past T_max (the lr rises again over the next T_max steps). Being chainable, it also composes
 * with lr changes made by other schedulers.
 *
 * @example
 * const sched = new CosineAnnealingLR(opt, { tMax: 100, etaMin: 1e-5 });
 */
export class CosineAnnealingLR extends LRScheduler {
  /** Steps of a half cosine period (option `tMax`). */
  readonly tMax: number;
  /** Lowest lr (option `etaMin`). */
  readonly etaMin: number;
  private static readonly spec: Spec<CosineAnnealingLROptions> = { tMax: positive, etaMin: finite, lastEpoch: int(-1) };

  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingLROptions) {
    super(optimizer, 'CosineAnnealingLR');
    const o = readOptions(options, CosineAnnealingLR.spec, this.name, this.ctx());
    this.tMax = required(o.tMax, 'tMax', this.name);
    this.etaMin = o.etaMin ?? 0.0;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return { tMax: positive, etaMin: finite };
  }

  protected getLr(): number[] {
    const { tMax: T, etaMin: eta, epoch: e } = this;
    if (this.isInitial) return this.groups.map((g) => g.lr);
    if (this.stepCount === 1 && e > 0) {
      return this.base.map((b) => eta + ((b - eta) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    if (pyMod(e - 1 - T, 2 * T) === 0) {
      return this.groups.map((g, i) => g.lr + ((this.base[i]! - eta) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - eta) + eta);
  }

  protected closedForm(): number[] {
    const { tMax: T, etaMin: eta, epoch: e } = this;
    return this.base.map((b) => eta + ((b - eta) * (1 + Math.cos((Math.PI * e) / T))) / 2);
  }
}

/** Options of {@link CosineAnnealingWarmRestarts}. */
export interface CosineAnnealingWarmRestartsOptions {
  /** Steps until the first restart. Required. */
  t0: number;
  /** Factor by which the period grows after each restart (an integer ≥ 1). Default 1. */
  tMult?: number;
  /** Minimum lr η_min. Default 0. */
  etaMin?: number;
  /** Index of the last step when resuming; -1 starts afresh. Default -1. */
  lastEpoch?: number;
}

const WR_FIELDS: Record<string, Check> = { t0: int(1), tI: int(1), tMult: int(1), etaMin: finite, tCur: num({ min: -1 }) };

/**
 * Cosine annealing with warm restarts (SGDR): `η = η_min + (base − η_min)(1 + cos(π T_cur / T_i)) / 2`,
 * where T_cur counts steps since the last restart and the period T_i starts at `t0` and is
 * multiplied by `tMult` at each restart.
 *
 * `step(epoch)` also takes a fractional epoch (e.g. `epoch + i / itersPerEpoch`) to move to that
 * point of the schedule, as in torch.
 *
 * @example
 * const sched = new CosineAnnealingWarmRestarts(opt, { t0: 10, tMult: 2 });
 */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Steps until the first restart (option `t0`). */
  readonly t0: number;
  /** Factor by which each period is longer than the one before (option `tMult`). */
  readonly tMult: number;
  /** Lowest lr (option `etaMin`). */
  readonly etaMin: number;
  /** Length of the current period. */
  readonly tI: number;
  /** Steps since the last restart (fractional after `step(epoch)` with a fractional epoch). */
  readonly tCur: number;
  private static readonly spec: Spec<CosineAnnealingWarmRestartsOptions> = { t0: int(1), tMult: int(1), etaMin: finite, lastEpoch: int(-1) };

  constructor(optimizer: SchedulableOptimizer, options: CosineAnnealingWarmRestartsOptions) {
    super(optimizer, 'CosineAnnealingWarmRestarts');
    const o = readOptions(options, CosineAnnealingWarmRestarts.spec, this.name, this.ctx());
    this.t0 = required(o.t0, 't0', this.name);
    this.tI = this.t0;
    this.tMult = o.tMult ?? 1;
    this.etaMin = o.etaMin ?? 0.0;
    this.tCur = o.lastEpoch ?? -1;
    this.start(o.lastEpoch ?? -1);
  }

  protected fields(): Record<string, Check> {
    return WR_FIELDS;
  }

  protected getLr(): number[] {
    const { etaMin: eta, tCur, tI } = this;
    return this.base.map((b) => eta + ((b - eta) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2);
  }

  /**
   * Advances by one step, or, given `epoch` (a number ≥ 0, possibly fractional), moves to that
   * point of the schedule.
   */
  step(epoch?: number): void {
    const where = `${this.name}.step`;
    checkGroups(this.optimizer, this.base.length, where);
    if (epoch !== undefined) num({ min: 0 })(epoch, 'epoch', where, this.ctx());
    const saved = { tCur: this.tCur, tI: this.tI, epoch: this.epoch };
    const self = this as { tCur: number; tI: number };
    const { t0, tMult } = this;
    let e = epoch;
    if (e === undefined && this.epoch < 0) e = 0;
    if (e === undefined) {
      e = this.epoch + 1;
      self.tCur = this.tCur + 1;
      if (this.tCur >= this.tI) {
        self.tCur = this.tCur % this.tI;
        self.tI = this.tI * tMult;
      }
    } else if (e >= t0) {
      if (tMult === 1) self.tCur = e % t0;
      else {
        const n = Math.trunc(Math.log((e / t0) * (tMult - 1) + 1) / Math.log(tMult));
        self.tCur = e - (t0 * (tMult ** n - 1)) / (tMult - 1);
        self.tI = t0 * tMult ** n;
      }
    } else {
      self.tI = t0;
      self.tCur = e;
    }
    this.epoch = Math.floor(e);
    try {
      this.write(this.getLr(), null, where);
    } catch (err) {
      self.tCur = saved.tCur;
      self.tI = saved.tI;
      this.epoch = saved.epoch;
      throw err;
    }
  }
}
