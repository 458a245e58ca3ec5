/**
 * The kernels an optimizer calls, bound by the table (kernel-table.ts): the same names and
 * arguments whichever path runs them — the exports of a WebAssembly build or the pure-JS
 * references on the engine's heap. Pointers are byte offsets into the engine's memory; a kernel
 * with scalars takes them last, as one struct from `k.<name>.scalars()` (or `scalars(name)`),
 * which the call writes into the parameter block (a copy of its 32-bit words) before running.
 */
import type { Heap } from '../memory/heap.js';
import type { KernelDecl, Scalars, ScalarStruct } from '../reference/kernel.js';
import { KERNEL_TABLE, type KernelName, PARAMS_BYTES, PARAMS_OFFSET } from './kernel-table.js';
import * as reference from '../reference/index.js';

export { KERNEL_NAMES, type KernelName, scalarIndex, scalars } from './kernel-table.js';

type Reference = typeof reference;
type DropHeap<F> = F extends (h: Heap, ...rest: infer A) => infer R ? (...args: A) => R : never;
type Bound<D> =
  D extends KernelDecl<infer _A, infer _R, infer S>
    ? DropHeap<D['reference']> & (S extends readonly [] ? unknown : { readonly scalars: () => Scalars<S> })
    : never;

export type Kernels = { readonly [K in KernelName]: Bound<Reference[K]> };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Fn = (...args: any[]) => any;

/**
 * `(x0 … x(lead−1), s) => target(x0 … x(lead−1), prepare(s))`, spelled out per count so a call
 * allocates nothing (a rest parameter would build an array on every call).
 */
export function forward(lead: number, prepare: (s: ScalarStruct) => unknown, target: Fn): Fn {
  // Constants, so that where a bound kernel is inlined into its caller the compiler can inline
  // these two calls as well (a parameter captured by a closure stays a variable).
  const p = prepare, t = target;
  switch (lead) {
    case 1: return (a, s) => t(a, p(s));
    case 2: return (a, b, s) => t(a, b, p(s));
    case 3: return (a, b, c, s) => t(a, b, c, p(s));
    case 4: return (a, b, c, d, s) => t(a, b, c, d, p(s));
    case 5: return (a, b, c, d, e, s) => t(a, b, c, d, e, p(s));
    case 6: return (a, b, c, d, e, g, s) => t(a, b, c, d, e, g, p(s));
    case 7: return (a, b, c, d, e, g, i, s) => t(a, b, c, d, e, g, i, p(s));
    default:
      return (...xs: unknown[]) => {
        xs[lead] = p(xs[lead] as ScalarStruct);
        return t(...xs);
      };
  }
}

/** Checks `s` is a struct with the kernel's scalar names: a TypeError naming the kernel otherwise. */
function checkStruct(name: string, names: readonly string[], s: unknown): asserts s is ScalarStruct {
  // A property compare: measured several times cheaper than instanceof on the struct class.
  if ((s as ScalarStruct | null | undefined)?.names !== names) {
    throw new TypeError(`${name}: the last argument must be the kernel's scalar struct (${name}.scalars()), got ${s === null ? 'null' : typeof s}`);
  }
}

/** The parameter block as 32-bit words over `memory`, rebuilt when growth detached the view. */
export class ParamBlock {
  readonly #memory: { readonly buffer: ArrayBufferLike };
  #words: Int32Array;
  constructor(memory: { readonly buffer: ArrayBufferLike }) {
    this.#memory = memory;
    this.#words = new Int32Array(memory.buffer, PARAMS_OFFSET, PARAMS_BYTES >> 2);
  }
  /** Writes `s` at the block; returns the block's byte offset. */
  write(s: ScalarStruct): number {
    let b = this.#words;
    // A detached view (the memory grew; shared memory never detaches) has length 0.
    if (b.length === 0) b = this.#words = new Int32Array(this.#memory.buffer, PARAMS_OFFSET, PARAMS_BYTES >> 2);
    copyWords(b, s.words);
    return PARAMS_OFFSET;
  }
}

