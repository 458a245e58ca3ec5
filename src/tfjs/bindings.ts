/**
 * Which engine parameter stands for which TensorFlow.js variable, and which library optimizer
 * updates them. Variables seen together for the first time get one `engine.parameters()` block
 * (values copied in once), so the optimizer updates them with one kernel call per step. When the
 * set of variables in a call changes — a new variable, one disposed, a call over a subset — the
 * optimizer is rebuilt over the call's variables and each variable keeps its state.
 */
import type { Variable } from '@tensorflow/tfjs-core';
import { type Engine, OPTIMIZERS, type OptimizerName, type Parameter, type ParamState } from '../index.js';

/** A library optimizer, seen through its public API only. */
export interface InnerOptimizer {
  /** The param groups: each group's hyperparameters and the parameters it updates. */
  readonly paramGroups: Array<
    Record<string, unknown> & {
      /** The engine parameters this group updates. */
      params: Parameter[];
    }
  >;
  /** The hyperparameters groups take when they do not set their own (the options resolved with the optimizer's defaults). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** The engine that holds the parameters and the optimizer's state. */
  readonly engine: Engine;
  /** True once {@link InnerOptimizer.dispose} has been called. */
  readonly disposed: boolean;
  /** Performs one update of every parameter from its current gradient. */
  step(): unknown;
  /** Sets the gradient of every parameter to 0. */
  zeroGrad(): void;
  /** A snapshot of the optimizer: per-parameter state (copies) and each group's hyperparameters. */
  stateDict(): {
    /** Per-parameter state, keyed by the parameter's index across all groups. */
    state: Record<number, ParamState>;
    /** Each group's hyperparameters, with its parameters as indices. */
    paramGroups: Array<
      Record<string, unknown> & {
        /** Indices of the group's parameters across all groups. */
        params: number[];
      }
    >;
  };
  /** Restores a snapshot from {@link InnerOptimizer.stateDict} (over parameters of the same sizes). */
  loadStateDict(dict: { state: Record<number, ParamState>; paramGroups: Array<Record<string, unknown> & { params: number[] }> }): void;
  /** Releases the engine memory of the optimizer's state. */
  dispose(): void;
}

type InnerClass = new (params: Parameter[], options?: Record<string, unknown>) => InnerOptimizer;

/** The class registered under `name` (a TypeError naming the known names otherwise). */
export function optimizerClass(name: unknown, where: string): InnerClass {
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(OPTIMIZERS, name)) {
    throw new TypeError(`${where}: name must be one of ${Object.keys(OPTIMIZERS).map((n) => `"${n}"`).join(', ')}, got ${JSON.stringify(name)}`);
  }
  const Cls = OPTIMIZERS[name as OptimizerName] as unknown as InnerClass & { registration?: { closure?: boolean } };
  if (Cls.registration?.closure) {
    throw new TypeError(
      `${where}: "${name}" re-evaluates the loss several times within a step, which a tf.Optimizer (handed finished gradients) cannot do; ` +
        'bind the variables with bindArrays() or engine parameters and call step(closure) on the optimizer itself',
    );
  }
  return Cls;
}

/** One variable bound to one engine parameter. */
export interface Slot {
  readonly name: string;
  readonly variable: Variable;
  readonly param: Parameter;
  /** The variable's `dataId` when its value was last copied in or out: another means someone assigned it. */
  dataId: object;
  /** State kept while the variable is not among the optimizer's (undefined before its first step). */
  stash?: ParamState;
}

/** States restored by `setWeights`, waiting for the next call's variables (by position). */
export type Pending = Array<{ name: string; shape: readonly number[]; state: ParamState }>;

/** The hyperparameters of a group (everything but `params`). */
export function hyperOf(group: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(group)) if (k !== 'params') out[k] = group[k];
  return out;
}

/** The variable-to-parameter bindings of one `WasmOptimizer` and the library optimizer over the active ones. */
export class Bindings {
  readonly slots = new Map<string, Slot>();
  /** The slots the optimizer updates, in its parameter order. */
  active: Slot[] = [];
  inner: InnerOptimizer | null = null;
  /** States from `setWeights`, given to the next call's variables by position. */
  pending: Pending | null = null;
  /** Every parameter made so far and not yet disposed. */
  #owned: Parameter[] = [];

  constructor(
    readonly engine: Engine,
    readonly cls: InnerClass,
  ) {}

