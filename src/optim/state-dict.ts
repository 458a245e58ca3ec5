/**
 * State dicts: what `stateDict()` gives and what `loadStateDict()` accepts, as in torch: state per
 * parameter keyed by the parameter's index across groups, and each group's hyperparameters with
 * its parameters as indices. Buffers are Float32Arrays, or plain number arrays (what a JSON round
 * trip gives); everything is checked before anything changes.
 */
import { checkKeys, float32Values } from '../validation/index.js';
import type { Parameter } from '../memory/parameter.js';
import { type BufferLength, type ParamState, type Run, statesByParam } from './layout.js';

export type { ParamState };

/** A snapshot of an optimizer as `stateDict()` gives it (plain data, with `Float32Array` copies of the buffers). */
export interface StateDict<O = Record<string, unknown>> {
  /** Keyed by the parameter's index across all groups, in order. */
  state: Record<number, ParamState>;
  /** Each group's hyperparameters, with its parameters as indices across groups. */
  paramGroups: Array<
    Omit<O, 'params'> & {
      /** Indices of the group's parameters across all groups. */
      params: number[];
      /** The group's base lr for schedulers (torch's `initial_lr`), when a scheduler set one. */
      initialLr?: number;
    }
  >;
}



/** What an optimizer tells the loader about itself. */
export interface StateSpec {
  /** Display name for errors, e.g. `Adam.loadStateDict`. */
  where: string;
  /** Lengths of the parameters, by index across groups. */
  lengths: readonly number[];
  /** Elements of parameter i's slice of buffer `name`. */
  length(i: number, name: string): number;
  /** Group index of each parameter. */
  groupOf: readonly number[];
  /** State buffers parameter i's group needs. */
  buffers(group: number): readonly string[];
  /** Of those, the ones a saved state may lack: made on demand when an option turns them on. */
  optional(group: number): readonly string[];
  /** Scalar state names and their checks (throw naming `what`). */
  scalars: Record<string, (value: unknown, what: string) => void>;
}

const INDEX = /^(0|[1-9][0-9]*)$/;

/** A finite-number scalar state entry. */
export function finiteScalar(v: unknown, what: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${what} must be a finite number, got ${show(v)}`);
}

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return v === null ? 'null' : typeof v === 'object' ? 'an object' : String(v);
}

/**
 * Checks `state` against `spec`; returns the state of each parameter (null where none is saved).
 * Throws a TypeError/RangeError naming the entry at fault; reads only own properties.
 */
export function parseState(state: unknown, spec: StateSpec): Array<ParamState | null> {
  const { where, lengths } = spec;
  if (typeof state !== 'object' || state === null || Array.isArray(state) || ![Object.prototype, null].includes(Object.getPrototypeOf(state))) {
    throw new TypeError(`${where}: state must be an object keyed by parameter index (a plain object, not a Map), got ${state instanceof Map ? 'a Map' : show(state)}`);
  }
  const loaded: Array<ParamState | null> = lengths.map(() => null);
  const scalarNames = Object.keys(spec.scalars);
  for (const key of Object.keys(state)) {
    const sw = `${where}: state[${INDEX.test(key) ? key : JSON.stringify(key)}]`;
    if (!INDEX.test(key) || Number(key) >= lengths.length) {
      throw new RangeError(`${sw}: no parameter with that index (expected an integer 0..${lengths.length - 1} written without sign, spaces or leading zeros)`);
    }
    const i = Number(key);
    const s = (state as Record<string, unknown>)[key];
    if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new TypeError(`${sw}: expected an object, got ${show(s)}`);
    const entry = s as Record<string, unknown>;
    if (!Number.isInteger(entry.step) || (entry.step as number) < 1) throw new RangeError(`${sw}.step must be an integer >= 1, got ${show(entry.step)}`);
    const names = spec.buffers(spec.groupOf[i]!);
    checkKeys(entry, ['step', ...scalarNames, ...names], sw, { what: 'entry' });
    for (const k of scalarNames) {
      if (!Object.hasOwn(entry, k)) throw new TypeError(`${sw}.${k} is missing`);
      spec.scalars[k]!(entry[k], `${sw}.${k}`);
    }
    const out: ParamState = { step: entry.step as number };
    for (const k of scalarNames) out[k] = entry[k] as number;
    // An optional buffer may be absent: the optimizer had not made it yet (e.g. SGD's momentum
    // buffer when a scheduler turned momentum on after the last step); it is then made at the next
    // step as the original would have. Any other missing buffer is an error, as in torch.
    const optional = spec.optional(spec.groupOf[i]!);
    for (const b of names) {
      if (Object.hasOwn(entry, b)) out[b] = float32Values(entry[b], spec.length(i, b), `${sw}.${b}`);
      else if (!optional.includes(b)) throw new TypeError(`${sw}.${b} must be a Float32Array or an array of numbers, got nothing (missing)`);
    }
    loaded[i] = out;
  }
  return loaded;
}

/**
 * Reads a saved `paramGroups` list against the optimizer's groups `ours` (as many, each listing
 * the indices of its parameters in order, `initialLr` a finite number >= 0 if present) and makes
 * each new group with `make(saved, ours[gi].params, gi, where)`.
 */
export function savedGroupsIn<G>(
  saved: unknown,
  ours: ReadonlyArray<{ params: readonly unknown[] }>,
  where: string,
  make: (saved: { options: Record<string, unknown>; initialLr: number | undefined }, params: Parameter[], gi: number, where: string) => G,
): G[] {
  if (!Array.isArray(saved) || saved.length !== ours.length) {
    throw new RangeError(`${where}: expected ${ours.length} param groups, got ${Array.isArray(saved) ? saved.length : 'none'}`);
  }
  let index = 0;
  return saved.map((lg: unknown, gi) => {
    const gw = `${where}: param group ${gi}`;
    const params = ours[gi]!.params as Parameter[];
    if (typeof lg !== 'object' || lg === null || Array.isArray(lg)) throw new TypeError(`${gw}: expected { params: number[], ...options }`);
    const { params: indices, initialLr, ...options } = lg as Record<string, unknown>;
    checkIndices(indices, index, params.length, gw);
    index += params.length;
    if (initialLr !== undefined) checkInitialLr(initialLr, gw);
    return make({ options, initialLr: initialLr as number | undefined }, params, gi, gw);
  });
}

/** Checks a saved group's parameter indices: `start`, `start + 1`, … for `count` parameters. */
export function checkIndices(params: unknown, start: number, count: number, where: string): void {
  if (!Array.isArray(params)) throw new TypeError(`${where}: expected { params: number[], ...options }`);
  if (params.length !== count) throw new RangeError(`${where}: has ${params.length} parameters, this optimizer's has ${count}`);
  params.forEach((pi, k) => {
    if (pi !== start + k) throw new RangeError(`${where}: params must be the indices ${start}..${start + count - 1} in order`);
  });
}

