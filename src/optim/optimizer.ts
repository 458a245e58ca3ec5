/**
 * The base class every optimizer extends: param groups with per-group overrides (the defaults
 * are copied into each group, as torch does), state kept in the engine's memory, `step()`,
 * `zeroGrad()`, `stateDict()` / `loadStateDict()`.
 *
 * Layout: a group's parameters are cut into *runs* — parameters that lie back to back in memory
 * (values and gradients) and share their scalar state (step count, …). Each run owns one block
 * per state buffer, laid out like its parameters, so a kernel updates a whole run in one call:
 * parameters made by one `engine.parameters()` call form one run.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';
import type { Kernels } from '../wasm/kernels.js';
import { checkOptions, type Schema } from './validate.js';
import type { StateDictInput } from './state-dict-input.js';

/** `o` without its `undefined` entries: an option set to undefined means "not given" (the default). */
function given<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A copy whose array values (betas, etas, …) are copies too, so no group shares them. */
function own<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) && k !== 'params' ? [...v] : v])) as T;
}

/** Every own key of a group but `params`, with its value (and a pair's two elements). */
function snapshotValues(g: object): Array<[string, unknown, unknown, unknown]> {
  const out: Array<[string, unknown, unknown, unknown]> = [];
  for (const k in g) {
    if (k === 'params') continue;
    const v = (g as Record<string, unknown>)[k];
    out.push(Array.isArray(v) ? [k, v, v[0], v[1]] : [k, v, undefined, undefined]);
  }
  return out;
}

/** True when `g` still holds exactly the keys and values of `snap` (no allocation). */
function sameValues(g: object, snap: Array<[string, unknown, unknown, unknown]>): boolean {
  let count = 0;
  for (const k in g) {
    if (k === 'params') continue;
    const e = snap[count++];
    if (e === undefined || e[0] !== k) return false;
    const v = (g as Record<string, unknown>)[k];
    if (!Object.is(v, e[1])) return false;
    if (Array.isArray(v) && (v.length !== 2 || !Object.is(v[0], e[2]) || !Object.is(v[1], e[3]))) return false;
  }
  return count === snap.length;
}

/** A param group as the optimizer holds it: every hyperparameter (defaults filled in) and its parameters. */
export type ParamGroup<O> = O & {
  /** The group's parameters. */
  params: Parameter[];
};
/** A list of parameters, or a list of groups `{ params, ...overrides }`. */
export type ParamsInput<O> =
  | readonly Parameter[]
  | ReadonlyArray<
      {
        /** The group's parameters. */
        params: readonly Parameter[];
      } & Partial<O>
    >;

/** Per-parameter state as `stateDict()` gives it: `step`, scalar state and buffers (copies). */
export type ParamState = {
  /** Steps taken (as torch, per parameter). */
  step: number;
} & Record<string, number | Float32Array>;

/** A snapshot of an optimizer as `stateDict()` gives it (plain data, with `Float32Array` copies of the buffers). */
export interface StateDict<O = Record<string, unknown>> {
  /** Keyed by the parameter's index across all groups, in order. */
  state: Record<number, ParamState>;
  /** Each group's hyperparameters, with its parameters as indices across groups. */
  paramGroups: Array<
    Omit<O, 'params'> & {
      /** Indices of the group's parameters across all groups. */
      params: number[];
    }
  >;
}

/** @internal one contiguous stretch of a group's parameters and its state blocks. */
export interface Run {
  params: Parameter[];
  /** Byte offsets of the run's values and gradients. */
  offset: number;
  gradOffset: number;
  /** Elements in the run. */
  n: number;
  step: number;
  /** Scalar state (e.g. NAdam's mu_product). */
  scalars: Record<string, number>;
  /** State buffers: name → byte offset of a block of n floats. */
  buffers: Record<string, number>;
  /** Buffers created (zeroed) for this step because the options now need them: torch would find them unset. */
  fresh?: Set<string>;
}

