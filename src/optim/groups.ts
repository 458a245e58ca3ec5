/**
 * Param groups: building them from what the user passed (defaults copied in, array options
 * copied so no two groups share them), checking parameter lists, and remembering what was last
 * validated so a step re-checks only a group that changed.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';

/** A param group as the optimizer holds it: every hyperparameter (defaults filled in) and its parameters. */
export type ParamGroup<O> = O & {
  /** The group's parameters. */
  params: Parameter[];
};

/** `o` without its `undefined` entries: an option set to undefined means "not given" (the default). */
export function given<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A copy whose array values (betas, etas, …) are copies too, so no group shares them. */
export function own<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) && k !== 'params' ? [...v] : v])) as T;
}

/** A frozen copy of group `t`'s options (array options copied and frozen too), with its parameter list. */
export function frozenOptions<G extends { params: readonly unknown[] }>(t: G): G {
  const o = own({ ...t }) as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'params' && Array.isArray(o[k])) Object.freeze(o[k]);
  return Object.freeze({ ...o, params: t.params }) as G;
}

/** What a plain array or typed array passed as a parameter should have been. */
function notAParameter(p: unknown, i: number): string {
  if (ArrayBuffer.isView(p) || Array.isArray(p)) {
    const what = Array.isArray(p) ? 'an array' : `a ${p.constructor.name}`;
    return (
      `params[${i}] is ${what}, not a Parameter; optimizers update parameters in the engine's memory: ` +
      'bind your own arrays with bindArrays(engine, arrays) and pass bound.parameters (README "Plain Float32Arrays"), or allocate them with engine.parameters()'
    );
  }
  return 'params must hold Parameter objects';
}

/**
 * Checks a list of parameters: Parameter objects, alive, of one engine, none in `taken` nor twice.
 * Adds them to `taken`; returns the engine.
 */
export function checkParams(list: readonly unknown[], where: string, taken: Set<Parameter>, engine: Engine | undefined, check?: ParamCheck): Engine | undefined {
  for (const [i, p] of list.entries()) {
    if (!(p instanceof Parameter)) throw new TypeError(`${where}: ${notAParameter(p, i)}`);
    if (p.disposed) throw new TypeError(`${where}: a parameter has been disposed`);
    if (taken.has(p)) throw new TypeError(`${where}: a parameter appears more than once (in one group or in more than one group)`);
    taken.add(p);
    const e = p.host as Engine;
    engine ??= e;
    if (e !== engine) throw new TypeError(`${where}: all parameters must belong to one engine`);
    check?.(p, `${where}: params[${i}]`);
  }
  return engine;
}

/** An optimizer's own check of one parameter (e.g. Muon takes matrices only); throws naming `where`. */
export type ParamCheck = (p: Parameter, where: string) => void;

/**
 * What the constructor was given, as groups: a list of parameters is one group. Checks each
 * group's form and parameters (Parameter objects of one live engine, none twice, `check`);
 * returns each group's parameters and overrides, and the engine.
 */
export function splitGroups(params: unknown, name: string, check?: ParamCheck): { groups: Array<{ params: Parameter[]; overrides: object; where: string }>; engine: Engine } {
  if (!Array.isArray(params) || params.length === 0) {
    throw new TypeError(`${name}: params must be a non-empty array of parameters or param groups`);
  }
  const first: unknown = params[0];
  const isGroupList = !(first instanceof Parameter) && !ArrayBuffer.isView(first) && !Array.isArray(first) && typeof first !== 'number';
  const groupsIn = (isGroupList ? params : [{ params }]) as Array<{ params: Parameter[] }>;
  const seen = new Set<Parameter>();
  let engine: Engine | undefined;
  const groups = groupsIn.map((g, gi) => {
    const where = `${name}: param group ${gi}`;
    if (typeof g !== 'object' || g === null || !Array.isArray(g.params)) {
      throw new TypeError(`${where}: expected { params: Parameter[], ...options }`);
    }
    engine = checkParams(g.params, where, seen, engine, check);
    const { params: ps, ...overrides } = g;
    return { params: ps, overrides, where };
  });
  if (!engine) throw new TypeError(`${name}: params must hold at least one parameter`);
  if (engine.disposed) throw new TypeError(`${name}: the engine has been disposed`);
  return { groups, engine };
}

/** Notes whether a watched group was edited since the flag was last cleared. */
export interface Watch {
  edited: boolean;
}

/**
 * `g` behind a proxy that notes every assignment, definition and deletion of its properties, so
 * a step can tell in O(1) whether a group's hyperparameters may have changed. Reads go straight
 * to `g`. (Elements of array options such as `betas`, and the `params` list, are compared
 * separately: editing them in place does not touch the group object.)
 */
export function watched<G extends object>(g: G): G {
  if (WATCHES.has(g)) return g;
  const watch: Watch = { edited: true };
  const group = new Proxy(g, {
    set(t, k, v) {
      watch.edited = true;
      return Reflect.set(t, k, v);
    },
    defineProperty(t, k, d) {
      watch.edited = true;
      return Reflect.defineProperty(t, k, d);
    },
    deleteProperty(t, k) {
      watch.edited = true;
      return Reflect.deleteProperty(t, k);
    },
  });
  WATCHES.set(group, watch);
  TARGETS.set(group, g);
  return group;
}

/** The plain object behind a watched group (enumerating a proxy is slow), or `g` itself. */
export function targetOf<G extends object>(g: G): G {
  return (TARGETS.get(g) as G | undefined) ?? g;
}

const TARGETS = new WeakMap<object, object>();

/** The edit flag of a group made by {@link watched}, or undefined for any other object. */
export function watchOf(g: object): Watch | undefined {
  return WATCHES.get(g);
}

const WATCHES = new WeakMap<object, Watch>();

/** The elements of a group's array options (betas, …) as validated: [array, first, second]. */
export type Pairs = Array<[unknown[], unknown[]]>;

/** The array options of `g` (betas, etas, Muon's coefficients, …), each with a copy of its elements now. */
export function pairsOf(g: object): Pairs {
  const out: Pairs = [];
  for (const [k, v] of Object.entries(g)) if (k !== 'params' && Array.isArray(v)) out.push([v, [...v]]);
  return out;
}

/** True when every array option still holds the elements it was validated with (no allocation). */
export function samePairs(pairs: Pairs): boolean {
  for (let i = 0; i < pairs.length; i++) {
    const e = pairs[i]!;
    const a = e[0], was = e[1];
    if (a.length !== was.length) return false;
    for (let j = 0; j < a.length; j++) {
      const x = a[j], y = was[j];
      // Equal and nonzero is the same value. Object.is only otherwise (±0, NaN, a change): called
      // on every step it boxes a double element, an allocation per step.
      if (x === y && x !== 0) continue;
      if (!Object.is(x, y)) return false;
    }
  }
  return true;
}

/** True when `list` holds exactly the parameters `seen`, in order. */
export function sameParams(list: readonly unknown[], seen: readonly Parameter[]): boolean {
  if (!Array.isArray(list) || list.length !== seen.length) return false;
  for (let i = 0; i < seen.length; i++) if (list[i] !== seen[i]) return false;
  return true;
}
