/**
 * Value checks. A check throws a TypeError (wrong type) or a RangeError (right type, bad value)
 * worded `<where>: <name> must be <expectation>, got <value>`, and returns nothing.
 */
import { show } from './show.js';

/** What a check may need to know: how many param groups the optimizer has (for per-group lists). */
export interface Ctx {
  groups: number;
}

export type Check = (value: unknown, name: string, where: string, ctx?: Ctx) => void;

/** Throws a TypeError unless `v` is a number. */
function number(v: unknown, name: string, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${show(v)}`);
  return v;
}

/** Throws unless `v` is a finite number. */
function finiteNumber(v: unknown, name: string, where: string): number {
  const x = number(v, name, where);
  if (!Number.isFinite(x)) throw new RangeError(`${where}: ${name} must be finite, got ${show(v)}`);
  return x;
}

/**
 * A number in a range: `min`/`max` bounds (inclusive unless `minOpen`/`maxOpen`), finite unless
 * `infinite` is set (NaN is refused either way).
 */
export const num =
  (o: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean; infinite?: boolean } = {}): Check =>
  (v, name, where) => {
    const x = o.infinite ? number(v, name, where) : finiteNumber(v, name, where);
    if (Number.isNaN(x)) throw new RangeError(`${where}: ${name} must be a number other than NaN, got NaN`);
    const lo = o.min === undefined || (o.minOpen ? x > o.min : x >= o.min);
    const hi = o.max === undefined || (o.maxOpen ? x < o.max : x <= o.max);
    if (!lo || !hi) {
      const a = o.min === undefined ? '(-∞' : `${o.minOpen ? '(' : '['}${o.min}`;
      const b = o.max === undefined ? '∞)' : `${o.max}${o.maxOpen ? ')' : ']'}`;
      throw new RangeError(`${where}: ${name} must be in ${a}, ${b}, got ${show(v)}`);
    }
  };

/** Any finite number. */
export const finite: Check = (v, name, where) => {
  finiteNumber(v, name, where);
};

/** A finite number ≥ 0. */
export const nonNegative: Check = (v, name, where) => {
  if (finiteNumber(v, name, where) < 0) throw new RangeError(`${where}: ${name} must be >= 0, got ${show(v)}`);
};

/** A finite number > 0. */
export const positive: Check = (v, name, where) => {
  if (finiteNumber(v, name, where) <= 0) throw new RangeError(`${where}: ${name} must be > 0, got ${show(v)}`);
};

/** A number in [0, 1). */
export const unitOpen: Check = (v, name, where) => {
  const x = finiteNumber(v, name, where);
  if (!(x >= 0 && x < 1)) throw new RangeError(`${where}: ${name} must be in [0, 1), got ${show(v)}`);
};

/** A number in [0, 1]. */
export const unitClosed: Check = (v, name, where) => {
  const x = finiteNumber(v, name, where);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${where}: ${name} must be in [0, 1], got ${show(v)}`);
};

/** An integer ≥ `min` (and ≤ `max` when given). */
export const int =
  (min: number, max?: number): Check =>
  (v, name, where) => {
    const x = number(v, name, where);
    if (Number.isNaN(x)) throw new RangeError(`${where}: ${name} must be an integer, got NaN`);
    if (!Number.isInteger(x)) throw new TypeError(`${where}: ${name} must be an integer, got ${show(v)}`);
    if (x < min) throw new RangeError(`${where}: ${name} must be >= ${min}, got ${show(v)}`);
    if (max !== undefined && x > max) throw new RangeError(`${where}: ${name} must be <= ${max}, got ${show(v)}`);
  };

