/**
 * Parameter specs: what `engine.parameters()` accepts per parameter, read without guessing.
 * A number is a length; a plain array is a shape and must hold non-negative integers only; values
 * come as a typed array or as `{ data }`. An array such as `[0.5, -0.3]` is refused with a message
 * that says how to pass values, rather than read as either.
 */
import { firstUnknownKey, unknownKey } from '../validation/index.js';

const SPEC_FIELDS = ['shape', 'data', 'name'];

/** Typed arrays accepted as initial values (copied once, converted to float32). */
export type TypedValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/**
 * What `engine.parameters()` accepts per parameter: a length (`128`), a shape (`[784, 128]`: an
 * array of non-negative integers), initial values as a typed array (`new Float32Array([0.5, -0.3])`),
 * or `{ shape?, data?, name? }` where `data` may be a plain array of numbers. Values are copied
 * once into the engine; the array itself is not kept.
 */
export type ParameterSpec =
  | number
  | readonly number[]
  | TypedValues
  | {
      /** Dimensions; default `[data.length]`. */
      shape?: readonly number[];
      /** Initial values (copied once), as many as the shape holds. Default zeros. */
      data?: ArrayLike<number>;
      /** Name, used for checkpoint tensors (`param.<name>`). */
      name?: string;
    };

export interface ResolvedSpec {
  shape: readonly number[];
  length: number;
  data?: ArrayLike<number>;
  name?: string;
}

const VALUES_HINT = 'shapes are arrays of non-negative integers; pass values as a Float32Array or { data: [...] }';

/** A short, exact rendering of a bad value for an error message (`NaN`, `"3"`, `[2, "3"]`). */
export function show(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return v.length > 8 ? `[${v.slice(0, 8).map(show).join(', ')}, … ${v.length} items]` : `[${v.map(show).join(', ')}]`;
  if (typeof v === 'function') return 'a function';
  if (v === null || v === undefined || typeof v !== 'object') return String(v);
  return ArrayBuffer.isView(v) ? `a ${v.constructor.name}` : 'an object';
}

/** Checks that `shape` is an array of non-negative integers; the error names the first bad dimension. */
export function checkShape(shape: unknown, where: string): asserts shape is readonly number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${where}: shape must be an array of non-negative integers, got ${show(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    if (typeof d !== 'number') {
      throw new TypeError(`${where}: shape[${i}] must be a non-negative integer, got ${show(d)} in ${show(shape)}`);
    }
    if (!Number.isInteger(d) || d < 0) {
      // An array of numbers that is not a shape is most likely values meant as data: say how.
      const hint = shape.every((x) => typeof x === 'number') ? `; ${VALUES_HINT}` : '';
      throw new RangeError(`${where}: shape[${i}] must be a non-negative integer, got ${show(d)} in ${show(shape)}${hint}`);
    }
  }
}

const product = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Reads spec `i` of an `engine.parameters()` call. */
export function resolveSpec(spec: ParameterSpec, i: number): ResolvedSpec {
  const where = `parameters: spec ${i}`;
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec < 0) throw new RangeError(`${where}: a length must be a non-negative integer, got ${show(spec)}`);
    return { shape: [spec], length: spec };
  }
  if (Array.isArray(spec)) {
    checkShape(spec, where);
    return { shape: spec, length: product(spec) };
  }
  if (ArrayBuffer.isView(spec) && !(spec instanceof DataView)) {
    const data = spec as unknown as ArrayLike<number>;
    return { shape: [data.length], length: data.length, data };
  }
  if (typeof spec === 'object' && spec !== null) {
    const o = spec as { shape?: unknown; data?: ArrayLike<number>; name?: unknown };
    const unknown = firstUnknownKey(o, SPEC_FIELDS);
    if (unknown !== undefined) throw unknownKey(unknown, SPEC_FIELDS, where, 'field');
    if (o.name !== undefined && typeof o.name !== 'string') throw new TypeError(`${where}: name must be a string, got ${show(o.name)}`);
    if (o.data !== undefined && (typeof o.data !== 'object' || o.data === null || typeof o.data.length !== 'number')) {
      throw new TypeError(`${where}: data must be an array or typed array of numbers, got ${show(o.data)}`);
    }
    if (o.shape === undefined && o.data === undefined) throw new TypeError(`${where}: expected a shape or data`);
    const shape = o.shape ?? [o.data!.length];
    checkShape(shape, `${where}`);
    const length = product(shape);
    if (o.data && o.data.length !== length) {
      throw new RangeError(`${where}: data has ${o.data.length} elements but shape [${shape.join(', ')}] needs ${length}`);
    }
    return { shape, length, data: o.data, name: o.name };
  }
  throw new TypeError(
    `${where}: expected a length, a shape (array of non-negative integers), a Float32Array of values or { shape, data, name }, got ${show(spec)}`,
  );
}
