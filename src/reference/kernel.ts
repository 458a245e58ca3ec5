/**
 * The kernel declaration: each kernel is declared once, beside its pure-JS reference, with its
 * pointer arguments (`'elementwise'`: element i of the output depends only on element i of the
 * inputs, so a call may be cut across threads; `'reduced'`: read whole or reduced), its integer
 * size arguments (default `n`), its named float32 scalars and what it returns. The table in
 * src/wasm/kernel-table.ts is built from these declarations; nothing else lists kernels.
 *
 * A call passes the scalars as one struct (see {@link ScalarStruct}): the bound kernel writes it
 * into the engine's parameter block and the kernel reads each scalar there at offset 4·i, in
 * declaration order — the WebAssembly exports and the JS references alike.
 *
 * Not re-exported from index.ts: only the declarations themselves are kernels.
 */
import type { Heap } from '../memory/heap.js';

export type PointerKind = 'elementwise' | 'reduced';
export type ReturnKind = 'void' | 'f64' | 'i32';

/** Named float32 scalars over `values`, one accessor per name (declaration order). */
export class ScalarStruct {
  /** The storage: the struct's own array, or for the references a view of the parameter block. */
  values: Float32Array;
  /** The same storage as 32-bit words: copied into the parameter block without float conversions. */
  words: Int32Array;
  /** The scalar names, one array per struct class: what a bound kernel checks a struct by. */
  readonly names: readonly string[];
  constructor(values: Float32Array, names: readonly string[]) {
    this.values = values;
    this.words = new Int32Array(values.buffer, values.byteOffset, values.length);
    this.names = names;
  }
}

/** A struct with one number field per scalar name; stores round to float32 (as Math.fround). */
export type Scalars<S extends readonly string[]> = ScalarStruct & { [K in S[number]]: number };

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type LastOf<U> = UnionToIntersection<U extends unknown ? () => U : never> extends () => infer R ? R : never;
/** A tuple of `number`, one per member of U (order is irrelevant: every entry is a number). */
type Count<U, T extends number[] = []> = [U] extends [never] ? T : Count<Exclude<U, LastOf<U>>, [number, ...T]>;
type Numbers<T extends readonly unknown[]> = { -readonly [K in keyof T]: number };

/** Arguments after the heap: pointers, then integer sizes, then the scalar struct if any. */
export type KernelArgs<P, I extends readonly string[], S extends readonly string[]> = [
  ...Count<keyof P>,
  ...Numbers<I>,
  ...(S extends readonly [] ? [] : [scalars: Scalars<S>]),
];

export interface KernelSpec<P, I extends readonly string[], S extends readonly string[]> {
  readonly pointers: P;
  /** Integer size arguments after the pointers. Default `['n']`. */
  readonly ints?: I;
  /** Float32 scalars, read from the parameter block in this order. Default none. */
  readonly scalars?: S;
  /** What the kernel returns (a reduction's value). Default `'void'`. */
  readonly returns?: ReturnKind;
}

const IS_KERNEL = Symbol('wasm-optim.kernel');

/** One declared kernel: its arguments and its JS reference. */
// Defaults of `any`: `KernelDecl` alone matches every declaration, whatever its scalars.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface KernelDecl<A extends unknown[] = any, R = any, S extends readonly string[] = any> {
  readonly [IS_KERNEL]: true;
  readonly pointers: readonly string[];
  readonly kinds: readonly PointerKind[];
  readonly ints: readonly string[];
  readonly scalars: S;
  readonly returns: ReturnKind;
  /** Number of arguments of the compiled export: pointers, ints, and the block's address if any scalars. */
  readonly arity: number;
  /** The struct class for this kernel's scalars (shared by kernels with the same scalar names). */
  readonly Scalars: new (values?: Float32Array) => Scalars<S>;
  /** The pure-JS reference (a method signature, so any declaration is a `KernelDecl`). */
  reference(h: Heap, ...args: A): R;
}

export function isKernel(x: unknown): x is KernelDecl {
  return typeof x === 'object' && x !== null && (x as { [IS_KERNEL]?: unknown })[IS_KERNEL] === true;
}

/** Most scalars a kernel may declare: the parameter block holds this many float32. */
export const MAX_SCALARS = 16;

const structClasses = new Map<string, new (values?: Float32Array) => ScalarStruct>();

/** The struct class for `names`: prototype accessors over `values[i]`; instances are sealed. */
function structClass(names: readonly string[]): new (values?: Float32Array) => ScalarStruct {
  const key = names.join(',');
  const known = structClasses.get(key);
  if (known) return known;
  const count = names.length;
  const frozen = Object.freeze([...names]);
  const C = class extends ScalarStruct {
    constructor(values: Float32Array = new Float32Array(count)) {
      super(values, frozen);
      Object.seal(this);
    }
  };
  names.forEach((name, index) => {
    const i = index; // a constant in the accessors' context, which the compiler can fold
    Object.defineProperty(C.prototype, name, {
      get(this: ScalarStruct) {
        return this.values[i];
      },
      set(this: ScalarStruct, x: number) {
        this.values[i] = x;
      },
      enumerable: true,
    });
  });
  structClasses.set(key, C);
  return C;
}

/** Declares a kernel: its pointer, size and scalar arguments, and its pure-JS reference. */
export function kernel<
  const P extends Readonly<Record<string, PointerKind>>,
  const I extends readonly string[] = readonly ['n'],
  const S extends readonly string[] = readonly [],
  R = void,
>(spec: KernelSpec<P, I, S>, reference: (h: Heap, ...args: KernelArgs<P, I, S>) => R): KernelDecl<KernelArgs<P, I, S>, R, S> {
  const pointers = Object.keys(spec.pointers);
  const ints = spec.ints ?? ['n'];
  const scalars = (spec.scalars ?? []) as unknown as S;
  if (scalars.length > MAX_SCALARS) throw new RangeError(`kernel: at most ${MAX_SCALARS} scalars, got ${scalars.length}`);
  const arity = pointers.length + ints.length + (scalars.length > 0 ? 1 : 0);
  if (reference.length !== 1 + arity) {
    throw new TypeError(`kernel: the reference takes ${reference.length} arguments, the declaration ${1 + arity} (heap, ${[...pointers, ...ints, ...(scalars.length ? ['scalars'] : [])].join(', ')})`);
  }
  return {
    [IS_KERNEL]: true,
    pointers,
    kinds: pointers.map((p) => spec.pointers[p]!),
    ints,
    scalars,
    returns: spec.returns ?? 'void',
    arity,
    Scalars: structClass(scalars) as unknown as new (values?: Float32Array) => Scalars<S>,
    reference,
  };
}