/** A boolean. */
export const bool: Check = (v, name, where) => {
  if (typeof v !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean, got ${show(v)}`);
};

/** A function. */
export const func: Check = (v, name, where) => {
  if (typeof v !== 'function') throw new TypeError(`${where}: ${name} must be a function, got ${show(v)}`);
};

/** One of the given strings. */
export const oneOf =
  (values: readonly string[]): Check =>
  (v, name, where) => {
    if (typeof v !== 'string') throw new TypeError(`${where}: ${name} must be a string, got ${show(v)}`);
    if (!values.includes(v)) throw new RangeError(`${where}: ${name} must be one of ${values.map((s) => `'${s}'`).join(', ')}, got '${v}'`);
  };

/** `null` or a value passing `check`. */
export const nullable =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    if (v !== null) check(v, name, where, ctx);
  };

/** An array whose elements pass `check` (named `name[i]`); of exactly `length` elements when given. */
export const list =
  (check: Check, length?: number): Check =>
  (v, name, where, ctx) => {
    if (!Array.isArray(v)) throw new TypeError(`${where}: ${name} must be an array, got ${show(v)}`);
    if (length !== undefined && v.length !== length) throw new RangeError(`${where}: ${name} must have ${length} elements, got ${v.length}`);
    v.forEach((x, i) => check(x, `${name}[${i}]`, where, ctx));
  };

/** A pair `[a, b]` whose elements each pass `check` (named `name[0]`, `name[1]`). */
export const pair =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${where}: ${name} must be a pair [a, b], got ${show(v)}`);
    check(v[0], `${name}[0]`, where, ctx);
    check(v[1], `${name}[1]`, where, ctx);
  };

/** Betas: each in [0, 1). */
export const betas = pair(unitOpen);

function groupsOf(ctx: Ctx | undefined, name: string, where: string): number {
  if (ctx === undefined) throw new Error(`${where}: ${name} is checked per param group, but no group count was given`);
  return ctx.groups;
}

/** An array with one element per param group, each passing `check`. */
export const perGroup =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    const groups = groupsOf(ctx, name, where);
    list(check)(v, name, where, ctx);
    const n = (v as unknown[]).length;
    if (n !== groups) throw new RangeError(`${where}: ${name} must have one value per param group (${groups}), got ${n}`);
  };

/** A single value for every group, or an array with one per group (torch's "float or list"). */
export const scalarOrPerGroup =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    if (Array.isArray(v)) perGroup(check)(v, name, where, ctx);
    else check(v, name, where, ctx);
  };


/**
 * Throws a TypeError when a step closure returned a Promise: steps are synchronous, and an async
 * closure would have its gradients written after the update.
 */
export function notAPromise(value: unknown, where: string): void {
  if ((typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown } | null)?.then === 'function') {
    throw new TypeError(`${where}: the closure returned a Promise; step() is synchronous. Await the loss and gradients first, then call step() (without a closure)`);
  }
}

/**
 * Checks a saved buffer and returns it as a Float32Array: a Float32Array, an array of numbers, or
 * the object `JSON.stringify` makes of a Float32Array (`{"0": x, "1": y, …}`), `length` long, no
 * holes; `what` names it in errors. State dicts use it, so they survive a JSON round trip.
 */
export function float32Values(v: unknown, length: number, what: string): Float32Array {
  if (v instanceof Float32Array) {
    if (v.length !== length) throw new RangeError(`${what} has ${v.length} elements, the parameter has ${length}`);
    return v;
  }
  const isIndexObject = typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v) && Object.getPrototypeOf(v) === Object.prototype;
  if (!Array.isArray(v) && !isIndexObject) throw new TypeError(`${what} must be a Float32Array or an array of numbers, got ${show(v)}`);
  const o = v as Record<string, unknown>;
  const count = Array.isArray(v) ? v.length : Object.keys(o).length;
  if (count !== length) throw new RangeError(`${what} has ${count} elements, the parameter has ${length}`);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const x: unknown = o[i];
    if (typeof x === 'number') {
      out[i] = x;
      continue;
    }
    if (x === null) {
      throw new TypeError(`${what}[${i}] is null: JSON cannot hold NaN or ±Infinity (JSON.stringify wrote null); keep such state in a checkpoint (saveCheckpoint) instead`);
    }
    throw new TypeError(`${what}[${i}] must be a number, got ${Object.hasOwn(o, i) ? show(x) : 'a hole'}`);
  }
  return out;
}