/** The base class of every optimizer: param groups with per-group overrides, state in the engine's memory, `step()`, `zeroGrad()`, `stateDict()` / `loadStateDict()`, `dispose()`. */
export abstract class Optimizer<O extends object> {
  /** The engine whose memory holds the parameters and the state. */
  readonly engine: Engine;
  /** The options given to the constructor over the class defaults; groups added later start from them. */
  readonly defaults: Readonly<O>;
  /** The param groups: edit a hyperparameter here (`opt.paramGroups[0].lr = …`) to change it from the next step; it is validated then. */
  readonly paramGroups: Array<ParamGroup<O>>;
  #runs: Run[][] = [];
  /** Each group's hyperparameters as last validated: a step re-checks only a group that changed. */
  #validated: Array<Array<[string, unknown, unknown, unknown]> | undefined> = [];
  /** Groups validated anew since their last step (their buffers may need allocating). */
  #revalidated: boolean[] = [];
  /** The engine's disposal count when every parameter was last seen alive. */
  #disposalsSeen = -1;
  #disposed = false;

  /** Display name used in error messages. */
  protected readonly name: string;
  /** Option checks. */
  protected readonly schema: Schema<O>;
  /** Names of the per-element state buffers a group with these options needs. */
  protected abstract bufferNames(group: O): readonly string[];
  /** Scalar state and its value before the first step. */
  protected scalarState(): Record<string, number> {
    return {};
  }
  /** Fills state buffers whose initial value is not 0, just before a run's first step. */
  protected initRun(_group: O, _run: Run, _heap: Float32Array): void {}
  /** Cross-option checks (e.g. Nesterov needs momentum); throw like a schema check. */
  protected checkGroup(_group: O, _where: string): void {}
  /** Updates one run; `run.step` has already been incremented. */
  protected abstract stepRun(group: O, run: Run, k: Kernels): void;

  /** @internal each optimizer class passes its name, defaults and option checks */
  constructor(params: ParamsInput<O>, options: Partial<O> | undefined, spec: { name: string; defaults: O; schema: Schema<O> }) {
    const { name, defaults, schema } = spec;
    this.name = name;
    this.schema = schema;
    checkOptions(options ?? {}, schema, name);
    if (!Array.isArray(params) || params.length === 0) {
      throw new TypeError(`${name}: params must be a non-empty array of parameters or param groups`);
    }
    const groupsIn = (params[0] instanceof Parameter ? [{ params }] : params) as Array<{ params: Parameter[] }>;
    this.defaults = Object.freeze(own({ ...defaults, ...given(options ?? {}) }));
    this.checkGroup(this.defaults, name);
    const seen = new Set<Parameter>();
    let engine: Engine | undefined;
    const groups: Array<ParamGroup<O>> = [];
    for (const [gi, g] of groupsIn.entries()) {
      const where = `${name}: param group ${gi}`;
      if (typeof g !== 'object' || g === null || g instanceof Parameter || !Array.isArray(g.params)) {
        throw new TypeError(`${where}: expected { params: Parameter[], ...options }`);
      }
      for (const p of g.params) {
        if (!(p instanceof Parameter)) throw new TypeError(`${where}: params must hold Parameter objects`);
        if (p.disposed) throw new TypeError(`${where}: a parameter has been disposed`);
        if (seen.has(p)) throw new TypeError(`${where}: a parameter appears more than once`);
        seen.add(p);
        const e = p.host as Engine;
        engine ??= e;
        if (e !== engine) throw new TypeError(`${where}: all parameters must belong to one engine`);
      }
      const { params: ps, ...overrides } = g;
      checkOptions(overrides, schema, where);
      groups.push({ ...own({ ...this.defaults, ...given(overrides) }), params: [...ps] } as ParamGroup<O>);
    }
    if (!engine) throw new TypeError(`${name}: params must hold at least one parameter`);
    groups.forEach((g, i) => this.checkGroup(g, `${name}: param group ${i}`));
    this.engine = engine;
    this.paramGroups = groups;
    if (engine.disposed) throw new TypeError(`${name}: the engine has been disposed`);
    this.#runs = groups.map((g) => this.#layout(g, g.params.map(() => null)));
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Cuts `params` into runs: contiguous in values and grads, equal scalar state. */
  #layout(group: O, loaded: Array<ParamState | null>): Run[] {
    const runs: Run[] = [];
    const names = this.bufferNames(group);
    const scalarInit = this.scalarState();
    const ps = (group as ParamGroup<O>).params;
    let cur: Run | null = null;
    let curKey = '';
    for (const [i, p] of ps.entries()) {
      const st = loaded[i];
      const step = st ? st.step : 0;
      const scalars: Record<string, number> = {};
      for (const [k, v] of Object.entries(scalarInit)) scalars[k] = st ? (st[k] as number) : v;
      const key = JSON.stringify([step, scalars]);
      if (cur && key === curKey && p.offset === cur.offset + cur.n * 4 && p.gradOffset === cur.gradOffset + cur.n * 4) {
        cur.params.push(p);
        cur.n += p.length;
      } else {
        cur = { params: [p], offset: p.offset, gradOffset: p.gradOffset, n: p.length, step, scalars, buffers: {} };
        curKey = key;
        runs.push(cur);
      }
    }
    for (const run of runs) for (const b of names) run.buffers[b] = this.engine.allocFloats(run.n);
    return runs;
  }

