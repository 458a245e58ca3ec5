/**
 * The one validation module: every public entry point (optimizers, schedulers, the engine, the
 * training toolkit, the network, checkpoints) checks its arguments with these functions, so that
 * unknown names are found the same way everywhere (own keys only, with a "did you mean" hint) and
 * every message reads `<where>: <name> must be <expectation>, got <value>`.
 */
import type { Check, Ctx } from './checks.js';
import { firstUnknownKey, unknownKey } from './keys.js';
import { isRecord, show } from './show.js';

export * from './checks.js';
export { checkKeys, didYouMean, editDistance, firstUnknownKey, unknownKey } from './keys.js';
export { isRecord, show } from './show.js';

/** One check per option name. */
export type Schema<O> = { readonly [K in keyof O]-?: Check };
/** The schedulers' name for {@link Schema}. */
export type Spec<O> = Schema<O>;

/**
 * Checks `options` against `schema`: it must be an object (not null, not an array); a key that is
 * not an own key of `schema` (nor in `extra`) is a TypeError with a "did you mean" hint; each
 * key present and not undefined is checked. Throws on the first problem.
 */
export function checkOptions<O>(options: unknown, schema: Schema<O>, where: string, extra: readonly string[] = [], ctx?: Ctx): void {
  if (!isRecord(options)) throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  const checks = schema as Readonly<Record<string, Check>>;
  const known = Object.keys(checks);
  const bad = firstUnknownKey(options, [...known, ...extra]);
  if (bad !== undefined) throw unknownKey(bad, known, where);
  for (const k of Object.keys(options)) {
    const v = options[k];
    if (v !== undefined && Object.hasOwn(checks, k)) checks[k]!(v, k, where, ctx);
  }
}

/** {@link checkOptions} for options that may be omitted (undefined reads as `{}`); returns them typed. */
export function readOptions<O>(options: unknown, schema: Schema<O>, where: string, ctx?: Ctx): Partial<O> {
  if (options === undefined) return {};
  checkOptions(options, schema, where, [], ctx);
  return options as Partial<O>;
}

/** Requires an option that has no default. */
export function required<T>(value: T | undefined, name: string, where: string): T {
  if (value === undefined) throw new TypeError(`${where}: ${name} is required`);
  return value;
}

/** Expands a "float or list" value to one value per group (torch's `_format_param`). */
export function perGroupValues<T>(v: T | readonly T[], groups: number): T[] {
  return Array.isArray(v) ? [...(v as readonly T[])] : Array.from({ length: groups }, () => v as T);
}

/** A deep copy of JSON data (numbers, strings, booleans, null, arrays, plain objects). */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneJson(x)])) as T;
  }
  return v;
}
