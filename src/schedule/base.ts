/**
 * The base of the learning-rate schedulers, with the semantics of `torch.optim.lr_scheduler` 2.11.
 *
 * A scheduler works on anything with `paramGroups: Array<{ lr, momentum?, betas? }>`: the
 * optimizers of this library, or plain objects. It reads and writes each group's `lr` (and, for
 * OneCycleLR / CyclicLR, `momentum` or `betas[0]`), one value per group.
 *
 * As in torch:
 * - construction records each group's starting lr as `initialLr` (torch's `initial_lr`; kept if a
 *   previous scheduler already recorded it, so schedulers built one after the other on the same
 *   optimizer share their base lrs) and performs the initial step: `lastEpoch` becomes 0 and the
 *   lr takes its value for step 0;
 * - `step()` advances by one (`lastEpoch + 1`) and writes the new lrs; most schedules are
 *   "chainable": they compute the new lr from the group's current lr, so several schedulers can
 *   act on one optimizer (see {@link ChainedScheduler});
 * - `getLastLr()` is the lr of each group after the last step.
 *
 * `initialLr` is set as a non-enumerable property of the group, so it does not show up among an
 * optimizer's options or in JSON. `stateDict()` gives a JSON-serialisable plain object (position,
 * base lrs, hyperparameters and counters; never the optimizer or functions); restore it with
 * `loadStateDict()`, together with the optimizer's own state (which holds the current lrs).
 */
import { type Check, checkKeys, cloneJson, type Ctx, finite, int, isRecord, perGroup, show } from '../validation/index.js';
import { setInitialLr } from '../optim/state-dict.js';
import { type MomentumKey, setMomentum } from './momentum.js';

/** A param group as schedulers see it. */
export interface SchedulableGroup {
  /** The group's learning rate, which schedulers set. */
  lr: number;
  /** Momentum (SGD-like optimizers), cycled by OneCycleLR and CyclicLR. */
  momentum?: number;
  /** [β1, β2] (Adam-like optimizers); OneCycleLR and CyclicLR cycle β1. */
  betas?: [number, number];
  /** The lr the group had when the first scheduler was attached (torch's `initial_lr`). */
  initialLr?: number;
}

/** Anything with param groups: the library's optimizers, or a plain `{ paramGroups: [...] }`. */
export interface SchedulableOptimizer {
  /** The groups whose hyperparameters the scheduler sets. */
  readonly paramGroups: SchedulableGroup[];
  /** Optimizer defaults; used to tell momentum from betas optimizers (as torch does). */
  readonly defaults?: unknown;
}

export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What `stateDict()` returns: JSON data tagged with the scheduler's class name. */
export interface SchedulerStateDict {
  /** The scheduler's class name; `loadStateDict()` refuses another class's state. */
  type: string;
  [key: string]: JsonValue;
}

/** What every scheduler offers (ReduceLROnPlateau's `step` takes a metric instead). */
export interface Scheduler {
  /** The optimizer (or `{ paramGroups }` object) whose lrs are scheduled. */
  readonly optimizer: SchedulableOptimizer;
  /** The class name (also the `type` of its state dict). */
  readonly name: string;
  /** Index of the last step (torch's `last_epoch`): 0 after construction. */
  readonly lastEpoch: number;
  /** The lr of each group as last set by this scheduler. */
  getLastLr(): number[];
  /** The scheduler's position and settings as plain JSON (never the optimizer or functions). */
  stateDict(): SchedulerStateDict;
  /** Restores a `stateDict()`; checks everything before changing anything. */
  loadStateDict(dict: SchedulerStateDict): void;
  /** @internal validates a state dict and returns the function that applies it. */
  _prepareLoad(dict: unknown, where: string): () => void;
}