  #freeRuns(): void {
    for (const runs of this.#runs) for (const r of runs) for (const off of Object.values(r.buffers)) this.engine.freeFloats(off);
    this.#runs = [];
  }

  #checkLive(where: string): void {
    if (this.#disposed) throw new TypeError(`${this.name}.${where}: the optimizer has been disposed`);
    if (this.engine.disposed) throw new TypeError(`${this.name}.${where}: the engine has been disposed`);
    // Walk the parameters only when some parameter of the engine was disposed since the last walk.
    if (this.engine.disposals === this.#disposalsSeen) return;
    for (const g of this.paramGroups) {
      for (const p of g.params) if (p.disposed) throw new TypeError(`${this.name}.${where}: a parameter has been disposed`);
    }
    this.#disposalsSeen = this.engine.disposals;
  }

  /** Validates every group's current hyperparameters (they may have been edited in place). */
  #checkGroups(): void {
    this.paramGroups.forEach((g, i) => {
      if (this.#validated[i] !== undefined && sameValues(g, this.#validated[i]!)) return;
      const where = `${this.name}: param group ${i}`;
      const { params: _p, ...opts } = g;
      for (const k of Object.keys(this.schema)) {
        if ((opts as Record<string, unknown>)[k] === undefined) throw new TypeError(`${where}: ${k} is undefined`);
      }
      checkOptions(opts, this.schema, where);
      this.checkGroup(g, where);
      this.#validated[i] = snapshotValues(g);
      this.#revalidated[i] = true;
    });
  }

  /**
   * Performs one update of every parameter from its current gradient. `closure`, if given, is
   * called first and its value returned (it usually recomputes the loss and the gradients).
   * Hyperparameters of every group are checked before anything changes.
   */
  step(closure?: () => number): number | undefined {
    this.#checkLive('step');
    // Refuse before touching anything; stateDict() still works so the state can be saved.
    const broken = this.engine.pool?.broken;
    if (broken) throw new Error(`${this.name}.step: the thread pool is unusable: ${broken}; dispose the engine`);
    if (closure !== undefined && typeof closure !== 'function') {
      throw new TypeError(`${this.name}.step: closure must be a function`);
    }
    const loss = closure ? closure() : undefined;
    this.#checkGroups();
    const k = this.engine.kernels;
    const groups = this.paramGroups;
    for (let gi = 0; gi < groups.length; gi++) {
      const group = groups[gi]!;
      const runs = this.#ensureRuns(gi, group);
      const fresh = this.#revalidated[gi] === true;
      for (let ri = 0; ri < runs.length; ri++) {
        const run = runs[ri]!;
        // Buffers can only be missing when the options changed (or before the first step).
        if (fresh) {
          for (const b of this.bufferNames(group)) {
            if (run.buffers[b] === undefined) {
              run.buffers[b] = this.engine.allocFloats(run.n);
              if (run.step > 0) (run.fresh ??= new Set()).add(b);
            }
          }
        }
        if (run.step === 0) this.initRun(group, run, this.engine.heap.f32);
        run.step++;
        try {
          this.stepRun(group, run, k);
        } catch (e) {
          run.step--;
          throw e;
        }
        run.fresh = undefined;
      }
      this.#revalidated[gi] = false;
    }
    return loss;
  }

  /** Rebuilds a group's runs if its parameter list was replaced or resized by the user. */
  #ensureRuns(gi: number, group: ParamGroup<O>): Run[] {
    const runs = this.#runs[gi]!;
    let count = 0;
    for (let r = 0; r < runs.length; r++) count += runs[r]!.params.length;
    if (count === group.params.length) return runs;
    throw new TypeError(`${this.name}.step: param group ${gi} changed its params; use addParamGroup()`);
  }

