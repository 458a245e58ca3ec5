/**
 * The base class every optimizer extends: param groups with per-group overrides (the defaults
 * are copied into each group, as torch does), state kept in the engine's memory, `step()`,
 * `zeroGrad()`, `stateDict()` / `loadStateDict()`.
 *
 * A step is all-or-nothing: before the first byte changes it checks that the optimizer, the
 * engine and every parameter are alive (also after the closure ran), that every group's
 * hyperparameters are valid, and it lays out and reserves whatever state the step needs. Each
 * group keeps a *plan* — its runs (see layout.ts) and what was last validated — that is rebuilt
 * only when the group changed, so an unchanged step is: check the plan, compute the step's
 * scalars, one kernel call per run.
 *
 * Editing `paramGroups[i].params` between steps (push, splice, replace) is honoured at the next
 * step: a parameter that stays keeps its state, a new one starts fresh, a removed one's state is
 * dropped. Whole groups are added with `addParamGroup()`; `paramGroups` itself is read-only.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';
import type { Kernels } from '../wasm/kernels.js';
import { checkParams, frozenOptions, splitGroups, given, own, type Pairs, pairsOf, type ParamGroup, sameParams, samePairs, targetOf, type Watch, watched, watchOf } from './groups.js';
import { type BufferLength, fill, missing, type Need, planRuns, release, reserve, reuse, type Run, type ParamState, SAME_LENGTH, statesByParam } from './layout.js';
import { finiteScalar, parseState, savedGroups, savedGroupsIn, savedState, setInitialLr, type StateDict } from './state-dict.js';
import { checkKeys, checkOptions, notAPromise, type Schema } from '../validation/index.js';
import type { StateDictInput } from './state-dict-input.js';

export type { ParamGroup, ParamState, Run, StateDict };

/** A list of parameters, or a list of groups `{ params, ...overrides }`. */
export type ParamsInput<O> = readonly Parameter[] | ReadonlyArray<GroupInput<O>>;

/** A param group as given: its parameters and the options it overrides. */
export type GroupInput<O> = {
  /** The group's parameters. */
  params: readonly Parameter[];
} & Partial<O>;

/** A group's plan: its runs and what they were built from. */
interface Plan<O> {
  runs: Run[];
  /** The parameters the runs were laid out for (identity and order). */
  params: Parameter[];
  /** The watched group object validated, the plain object behind it, its edit flag, its pairs. */
  group: ParamGroup<O> | undefined;
  target: ParamGroup<O>;
  watch: Watch;
  pairs: Pairs;
  /** A frozen copy of the group's validated hyperparameters: what the kernels are given. A change makes a new one, so a `stepRun` may keep what it derives from them keyed by the object. */
  options: ParamGroup<O>;
}

/** The base class of every optimizer: param groups with per-group overrides, state in the engine's memory, `step()`, `zeroGrad()`, `stateDict()` / `loadStateDict()`, `dispose()`. */
export abstract class Optimizer<O extends object> {
  /** The engine whose memory holds the parameters and the state. */
  readonly engine: Engine;
  /** The options given to the constructor over the class defaults; groups added later start from them. */
  readonly defaults: Readonly<O>;
  /** The param groups: edit a hyperparameter here (`opt.paramGroups[0].lr = …`) to change it from the next step; it is validated then. */
  readonly paramGroups: Array<ParamGroup<O>>;
  #plans: Array<Plan<O>> = [];
  /** The engine's disposal count when every parameter was last seen alive. */
  #disposalsSeen = -1;
  #disposed = false;
  /** {@link bufferLength} bound, or SAME_LENGTH when the class keeps the default (a faster path). */
  readonly #len: BufferLength;
  /** Names of scratch buffers seen (left out of saved state). */
  readonly #scratch = new Set<string>();