/** Checks that `optimizer` has a non-empty `paramGroups` array of groups with a numeric `lr`. */
export function checkOptimizer(optimizer: unknown, where: string): asserts optimizer is SchedulableOptimizer {
  if (typeof optimizer !== 'object' || optimizer === null) {
    throw new TypeError(`${where}: optimizer must be an object with paramGroups, got ${show(optimizer)}`);
  }
  const groups = (optimizer as { paramGroups?: unknown }).paramGroups;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new TypeError(`${where}: optimizer.paramGroups must be a non-empty array`);
  }
  groups.forEach((g: unknown, i) => {
    if (typeof g !== 'object' || g === null) throw new TypeError(`${where}: param group ${i} must be an object`);
    const lr = (g as { lr?: unknown }).lr;
    if (typeof lr !== 'number' || !Number.isFinite(lr)) {
      throw new TypeError(`${where}: param group ${i} must have a finite number lr, got ${show(lr)}`);
    }
  });
}

/** Checks, before a step, that the groups are still the ones the scheduler was built for. */
export function checkGroups(optimizer: SchedulableOptimizer, n: number, where: string): void {
  const groups = optimizer.paramGroups;
  if (groups.length !== n) {
    throw new RangeError(`${where}: the optimizer has ${groups.length} param groups, the scheduler was built for ${n}`);
  }
  groups.forEach((g, i) => {
    if (typeof g.lr !== 'number' || !Number.isFinite(g.lr)) {
      throw new TypeError(`${where}: param group ${i} lr must be a finite number, got ${show(g.lr)}`);
    }
  });
}

export { setInitialLr };

const GROUP_KEYS = ['lr', 'momentum', 'betas', 'initialLr'] as const;

/**
 * Runs `fn`; if it throws, puts back every group's `lr`, `momentum`, `betas` and `initialLr` and the
 * state of `children`, so a rejected construction leaves the optimizer as it was.
 */
export function withRollback<T>(optimizer: SchedulableOptimizer, children: readonly Scheduler[], fn: () => T): T {
  const groups = [...optimizer.paramGroups];
  const saved = groups.map((g) => GROUP_KEYS.map((k) => Object.getOwnPropertyDescriptor(g, k)));
  const states = children.map((c) => c.stateDict());
  try {
    return fn();
  } catch (e) {
    groups.forEach((g, i) => {
      GROUP_KEYS.forEach((k, j) => {
        const d = saved[i]![j];
        if (d) Object.defineProperty(g, k, d);
        else delete (g as unknown as Record<string, unknown>)[k];
      });
    });
    children.forEach((c, i) => c.loadStateDict(states[i]!));
    throw e;
  }
}

/**
 * Throws unless every value is a finite number (a computed lr or momentum), and for lrs not
 * negative: no optimizer takes one, so it is refused here, before any group is written.
 */
export function checkValues(values: readonly unknown[], what: string, where: string): void {
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RangeError(`${where}: the ${what} computed for param group ${i} is ${show(v)}`);
    }
    if (what === 'lr' && v < 0) throw new RangeError(`${where}: the lr computed for param group ${i} is ${show(v)}; an lr must be >= 0`);
  });
}

/**
 * Reads a state dict's common shape: a plain object whose `type` is `name`, holding exactly the
 * entries `keys` (own keys; anything else is refused with a "did you mean" hint).
 */
export function readDict(dict: unknown, name: string, keys: readonly string[], where: string): Record<string, unknown> {
  if (!isRecord(dict)) throw new TypeError(`${where}: expected a state dict object, got ${show(dict)}`);
  if (dict.type !== name) throw new TypeError(`${where}: the state dict is of a ${show(dict.type)}, not of a ${name}`);
  checkKeys(dict, ['type', ...keys], where, { what: 'entry', required: keys });
  return dict;
}

/** Checks `dict`'s entries named in `spec`; returns a function that copies them onto `target`. */
export function prepareFields(target: object, d: Record<string, unknown>, spec: Record<string, Check>, where: string, ctx: Ctx): () => void {
  const entries = Object.entries(spec).map(([k, check]) => {
    check(d[k], k, where, ctx);
    return [k, cloneJson(d[k])] as const;
  });
  return () => {
    for (const [k, v] of entries) (target as Record<string, unknown>)[k] = v;
  };
}

