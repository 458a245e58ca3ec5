/**
 * Param groups: building them from what the user passed (defaults copied in, array options
 * copied so no two groups share them), checking parameter lists, and remembering what was last
 * validated so a step re-checks only a group that changed.
 */
import type { Engine } from '../engine.js';
import { Parameter } from '../memory/parameter.js';

export type ParamGroup<O> = O & { params: Parameter[] };

/** `o` without its `undefined` entries: an option set to undefined means "not given" (the default). */
export function given<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** A copy whose array values (betas, etas, …) are copies too, so no group shares them. */
export function own<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Array.isArray(v) && k !== 'params' ? [...v] : v])) as T;
}

/** What a plain array or typed array passed as a parameter should have been. */
function notAParameter(p: unknown): string {
  if (ArrayBuffer.isView(p) || Array.isArray(p)) {
    return 'params must hold Parameter objects, got an array of numbers: make parameters with engine.parameters(...) (or engine.adopt(array) to copy your values in once)';
  }
  return 'params must hold Parameter objects';
}

/**
 * Checks a list of parameters: Parameter objects, alive, of one engine, none in `taken` nor twice.
 * Adds them to `taken`; returns the engine.
 */
export function checkParams(list: readonly unknown[], where: string, taken: Set<Parameter>, engine: Engine | undefined): Engine | undefined {
  for (const p of list) {
    if (!(p instanceof Parameter)) throw new TypeError(`${where}: ${notAParameter(p)}`);
    if (p.disposed) throw new TypeError(`${where}: a parameter has been disposed`);
    if (taken.has(p)) throw new TypeError(`${where}: a parameter appears more than once`);
    taken.add(p);
    const e = p.host as Engine;
    engine ??= e;
    if (e !== engine) throw new TypeError(`${where}: all parameters must belong to one engine`);
  }
  return engine;
}

/**
 * A group's hyperparameters as last validated: every own enumerable key but `params`, its value,
 * and a pair's two elements (pairs such as betas may be edited in place).
 */
export class Snapshot {
  readonly #keys: string[] = [];
  readonly #values: unknown[] = [];
  readonly #first: unknown[] = [];
  readonly #second: unknown[] = [];

  constructor(g: object) {
    for (const k in g) {
      if (k === 'params') continue;
      const v = (g as Record<string, unknown>)[k];
      this.#keys.push(k);
      this.#values.push(v);
      this.#first.push(Array.isArray(v) ? v[0] : undefined);
      this.#second.push(Array.isArray(v) ? v[1] : undefined);
    }
  }

  /** True when `g` still holds exactly these keys and values (no allocation). */
  matches(g: object): boolean {
    const keys = this.#keys;
    let count = 0;
    for (const k in g) {
      if (k === 'params') continue;
      if (keys[count] !== k) return false;
      const v = (g as Record<string, unknown>)[k];
      if (!Object.is(v, this.#values[count])) return false;
      if (Array.isArray(v) && (v.length !== 2 || !Object.is(v[0], this.#first[count]) || !Object.is(v[1], this.#second[count]))) return false;
      count++;
    }
    return count === keys.length;
  }
}

/** True when `list` holds exactly the parameters of `runs`' snapshot `seen`, in order. */
export function sameParams(list: readonly unknown[], seen: readonly Parameter[]): boolean {
  if (!Array.isArray(list) || list.length !== seen.length) return false;
  for (let i = 0; i < seen.length; i++) if (list[i] !== seen[i]) return false;
  return true;
}
