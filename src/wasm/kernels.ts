/**
 * The kernels an optimizer calls, bound by the table (kernel-table.ts): the same names and
 * arguments whichever path runs them — the exports of a WebAssembly build or the pure-JS
 * references on the engine's heap. Pointers are byte offsets into the engine's memory; a kernel
 * with scalars takes them last, as one struct from `k.<name>.scalars()` (or `scalars(name)`),
 * which the call writes into the parameter block (one `Float32Array.set`) before running.
 */
import type { Heap } from '../memory/heap.js';
import type { KernelDecl, Scalars, ScalarStruct } from '../reference/kernel.js';
import { KERNEL_TABLE, type KernelName, PARAMS_BYTES, PARAMS_OFFSET } from './kernel-table.js';
import * as reference from '../reference/index.js';

export { KERNEL_NAMES, type KernelName, scalars } from './kernel-table.js';

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
  switch (lead) {
    case 1: return (a, s) => target(a, prepare(s));
    case 2: return (a, b, s) => target(a, b, prepare(s));
    case 3: return (a, b, c, s) => target(a, b, c, prepare(s));
    case 4: return (a, b, c, d, s) => target(a, b, c, d, prepare(s));
    case 5: return (a, b, c, d, e, s) => target(a, b, c, d, e, prepare(s));
    case 6: return (a, b, c, d, e, g, s) => target(a, b, c, d, e, g, prepare(s));
    case 7: return (a, b, c, d, e, g, i, s) => target(a, b, c, d, e, g, i, prepare(s));
    default:
      return (...xs: unknown[]) => {
        xs[lead] = prepare(xs[lead] as ScalarStruct);
        return target(...xs);
      };
  }
}

/** Checks `s` is a struct of `decl`'s class: a TypeError naming the kernel otherwise. */
function checkStruct(name: string, decl: KernelDecl, s: unknown): asserts s is ScalarStruct {
  if (!(s instanceof decl.Scalars)) {
    throw new TypeError(`${name}: the last argument must be the kernel's scalar struct (${name}.scalars()), got ${s === null ? 'null' : typeof s}`);
  }
}

/** The parameter block as a Float32Array over `memory`, rebuilt when growth detached it. */
export class ParamBlock {
  readonly #memory: { readonly buffer: ArrayBufferLike };
  #f32: Float32Array;
  constructor(memory: { readonly buffer: ArrayBufferLike }) {
    this.#memory = memory;
    this.#f32 = new Float32Array(memory.buffer, PARAMS_OFFSET, PARAMS_BYTES >> 2);
  }
  /** Writes `s` at the block; returns the block's byte offset. */
  write(s: ScalarStruct): number {
    let b = this.#f32;
    // A detached view (the memory grew; shared memory never detaches) has length 0.
    if (b.length === 0) b = this.#f32 = new Float32Array(this.#memory.buffer, PARAMS_OFFSET, PARAMS_BYTES >> 2);
    b.set(s.values);
    return PARAMS_OFFSET;
  }
}

/** Binds a kernel `fn(pointers…, ints…, params)` so it takes the struct as its last argument. */
export function bindWasm(name: string, decl: KernelDecl, fn: Fn, block: ParamBlock): Fn {
  if (decl.scalars.length === 0) return fn;
  const bound = forward(decl.arity - 1, (s) => (checkStruct(name, decl, s), block.write(s)), fn);
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
  const out: Record<string, unknown> = {};
  for (const { name, decl } of KERNEL_TABLE) out[name] = bindWasm(name, decl, checkExport(name, decl, exports[name], binary), block);
  return out as unknown as Kernels;
}

/** The pure-JS reference kernels, bound to `heap`: scalars go through the same parameter block. */
export function jsKernels(heap: Heap): Kernels {
  const out: Record<string, unknown> = {};
  for (const { name, decl } of KERNEL_TABLE) {
    const target = decl.reference.bind(null, heap) as Fn;
    if (decl.scalars.length === 0) {
      out[name] = target;
      continue;
    }
    // The reference reads its scalars from the block, through a struct view over the heap.
    const view = new decl.Scalars(heap.f32, PARAMS_OFFSET >> 2);
    const prepare = (s: ScalarStruct) => {
      checkStruct(name, decl, s);
      const f32 = heap.f32;
      f32.set(s.values, PARAMS_OFFSET >> 2);
      view.values = f32;
      return view;
    };
    out[name] = Object.assign(forward(decl.arity - 1, prepare, target), { scalars: () => new decl.Scalars() });
  }
  return out as unknown as Kernels;
}