/** Copies the properties of `source` named in `spec` (JSON data) into a plain object. */
export function saveFields(source: object, spec: Record<string, Check>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const k of Object.keys(spec)) out[k] = cloneJson((source as Record<string, JsonValue>)[k]!);
  return out;
}

const COMMON: Record<string, Check> = { lastEpoch: int(-1), stepCount: int(0), baseLrs: perGroup(finite), lastLr: perGroup(finite) };

/** The base class of the epoch-indexed schedulers (torch's `LRScheduler`). */
export abstract class LRScheduler implements Scheduler {
  /** The optimizer (or `{ paramGroups }` object) whose lrs are scheduled. */
  readonly optimizer: SchedulableOptimizer;
  /** The class name (also the `type` of its state dict). */
  readonly name: string;
  /** Index of the last step (torch's `last_epoch`): 0 after construction. */
  protected epoch = -1;
  /** Steps taken since the initial step, which counts as 1 (torch's `_step_count`). */
  protected stepCount = 0;
  /** True while the initial step runs. */
  protected isInitial = false;
  protected base: number[] = [];
  protected last: number[] = [];
  /** Which group entry the scheduler cycles, if any. */
  protected momentumKey: MomentumKey | null = null;

  protected constructor(optimizer: SchedulableOptimizer, name: string) {
    checkOptimizer(optimizer, name);
    this.optimizer = optimizer;
    this.name = name;
  }

  /** Index of the last step: 0 after construction, +1 per `step()`. */
  get lastEpoch(): number {
    return this.epoch;
  }

  /** Each group's base lr (its `initialLr` when the scheduler was built). */
  get baseLrs(): number[] {
    return [...this.base];
  }

  protected get groups(): SchedulableGroup[] {
    return this.optimizer.paramGroups;
  }

  protected ctx(): Ctx {
    return { groups: this.optimizer.paramGroups.length };
  }

  /**
   * The state-dict load of a scheduler made of `children` (SequentialLR, ChainedScheduler):
   * checks `lastEpoch`, runs `check`, checks `lastLr` and prepares each child's entry of
   * `schedulers`; the returned commit loads the children and `lastEpoch`, runs `commit`, then
   * sets `lastLr`.
   */
  protected prepareCompositeLoad(
    d: Record<string, unknown>, children: readonly LRScheduler[], where: string, check: () => void, commit: () => void,
  ): () => void {
    int(0)(d.lastEpoch, 'lastEpoch', where, this.ctx());
    check();
    perGroup(finite)(d.lastLr, 'lastLr', where, this.ctx());
    const states = d.schedulers;
    if (!Array.isArray(states) || states.length !== children.length) {
      throw new TypeError(`${where}: schedulers must be an array of ${children.length} state dicts`);
    }
    const commits = children.map((s, i) => s._prepareLoad(states[i], `${where}: schedulers[${i}]`));
    const lastLr = [...(d.lastLr as number[])];
    return () => {
      commits.forEach((c) => c());
      this.epoch = d.lastEpoch as number;
      commit();
      this.last = lastLr;
    };
  }

  /** The lrs for `this.epoch` (chainable form: may read the groups' current lrs). */
  protected abstract getLr(): number[];
  /** The lrs for `this.epoch` from the base lrs alone, where a closed form exists. */
  protected closedForm?(): number[];
  /** The momentum (or beta1) values for `this.epoch`, for schedulers that cycle it. */
  protected momentumValues(): number[] | null {
    return null;
  }
  /** Hyperparameters and counters saved by `stateDict()` (properties of the same names). */
  protected fields(): Record<string, Check> {
    return {};
  }