  /** Sets the gradient of every parameter to 0. */
  zeroGrad(): void {
    this.#checkLive('zeroGrad');
    for (const runs of this.#runs) {
      for (const r of runs) new Float32Array(this.engine.memory.buffer, r.gradOffset, r.n).fill(0);
    }
  }

  /** Adds a group (options not given take the optimizer's defaults). */
  addParamGroup(group: { params: readonly Parameter[] } & Partial<O>): void {
    this.#checkLive('addParamGroup');
    const where = `${this.name}.addParamGroup`;
    if (typeof group !== 'object' || group === null || !Array.isArray(group.params) || group.params.length === 0) {
      throw new TypeError(`${where}: expected { params: Parameter[], ...options }`);
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of group.params) {
      if (!(p instanceof Parameter)) throw new TypeError(`${where}: params must hold Parameter objects`);
      if (p.disposed) throw new TypeError(`${where}: a parameter has been disposed`);
      if (p.host !== this.engine) throw new TypeError(`${where}: all parameters must belong to one engine`);
      if (seen.has(p)) throw new TypeError(`${where}: a parameter appears in more than one group`);
      seen.add(p);
    }
    const { params, ...overrides } = group;
    checkOptions(overrides, this.schema, where);
    const g = { ...own({ ...this.defaults, ...given(overrides) }), params: [...params] } as ParamGroup<O>;
    this.checkGroup(g, where);
    this.#runs.push(this.#layout(g, g.params.map(() => null)));
    this.paramGroups.push(g);
  }