  /** Display name used in error messages. */
  protected readonly name: string;
  /** Option checks. */
  protected readonly schema: Schema<O>;
  /** Names of the per-element state buffers a group with these options needs. */
  protected abstract bufferNames(group: O): readonly string[];
  /** Buffers an option turns on, which a saved state may lack (made at the next step). */
  protected optionalBuffers(_group: O): readonly string[] {
    return [];
  }
  /** Elements of parameter `p`'s slice of buffer `name` (default `p.length`; a factored statistic is shorter). */
  protected bufferLength(_name: string, p: Parameter): number {
    return p.length;
  }
  /** Scratch buffers a group needs during a step: laid out and reserved with the state, never saved. */
  protected scratchBuffers(_group: O): readonly string[] {
    return [];
  }
  /** Checks one parameter this optimizer is given (e.g. Muon takes matrices only); throw naming `where`. */
  protected checkParameter(_p: Parameter, _where: string): void {}
  readonly #checkParam = (p: Parameter, where: string): void => this.checkParameter(p, where);
  /** Scalar state and its value before the first step. */
  protected scalarState(): Record<string, number> {
    return {};
  }
  /** Checks a loaded scalar state entry (default: a finite number); throw naming `what`. */
  protected checkScalarState(_name: string, value: unknown, what: string): void {
    finiteScalar(value, what);
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
    this.#len = this.bufferLength === Optimizer.prototype.bufferLength ? SAME_LENGTH : (b, p) => this.bufferLength(b, p);
    checkOptions(options ?? {}, schema, name);
    this.defaults = Object.freeze(own({ ...defaults, ...given(options ?? {}) }));
    this.checkGroup(this.defaults, name);
    const split = splitGroups(params, name, this.#checkParam);
    const groups = split.groups.map(({ params: ps, overrides, where }) => {
      checkOptions(overrides, schema, where);
      return this.#group(overrides, ps);
    });
    groups.forEach((g, i) => this.checkGroup(g, `${name}: param group ${i}`));
    this.engine = split.engine;
    this.paramGroups = groups;
    Object.defineProperty(this, 'paramGroups', { writable: false, configurable: false });
    this.#plans = this.#newPlans(groups, groups.map((g) => g.params.map(() => null)), name).plans;
  }

  /** True after `dispose()`. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Plans for `groups` with `states` restored, every block reserved (all or nothing). */
  #newPlans(groups: ReadonlyArray<ParamGroup<O>>, states: ReadonlyArray<ReadonlyArray<ParamState | null>>, where: string, old: readonly Run[] = []): { plans: Array<Plan<O>>; kept: Set<number> } {
    const init = this.scalarState();
    const plans = groups.map((g, gi) => this.#plan(g, planRuns(g.params, states[gi]!, init)));
    // Blocks of unchanged runs are reused, so loading an optimizer's own state needs no memory.
    const kept = reuse(plans.flatMap((p) => p.runs), old);
    const needs: Need[] = [];
    plans.forEach((p, gi) => needs.push(...missing(p.runs, this.#allBuffers(groups[gi]!), this.#len)));
    reserve(this.engine, needs, where);
    const heap = this.engine.heap.f32;
    plans.forEach((p, gi) => fill(heap, p.runs, states[gi]!, this.#len));
    return { plans, kept };
  }

  /** A group: the defaults, then `overrides`, with array options copied; watched for edits. */
  #group(overrides: object, params: readonly Parameter[]): ParamGroup<O> {
    return watched({ ...own({ ...this.defaults, ...given(overrides) }), params: [...params] } as ParamGroup<O>);
  }

  /** A plan over `runs`, not yet validated (its group is watched once it is). */
  #plan(g: ParamGroup<O>, runs: Run[]): Plan<O> {
    const watch = watchOf(g) ?? { edited: true };
    watch.edited = true;
    return { runs, params: [...g.params], group: g, target: targetOf(g), watch, pairs: [], options: g };
  }

  /** State and scratch buffers of a group (scratch names remembered, to be left out of saved state). */
  #allBuffers(g: O): readonly string[] {
    const scratch = this.scratchBuffers(g);
    if (scratch.length === 0) return this.bufferNames(g);
    for (const b of scratch) this.#scratch.add(b);
    return [...this.bufferNames(g), ...scratch];
  }

  #checkLive(where: string): void {
    if (this.#disposed) throw new TypeError(`${this.name}.${where}: the optimizer has been disposed`);
    if (this.engine.disposed) throw new TypeError(`${this.name}.${where}: the engine has been disposed`);
    // Walk the parameters only when some parameter of the engine was disposed since the last walk.
    if (this.engine.disposals === this.#disposalsSeen) return;
    for (const g of this.paramGroups) {
      for (const p of g.params) if ((p as Parameter | undefined)?.disposed === true) throw new TypeError(`${this.name}.${where}: a parameter has been disposed`);
    }
    this.#disposalsSeen = this.engine.disposals;
  }

  /** True when every group's plan is up to date: the step's fast path (small enough to be inlined; allocates nothing). */
  #current(): boolean {
    const groups = this.paramGroups, plans = this.#plans;
    if (groups.length !== plans.length) return false;
    for (let gi = 0; gi < plans.length; gi++) if (!this.#fresh(groups[gi]!, plans[gi]!)) return false;
    return true;
  }

  /** True when group `g`'s plan is up to date. Reads go to the plain object behind the proxy (reading through a proxy is slow). */
  #fresh(g: ParamGroup<O>, plan: Plan<O>): boolean {
    return g === plan.group && !plan.watch.edited && sameParams(plan.target.params, plan.params) && samePairs(plan.pairs);
  }

  /**
   * Brings every group's plan up to date with the group (validating changed hyperparameters,
   * re-laying out edited parameter lists, reserving buffers newly needed), or throws having
   * changed nothing.
   */
  #sync(method: string): void {
    const groups = this.paramGroups;
    const plans = this.#plans;
    if (groups.length !== plans.length) {
      throw new TypeError(`${this.name}.${method}: paramGroups has ${groups.length} groups, the optimizer was given ${plans.length}; add groups with addParamGroup()`);
    }
    let stale: number[] | undefined;
    for (let gi = 0; gi < groups.length; gi++) if (!this.#fresh(groups[gi]!, plans[gi]!)) (stale ??= []).push(gi);
    if (stale === undefined) return;
    const where = `${this.name}.${method}`;
    // Something changed: check everything first, then reserve, then commit.
    const taken = new Set<Parameter>();
    const relaid = new Map<number, { plan: Plan<O>; states: Array<ParamState | null> }>();
    let saved: Map<Parameter, ParamState> | undefined; // every parameter's state, taken before any re-layout
    const needs: Need[] = []; // buffers the options newly need, on runs that have stepped or not
    const layoutNeeds: Need[] = []; // every buffer of re-laid runs
    const init = this.scalarState();
    const heap = this.engine.heap.f32;
    for (let gi = 0; gi < groups.length; gi++) {
      const gw = `${where}: param group ${gi}`;
      const raw: unknown = groups[gi];
      if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as ParamGroup<O>).params)) throw new TypeError(`${gw}: expected { params: Parameter[], ...options }`);
      const g = targetOf(raw as ParamGroup<O>); // enumerate the plain object behind the proxy
      checkParams(g.params, gw, taken, this.engine, this.#checkParam);
      if (!stale.includes(gi)) continue;
      const { params: _p, ...opts } = g;
      for (const k of Object.keys(this.schema)) {
        if ((opts as Record<string, unknown>)[k] === undefined) throw new TypeError(`${gw}: ${k} is undefined`);
      }
      checkOptions(opts, this.schema, gw);
      this.checkGroup(g, gw);
      const plan = plans[gi]!;
      const names = this.#allBuffers(g);
      if (!sameParams(g.params, plan.params)) {
        // Honour the edited list: state moves with its parameter (also across groups); new
        // parameters start fresh.
        saved ??= statesByParam(heap, plans, this.#len, this.#scratch);
        const states = g.params.map((p) => saved!.get(p) ?? null);
        const runs = planRuns(g.params, states, init);
        layoutNeeds.push(...missing(runs, names, this.#len));
        relaid.set(gi, { plan: this.#plan(g, runs), states });
      } else {
        for (const need of missing(plan.runs, names, this.#len)) needs.push(need);
      }
    }
    reserve(this.engine, [...needs, ...layoutNeeds], where);
    // Commit: nothing below can fail.
    for (const need of needs) if (need.run.step > 0) (need.run.fresh ??= new Set()).add(need.name);
    for (const [gi, { plan, states }] of relaid) {
      fill(this.engine.heap.f32, plan.runs, states, this.#len); // reserving may have grown (and detached) the memory
      release(this.engine, plans[gi]!.runs);
      plans[gi] = plan;
    }
    for (const gi of stale) {
      const plan = plans[gi]!;
      let g = groups[gi]!;
      // A group object put in by the user is watched from now on.
      if (watchOf(g) === undefined) groups[gi] = g = watched(g);
      plan.group = g;
      plan.target = targetOf(g);
      plan.watch = watchOf(g)!;
      plan.watch.edited = false;
      plan.pairs = pairsOf(plan.target);
      plan.options = frozenOptions(plan.target);
    }
  }

  /**
   * Performs one update of every parameter from its current gradient. `closure`, if given, is
   * called first and its value returned (it usually recomputes the loss and the gradients); it
   * must be synchronous. Everything the step needs is checked before anything changes.
   */
  step(closure?: () => number): number | undefined {
    this.#checkLive('step');
    // Refuse before touching anything; stateDict() still works so the state can be saved.
    const broken = this.engine.pool?.broken;
    if (broken) throw new Error(`${this.name}.step: the thread pool is unusable: ${broken}; dispose the engine`);
    let loss: number | undefined;
    if (closure !== undefined) {
      if (typeof closure !== 'function') throw new TypeError(`${this.name}.step: closure must be a function`);
      loss = closure();
      notAPromise(loss, `${this.name}.step`);
      // The closure may have disposed or edited anything: check again.
      this.#checkLive('step');
    }
    if (!this.#current()) this.#sync('step');
    const k = this.engine.kernels, plans = this.#plans;
    for (let gi = 0; gi < plans.length; gi++) {
      const plan = plans[gi]!;
      const group = plan.options;
      const runs = plan.runs;
      for (let ri = 0; ri < runs.length; ri++) {
        const run = runs[ri]!;
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
    }
    return loss;
  }

  /** What `step()` does before its first write (liveness, validation, layout; all or nothing), for a class that overrides `step()`: each group's options and runs. */
  protected prepare(method: string): Array<{ readonly options: O; readonly runs: readonly Run[] }> {
    this.#checkLive(method);
    const broken = this.engine.pool?.broken;
    if (broken) throw new Error(`${this.name}.${method}: the thread pool is unusable: ${broken}; dispose the engine`);
    this.#sync(method);
    return this.#plans.map((p) => ({ options: p.options, runs: p.runs }));
  }

  /** Sets the gradient of every parameter to 0. */
  zeroGrad(): void {
    this.#checkLive('zeroGrad');
    for (const g of this.paramGroups) {
      for (const p of g.params) if (!(p instanceof Parameter)) throw new TypeError(`${this.name}.zeroGrad: param groups must hold Parameter objects`);
    }
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  /** Adds a group (options not given take the optimizer's defaults). */
  addParamGroup(group: { params: readonly Parameter[] } & Partial<O>): void {
    this.#checkLive('addParamGroup');
    const where = `${this.name}.addParamGroup`;
    if (typeof group !== 'object' || group === null || !Array.isArray(group.params) || group.params.length === 0) {
      throw new TypeError(`${where}: expected { params: Parameter[], ...options }`);
    }
    checkParams(group.params, where, new Set(this.paramGroups.flatMap((g) => g.params)), this.engine, this.#checkParam);
    const { params, ...overrides } = group;
    checkOptions(overrides, this.schema, where);
    const g = this.#group(overrides, params);
    this.checkGroup(g, where);
    const [plan] = this.#newPlans([g], [g.params.map(() => null)], where).plans;
    this.#plans.push(plan!);
    this.paramGroups.push(g);
  }

  /**
   * A snapshot of the optimizer: per-parameter state (copies of the buffers) keyed by parameter
   * index across groups, and each group's hyperparameters with its parameters as indices (and its
   * `initialLr` when a scheduler set one). `JSON.stringify` of it loads back with the same bits as
   * long as the state is finite.
   */
  stateDict(): StateDict<O> {
    this.#checkLive('stateDict');
    this.paramGroups.forEach((g, gi) => {
      if (typeof g !== 'object' || g === null || !Array.isArray(g.params)) throw new TypeError(`${this.name}.stateDict: param group ${gi}: expected { params: Parameter[], ...options }`);
    });
    const state = savedState(this.engine.heap.f32, this.#plans, this.paramGroups, this.#len, this.#scratch);
    return { state, paramGroups: savedGroups(this.paramGroups.map(targetOf)) as StateDict<O>['paramGroups'] };
  }

  /**
   * Restores a snapshot from {@link Optimizer.stateDict} (of an optimizer of the same kind over
   * parameters of the same sizes), also after a JSON round trip. Everything is validated and the
   * new state reserved before anything changes.
   */
  loadStateDict(dict: StateDictInput): void {
    this.#checkLive('loadStateDict');
    const where = `${this.name}.loadStateDict`;
    if (typeof dict !== 'object' || dict === null) throw new TypeError(`${where}: expected { state, paramGroups }`);
    checkKeys(dict, ['state', 'paramGroups'], where, { what: 'entry' });
    const taken = new Set<Parameter>();
    const initialLrs: Array<number | undefined> = [];
    const newGroups = savedGroupsIn(dict.paramGroups, this.paramGroups, where, (saved, ours, gi, gw) => {
      checkParams(ours, `${where}: this optimizer's param group ${gi}`, taken, this.engine, this.#checkParam);
      initialLrs.push(saved.initialLr);
      checkOptions(saved.options, this.schema, gw);
      const g = this.#group(saved.options, ours);
      this.checkGroup(g, gw);
      return g;
    });
    const lengths = newGroups.flatMap((g) => g.params.map((p) => p.length));
    const paramsByIndex = newGroups.flatMap((g) => g.params);
    const groupOf = newGroups.flatMap((g, gi) => g.params.map(() => gi));
    const scalars: Record<string, (v: unknown, what: string) => void> = {};
    for (const name of Object.keys(this.scalarState())) scalars[name] = (v, what) => this.checkScalarState(name, v, what);
    const loaded = parseState(dict.state, { where, lengths, length: (i, b) => this.#len(b, paramsByIndex[i]!), groupOf, buffers: (gi) => this.bufferNames(newGroups[gi]!), optional: (gi) => this.optionalBuffers(newGroups[gi]!), scalars });
    const states = newGroups.map((_, gi) => loaded.filter((_s, i) => groupOf[i] === gi));
    // Valid: reserve the new state (all or nothing), then swap.
    const { plans, kept } = this.#newPlans(newGroups, states, where, this.#plans.flatMap((p) => p.runs));
    for (const plan of this.#plans) release(this.engine, plan.runs, kept);
    newGroups.forEach((g, gi) => {
      // The saved initialLr, else the one a scheduler gave the group being replaced.
      const lr = initialLrs[gi] ?? (this.paramGroups[gi] as { initialLr?: unknown }).initialLr;
      if (typeof lr === 'number') setInitialLr(g as { initialLr?: number }, lr);
      this.paramGroups[gi] = g;
    });
    this.#plans = plans;
  }

  /** Frees the optimizer's state. Parameters are left as they are. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (!this.engine.disposed) for (const plan of this.#plans) release(this.engine, plan.runs);
    this.#plans = [];
  }
}