  /**
   * Records the base lrs and performs the initial step; `prepare` writes the groups first. Any
   * error puts the groups back as they were.
   */
  protected start(lastEpoch: number, prepare?: () => void): void {
    withRollback(this.optimizer, [], () => {
      prepare?.();
      const groups = this.groups;
      if (lastEpoch === -1) {
        for (const g of groups) if (!('initialLr' in g)) setInitialLr(g, g.lr);
      } else {
        groups.forEach((g, i) => {
          if (typeof g.initialLr !== 'number') {
            throw new TypeError(`${this.name}: lastEpoch is ${lastEpoch} but param group ${i} has no initialLr (resuming needs the groups of the run being resumed)`);
          }
        });
      }
      this.base = groups.map((g) => g.initialLr as number);
      this.epoch = lastEpoch;
      this._initialStep();
    });
  }

  /** Advances the schedule by one step and writes the new lr into every group. */
  step(): void {
    const where = `${this.name}.step`;
    checkGroups(this.optimizer, this.base.length, where);
    this.stepCount += 1;
    try {
      this._updateLr(undefined, where);
    } catch (e) {
      this.stepCount -= 1;
      throw e;
    }
  }

  /** @internal torch's `_initial_step`. */
  _initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  /** @internal torch's `_update_lr`: next epoch (chainable form), or jump to `epoch` (closed form). */
  _updateLr(epoch?: number, where = `${this.name}.step`): void {
    const prev = this.epoch;
    this.epoch = epoch ?? prev + 1;
    try {
      const lrs = epoch !== undefined && this.closedForm ? this.closedForm() : this.getLr();
      this.write(lrs, this.momentumValues(), where);
    } catch (e) {
      this.epoch = prev;
      throw e;
    }
  }

  /** @internal undoes the initial step's epoch count (SequentialLR's `recursive_undo`). */
  _undo(): void {
    this.epoch -= 1;
  }

  /** Checks, then writes lrs (and momenta) into the groups and records them as the last lrs. */
  protected write(lrs: readonly number[], momenta: readonly number[] | null, where: string): void {
    checkValues(lrs, 'lr', where);
    if (momenta) checkValues(momenta, 'momentum', where);
    this.groups.forEach((g, i) => {
      if (i >= lrs.length) return;
      g.lr = lrs[i]!;
      if (momenta && this.momentumKey) setMomentum(g, this.momentumKey, momenta[i]!);
    });
    this.last = this.groups.map((g) => g.lr);
  }

  /** The lr of each group after the last step. */
  getLastLr(): number[] {
    return [...this.last];
  }

  /** A JSON-serialisable snapshot: position, base lrs, last lrs, hyperparameters, counters. */
  stateDict(): SchedulerStateDict {
    return {
      type: this.name,
      lastEpoch: this.epoch,
      stepCount: this.stepCount,
      baseLrs: [...this.base],
      lastLr: [...this.last],
      ...saveFields(this, this.fields()),
    };
  }

  /**
   * Restores a snapshot from {@link LRScheduler.stateDict} of a scheduler of the same class over
   * the same number of param groups; everything is checked before anything changes. The groups'
   * lrs are not touched: restore the optimizer's state as well.
   */
  loadStateDict(dict: SchedulerStateDict): void {
    this._prepareLoad(dict, `${this.name}.loadStateDict`)();
  }

  /** @internal */
  _prepareLoad(dict: unknown, where: string): () => void {
    const spec = this.fields();
    const d = readDict(dict, this.name, [...Object.keys(COMMON), ...Object.keys(spec)], where);
    const ctx = this.ctx();
    for (const [k, check] of Object.entries(COMMON)) check(d[k], k, where, ctx);
    const commit = prepareFields(this, d, spec, where, ctx);
    return () => {
      this.epoch = d.lastEpoch as number;
      this.stepCount = d.stepCount as number;
      this.base = [...(d.baseLrs as number[])];
      this.last = [...(d.lastLr as number[])];
      commit();
    };
  }
}