  /** The state of parameter `index` (across groups), or undefined before its first step. */
  #paramStates(): Array<ParamState | undefined> {
    const out: Array<ParamState | undefined> = [];
    const f32 = this.engine.heap.f32;
    for (const runs of this.#runs) {
      for (const r of runs) {
        let at = 0;
        for (const p of r.params) {
          if (r.step === 0) out.push(undefined);
          else {
            const s: ParamState = { step: r.step, ...r.scalars };
            for (const [b, off] of Object.entries(r.buffers)) {
              s[b] = f32.slice((off >> 2) + at, (off >> 2) + at + p.length);
            }
            out.push(s);
          }
          at += p.length;
        }
      }
    }
    return out;
  }

  /**
   * A snapshot of the optimizer: per-parameter state (copies of the buffers) keyed by parameter
   * index across groups, and each group's hyperparameters with its parameters as indices.
   */
  stateDict(): StateDict<O> {
    this.#checkLive('stateDict');
    const state: Record<number, ParamState> = {};
    this.#paramStates().forEach((s, i) => {
      if (s) state[i] = s;
    });
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...opts } = g;
      const copy = JSON.parse(JSON.stringify(opts)) as Omit<O, 'params'>;
      return { ...copy, params: params.map(() => index++) };
    });
    return { state, paramGroups };
  }

  /**
   * Restores a snapshot from {@link Optimizer.stateDict} (of an optimizer of the same kind over
   * parameters of the same sizes). Everything is validated before anything changes.
   */
  loadStateDict(dict: StateDictInput): void {
    this.#checkLive('loadStateDict');
    const where = `${this.name}.loadStateDict`;
    if (typeof dict !== 'object' || dict === null) throw new TypeError(`${where}: expected { state, paramGroups }`);
    const { state, paramGroups } = dict;
    if (!Array.isArray(paramGroups) || paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(`${where}: expected ${this.paramGroups.length} param groups, got ${Array.isArray(paramGroups) ? paramGroups.length : 'none'}`);
    }
    if (typeof state !== 'object' || state === null) throw new TypeError(`${where}: state must be an object`);
    const all = this.paramGroups.flatMap((g) => g.params);
    const newGroups: Array<ParamGroup<O>> = [];
    let index = 0;
    for (const [gi, lg] of paramGroups.entries()) {
      const gw = `${where}: param group ${gi}`;
      const ours = this.paramGroups[gi]!;
      if (typeof lg !== 'object' || lg === null || !Array.isArray(lg.params)) throw new TypeError(`${gw}: expected { params: number[], ...options }`);
      if (lg.params.length !== ours.params.length) {
        throw new RangeError(`${gw}: has ${lg.params.length} parameters, this optimizer's has ${ours.params.length}`);
      }
      lg.params.forEach((pi, k) => {
        if (pi !== index + k) throw new RangeError(`${gw}: params must be the indices ${index}..${index + lg.params.length - 1} in order`);
      });
      index += lg.params.length;
      const { params: _ps, ...opts } = lg;
      checkOptions(opts, this.schema, gw);
      const g = { ...own({ ...this.defaults, ...given(opts) }), params: ours.params } as ParamGroup<O>;
      this.checkGroup(g, gw);
      newGroups.push(g);
    }
    const scalarNames = Object.keys(this.scalarState());
    const loaded: Array<ParamState | null> = all.map(() => null);
    for (const [key, s] of Object.entries(state)) {
      const i = Number(key);
      const sw = `${where}: state[${key}]`;
      if (!Number.isInteger(i) || i < 0 || i >= all.length) throw new RangeError(`${sw}: no parameter with that index`);
      if (typeof s !== 'object' || s === null) throw new TypeError(`${sw}: expected an object`);
      if (!Number.isInteger(s.step) || (s.step as number) < 1) throw new RangeError(`${sw}.step must be an integer >= 1, got ${String(s.step)}`);
      const gi = newGroups.findIndex((g) => g.params.includes(all[i]!));
      const names = this.bufferNames(newGroups[gi]!);
      const expected = new Set(['step', ...scalarNames, ...names]);
      for (const k of Object.keys(s)) if (!expected.has(k)) throw new TypeError(`${sw}: unexpected entry "${k}"`);
      for (const k of scalarNames) {
        if (typeof s[k] !== 'number' || !Number.isFinite(s[k])) throw new TypeError(`${sw}.${k} must be a finite number`);
      }
      for (const b of names) {
        const v = s[b] as unknown;
        if (!(v instanceof Float32Array) && !Array.isArray(v)) throw new TypeError(`${sw}.${b} must be a Float32Array`);
        if ((v as ArrayLike<number>).length !== all[i]!.length) {
          throw new RangeError(`${sw}.${b} has ${(v as ArrayLike<number>).length} elements, the parameter has ${all[i]!.length}`);
        }
      }
      loaded[i] = s as ParamState;
    }
    // Valid: replace groups and state.
    this.#freeRuns();
    let at = 0;
    for (const [gi, g] of newGroups.entries()) {
      this.paramGroups[gi] = g;
      const mine = loaded.slice(at, at + g.params.length);
      at += g.params.length;
      const runs = this.#layout(g, mine);
      const f32 = this.engine.heap.f32;
      let pi = 0;
      for (const r of runs) {
        let off = 0;
        for (const p of r.params) {
          const s = mine[pi++];
          if (s) for (const [b, boff] of Object.entries(r.buffers)) f32.set(s[b] as ArrayLike<number>, (boff >> 2) + off);
          off += p.length;
        }
      }
      this.#runs[gi] = runs;
    }
  }

  /** Frees the optimizer's state. Parameters are left as they are. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.engine.disposed) this.#freeRuns();
  }
}
