/**
 * Option checks shared by the optimizers. Each check throws a TypeError (wrong type) or a
 * RangeError (right type, bad value) that names the optimizer, the argument and what was expected.
 */
export type Check = (value: unknown, name: string, where: string) => void;

const show = (v: unknown): string => {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

function num(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number') throw new TypeError(`${where}: ${name} must be a number, got ${show(value)}`);
  if (!Number.isFinite(value)) throw new RangeError(`${where}: ${name} must be finite, got ${show(value)}`);
  return value;
}

/** A finite number ≥ 0. */
export const nonNegative: Check = (v, name, where) => {
  if (num(v, name, where) < 0) throw new RangeError(`${where}: ${name} must be >= 0, got ${show(v)}`);
};

/** A finite number > 0. */
export const positive: Check = (v, name, where) => {
  if (num(v, name, where) <= 0) throw new RangeError(`${where}: ${name} must be > 0, got ${show(v)}`);
};

/** A number in [0, 1). */
export const unitOpen: Check = (v, name, where) => {
  const x = num(v, name, where);
  if (!(x >= 0 && x < 1)) throw new RangeError(`${where}: ${name} must be in [0, 1), got ${show(v)}`);
};

/** A number in [0, 1]. */
export const unitClosed: Check = (v, name, where) => {
  const x = num(v, name, where);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${where}: ${name} must be in [0, 1], got ${show(v)}`);
};

/** A boolean. */
export const bool: Check = (v, name, where) => {
  if (typeof v !== 'boolean') throw new TypeError(`${where}: ${name} must be a boolean, got ${show(v)}`);
};

/** A pair `[a, b]` whose elements each pass `check` (named `name[0]`, `name[1]`). */
export const pair =
  (check: Check): Check =>
  (v, name, where) => {
    if (!Array.isArray(v) || v.length !== 2) throw new TypeError(`${where}: ${name} must be a pair [a, b], got ${show(v)}`);
    check(v[0], `${name}[0]`, where);
    check(v[1], `${name}[1]`, where);
  };

/** Betas: each in [0, 1). */
export const betas = pair(unitOpen);

export type Schema<O> = { readonly [K in keyof O]-?: Check };

/**
 * Checks `options` against `schema`: unknown keys are a TypeError, each present key is checked.
 * Returns nothing; throws on the first problem.
 */
export function checkOptions<O>(options: object, schema: Schema<O>, where: string, extra: readonly string[] = []): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where}: options must be an object, got ${show(options)}`);
  }
  for (const [k, v] of Object.entries(options)) {
    if (extra.includes(k)) continue;
    const check = (schema as Record<string, Check>)[k];
    if (!check) {
      const known = Object.keys(schema).join(', ');
      throw new TypeError(`${where}: unknown option "${k}" (known: ${known})`);
    }
    if (v !== undefined) check(v, k, where);
  }
}