/** A saved `initialLr` (torch's `initial_lr`, set by schedulers): a finite number >= 0. */
export function checkInitialLr(v: unknown, where: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new RangeError(`${where}: initialLr must be a finite number >= 0, got ${show(v)}`);
}

/**
 * Sets `group.initialLr` (torch's `initial_lr`), as schedulers and `loadStateDict()` do: not
 * enumerable, so it stays out of option checks, unless the group already has it as a plain property.
 */
export function setInitialLr(group: { initialLr?: number }, value: number): void {
  const d = Object.getOwnPropertyDescriptor(group, 'initialLr');
  if (d?.enumerable && d.writable) group.initialLr = value;
  else Object.defineProperty(group, 'initialLr', { value, writable: true, configurable: true, enumerable: false });
}

/**
 * Each group's hyperparameters (as JSON gives them back) with its parameters as indices across
 * groups, and its `initialLr` where a scheduler set one.
 */
export function savedGroups<O extends { params: readonly unknown[] }>(groups: readonly O[]): StateDict<Omit<O, 'params'>>['paramGroups'] {
  let index = 0;
  return groups.map((g) => {
    const { params, ...opts } = g;
    const copy = JSON.parse(JSON.stringify(opts)) as Omit<O, 'params'> & { params: number[]; initialLr?: number };
    const initialLr = (g as { initialLr?: unknown }).initialLr;
    if (typeof initialLr === 'number') copy.initialLr = initialLr;
    copy.params = params.map(() => index++);
    return copy;
  });
}

/**
 * Each parameter's state keyed by its index as the groups list parameters now (an edited list
 * counts as listed; a parameter without state yet has no entry). `plans` hold the runs.
 */
export function savedState(
  heap: Float32Array,
  plans: ReadonlyArray<{ runs: readonly Run[]; params: readonly unknown[] }>,
  groups: ReadonlyArray<{ params: readonly unknown[] }>,
  len: BufferLength,
  unsaved: ReadonlySet<string>,
): Record<number, ParamState> {
  const byParam = statesByParam(heap, plans, len, unsaved);
  const state: Record<number, ParamState> = {};
  let index = 0;
  for (const g of groups) {
    for (const p of g.params) {
      const s = byParam.get(p);
      if (s) state[index] = s;
      index++;
    }
  }
  return state;
}