/**
 * b[0 … w.length) ← w, as 32-bit words (no float conversions: the bits are copied as they are),
 * unrolled: measured cheaper than Float32Array.prototype.set or an element loop for a few scalars.
 */
function copyWords(b: Int32Array, w: Int32Array): void {
  /* eslint-disable no-fallthrough */
  switch (w.length) {
    case 16: b[15] = w[15]!;
    case 15: b[14] = w[14]!;
    case 14: b[13] = w[13]!;
    case 13: b[12] = w[12]!;
    case 12: b[11] = w[11]!;
    case 11: b[10] = w[10]!;
    case 10: b[9] = w[9]!;
    case 9: b[8] = w[8]!;
    case 8: b[7] = w[7]!;
    case 7: b[6] = w[6]!;
    case 6: b[5] = w[5]!;
    case 5: b[4] = w[4]!;
    case 4: b[3] = w[3]!;
    case 3: b[2] = w[2]!;
    case 2: b[1] = w[1]!;
    case 1: b[0] = w[0]!;
  }
  /* eslint-enable no-fallthrough */
}

/** Binds a kernel `fn(pointers…, ints…, params)` so it takes the struct as its last argument. */
export function bindWasm(name: string, decl: KernelDecl, fn: Fn, block: ParamBlock): Fn {
  if (decl.scalars.length === 0) return fn;
  const names = new decl.Scalars().names;
  const bound = forward(decl.arity - 1, (s) => (checkStruct(name, names, s), block.write(s)), fn);
  return Object.assign(bound, { scalars: () => new decl.Scalars() });
}

/** Checks that a binary's export `fn` matches the table entry; throws an Error naming what differs. */
export function checkExport(name: string, decl: KernelDecl, fn: unknown, binary: string): Fn {
  if (typeof fn !== 'function') throw new Error(`wasm-optim: kernel ${name} missing from the ${binary} binary`);
  if (fn.length !== decl.arity) {
    throw new Error(`wasm-optim: kernel ${name} of the ${binary} binary takes ${fn.length} arguments, the table declares ${decl.arity}`);
  }
  return fn as Fn;
}

/** Kernels from a WebAssembly instance's exports, on `memory`; throws when the binary and the table disagree. */
export function wasmKernels(exports: Record<string, unknown>, memory: { readonly buffer: ArrayBufferLike }, binary = 'wasm'): Kernels {
  const block = new ParamBlock(memory);
  return kernelObject(KERNEL_TABLE.map(({ name, decl }) => [name, bindWasm(name, decl, checkExport(name, decl, exports[name], binary), block)]));
}

/** The pure-JS reference kernels, bound to `heap`: scalars go through the same parameter block. */
export function jsKernels(heap: Heap): Kernels {
  return kernelObject(KERNEL_TABLE.map(({ name, decl }) => [name, bindReference(name, decl, heap)]));
}

function bindReference(name: string, decl: KernelDecl, heap: Heap): Fn {
  const target = decl.reference.bind(null, heap) as Fn;
  if (decl.scalars.length === 0) return target;
  // The reference reads its scalars from the block, through a struct over a view of it (a new
  // view only after the memory grew).
  const count = decl.scalars.length;
  const at = PARAMS_OFFSET >> 2;
  const view = new decl.Scalars(heap.f32.subarray(at, at + count));
  const names = view.names;
  const prepare = (s: ScalarStruct) => {
    checkStruct(name, names, s);
    const f32 = heap.f32;
    if (view.values.buffer !== f32.buffer) view.values = f32.subarray(at, at + count);
    view.values.set(s.values);
    return view;
  };
  return Object.assign(forward(decl.arity - 1, prepare, target), { scalars: () => new decl.Scalars() });
}

/**
 * The kernels object, frozen. Built with Object.fromEntries, which keeps it in V8's fast-property
 * mode (43 properties added one by one under computed names made a dictionary, a slower lookup
 * on every call).
 */
export function kernelObject(entries: ReadonlyArray<readonly [string, unknown]>): Kernels {
  return Object.freeze(Object.fromEntries(entries)) as unknown as Kernels;
}
