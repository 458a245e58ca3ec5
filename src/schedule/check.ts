/**
 * Argument checks shared by the learning-rate schedulers. A check throws a TypeError (wrong type)
 * or a RangeError (right type, bad value) naming the scheduler, the argument and what was expected.
 * The same checks validate constructor options and the fields of a loaded `stateDict()`.
 */

/** What a check may need to know: how many param groups the optimizer has. */
export interface Ctx {
  groups: number;
}

export type Check = (value: unknown, name: string, where: string, ctx: Ctx) => void;

/** A value as it should appear in an error message. */
export const show = (v: unknown): string => {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'function') return 'a function';
  if (v === undefined) return 'undefined';
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

function isNumber(v: unknown, name: string, where: string): number {
  if (typeof v !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${show(v)}`);
  if (Number.isNaN(v)) throw new RangeError(`${where}: ${name} must not be NaN`);
  return v;
}

/**
 * A number in a range: `min`/`max` bounds (inclusive unless `minOpen`/`maxOpen`), finite unless
 * `infinite` is set.
 */
export const num =
  (o: { min?: number; max?: number; minOpen?: boolean; maxOpen?: boolean; infinite?: boolean } = {}): Check =>
  (v, name, where) => {
    const x = isNumber(v, name, where);
    if (!o.infinite && !Number.isFinite(x)) throw new RangeError(`${where}: ${name} must be finite, got ${show(v)}`);
    const lo = o.min === undefined || (o.minOpen ? x > o.min : x >= o.min);
    const hi = o.max === undefined || (o.maxOpen ? x < o.max : x <= o.max);
    if (!lo || !hi) {
      const a = o.min === undefined ? '(-∞' : `${o.minOpen ? '(' : '['}${o.min}`;
      const b = o.max === undefined ? '∞)' : `${o.max}${o.maxOpen ? ')' : ']'}`;
      throw new RangeError(`${where}: ${name} must be in ${a}, ${b}, got ${show(v)}`);
    }
  };

/** Any finite number. */
export const finite = num();
/** A finite number ≥ 0. */
export const nonNegative = num({ min: 0 });
/** A finite number > 0. */
export const positive = num({ min: 0, minOpen: true });

/** An integer ≥ `min`. */
export const int =
  (min: number): Check =>
  (v, name, where) => {
    const x = isNumber(v, name, where);
    if (!Number.isInteger(x)) throw new TypeError(`${where}: ${name} must be an integer, got ${show(v)}`);
    if (x < min) throw new RangeError(`${where}: ${name} must be >= ${min}, got ${show(v)}`);
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

/** An array (of any length) whose elements pass `check`. */
export const list =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    if (!Array.isArray(v)) throw new TypeError(`${where}: ${name} must be an array, got ${show(v)}`);
    v.forEach((x, i) => check(x, `${name}[${i}]`, where, ctx));
  };

/** An array with one element per param group, each passing `check`. */
export const perGroup =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    list(check)(v, name, where, ctx);
    const n = (v as unknown[]).length;
    if (n !== ctx.groups) throw new RangeError(`${where}: ${name} must have one value per param group (${ctx.groups}), got ${n}`);
  };

/** A single value for every group, or an array with one per group (torch's "float or list"). */
export const scalarOrPerGroup =
  (check: Check): Check =>
  (v, name, where, ctx) => {
    if (Array.isArray(v)) perGroup(check)(v, name, where, ctx);
    else check(v, name, where, ctx);
  };

/** Expands a "float or list" value to one value per group (torch's `_format_param`). */
export function perGroupValues<T>(v: T | readonly T[], groups: number): T[] {
  return Array.isArray(v) ? [...(v as readonly T[])] : Array.from({ length: groups }, () => v as T);
}

export type Spec<O> = { readonly [K in keyof O]-?: Check };

/**
 * Checks an options object against `spec`: it must be a plain object, unknown keys are a
 * TypeError, each key present (and not undefined) is checked. Returns the options typed.
 */
export function readOptions<O>(options: unknown, spec: Spec<O>, where: string, ctx: Ctx): Partial<O> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  for (const [k, v] of Object.entries(options)) {
    const check = (spec as Record<string, Check>)[k];
    if (!check) throw new TypeError(`${where}: unknown option "${k}" (known: ${Object.keys(spec).join(', ')})`);
    if (v !== undefined) check(v, k, where, ctx);
  }
  return options as Partial<O>;
}

/** Requires an option that has no default. */
export function required<T>(value: T | undefined, name: string, where: string): T {
  if (value === undefined) throw new TypeError(`${where}: ${name} is required`);
  return value;
}

/** A deep copy of JSON data (numbers, strings, booleans, null, arrays, plain objects). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneJson(x)])) as T;
  }
  return v;
}