  /** True when `vars` are exactly the active slots' variables, in order. */
  matches(names: readonly string[], vars: readonly Variable[]): boolean {
    const a = this.active;
    if (a.length !== names.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i]!.variable !== vars[i] || a[i]!.name !== names[i]) return false;
    return true;
  }

  /** Releases the parameters of disposed variables (their state goes with them). */
  releaseDisposed(): boolean {
    let any = false;
    for (const [name, s] of this.slots) {
      if (s.variable.isDisposed) {
        this.slots.delete(name);
        any = true;
      }
    }
    return any;
  }

  /** Binds variables not seen before: one parameter block for all of them, values copied in. */
  bindNew(names: readonly string[], vars: readonly Variable[]): void {
    const fresh: number[] = [];
    names.forEach((n, i) => {
      const s = this.slots.get(n);
      if (!s || s.variable !== vars[i]) fresh.push(i);
    });
    if (fresh.length === 0) return;
    const params = this.engine.parameters(
      fresh.map((i) => ({ shape: [...vars[i]!.shape], data: vars[i]!.dataSync() as Float32Array, name: names[i]! })),
    );
    fresh.forEach((i, k) => {
      this.slots.set(names[i]!, { name: names[i]!, variable: vars[i]!, param: params[k]!, dataId: vars[i]!.dataId });
    });
  }

  /** Moves the optimizer's state into the active slots' stashes and disposes it. */
  stashActive(): void {
    if (!this.inner) return;
    const { state } = this.inner.stateDict();
    this.active.forEach((s, i) => (s.stash = state[i]));
    this.inner.dispose();
    this.inner = null;
    this.active = [];
  }

  /**
   * Builds an optimizer over `params` with hyperparameters `hyper` and loads `states` (one per
   * parameter, undefined before its first step). On failure the new optimizer is disposed and the
   * error thrown.
   */
  build(params: Parameter[], hyper: Record<string, unknown>, states: Array<ParamState | undefined>): InnerOptimizer {
    const inner = new this.cls(params, hyper);
    try {
      const state: Record<number, ParamState> = {};
      states.forEach((st, i) => {
        if (st) state[i] = st;
      });
      if (Object.keys(state).length > 0) inner.loadStateDict({ state, paramGroups: [{ ...hyper, params: params.map((_, i) => i) }] });
    } catch (e) {
      inner.dispose();
      throw e;
    }
    return inner;
  }

  /** Makes `names` (with their variables) the optimizer's parameters, keeping every variable's state. */
  activate(names: readonly string[], vars: readonly Variable[], hyper: Record<string, unknown>): void {
    const pending = this.pending;
    if (pending) {
      pending.forEach(({ name, state }, i) => {
        const v = vars[i];
        const n = Object.values(state).find((x): x is Float32Array => x instanceof Float32Array)?.length;
        if (v && n !== undefined && n !== v.size) {
          throw new RangeError(`applyGradients: the restored state of "${name}" has ${n} elements, variable ${i} of this call ("${names[i]}") has ${v.size}`);
        }
      });
    }
    this.stashActive();
    this.releaseDisposed();
    this.bindNew(names, vars);
    const slots = names.map((n) => this.slots.get(n)!);
    if (pending) {
      slots.forEach((s, i) => (s.stash = pending[i]?.state));
      this.pending = null;
    }
    this.inner = this.build(slots.map((s) => s.param), hyper, slots.map((s) => s.stash));
    for (const s of slots) s.stash = undefined;
    this.active = slots;
    this.freeOrphans();
  }

  /** Disposes the parameters of variables no longer bound. */
  freeOrphans(): void {
    const live = new Set([...this.slots.values()].map((s) => s.param));
    for (const p of this.#owned) if (!live.has(p) && !p.disposed) p.dispose();
    this.#owned = [...live];
  }

  /** Every bound slot, active ones first (in optimizer order), then the others in binding order. */
  ordered(): Slot[] {
    const rest = [...this.slots.values()].filter((s) => !this.active.includes(s));
    return [...this.active, ...rest];
  }

  /** The current state of every bound variable (copies), by variable name. */
  states(): Map<string, ParamState> {
    const out = new Map<string, ParamState>();
    if (this.inner) {
      const { state } = this.inner.stateDict();
      this.active.forEach((s, i) => {
        if (state[i]) out.set(s.name, state[i]!);
      });
    }
    for (const s of this.slots.values()) if (s.stash && !this.active.includes(s)) out.set(s.name, s.stash);
    return out;
  }

  /** Replaces every variable's state by `pending`, given out by position at the next call. */
  restore(pending: Pending): void {
    this.stashActive();
    for (const s of this.slots.values()) s.stash = undefined;
    this.pending = pending;
  }

  /** Disposes the optimizer and every bound parameter, and forgets all bindings and pending state. */
  dispose(): void {
    this.pending = null;
    this.inner?.dispose();
    this.inner = null;
    this.active = [];
    this.slots.clear();
    this.freeOrphans();
  }
}
