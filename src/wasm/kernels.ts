/**
 * The kernel table an optimizer calls: the same names and arguments whichever path runs them —
 * `<name>_simd` or `<name>_scalar` exports of a WebAssembly build, or the pure-JS reference bound
 * to the engine's heap. Pointers are byte offsets into the engine's memory.
 */
import type { Heap } from '../memory/heap.js';
import * as reference from '../reference/index.js';

type Reference = typeof reference;
type DropHeap<F> = F extends (h: Heap, ...rest: infer A) => infer R ? (...args: A) => R : never;

export type KernelName = keyof Reference;
export type Kernels = { readonly [K in KernelName]: DropHeap<Reference[K]> };

export const KERNEL_NAMES = Object.keys(reference) as KernelName[];

/** Kernels from a WebAssembly instance's exports (`suffix` picks the SIMD or scalar entry). */
export function wasmKernels(exports: Record<string, unknown>, suffix: 'simd' | 'scalar'): Kernels {
  const out: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const fn = exports[`${name}_${suffix}`];
    if (typeof fn !== 'function') throw new Error(`wasm-optim: kernel ${name}_${suffix} missing from the binary`);
    out[name] = fn;
  }
  return out as unknown as Kernels;
}

/** The pure-JS reference kernels, bound to `heap`. */
export function jsKernels(heap: Heap): Kernels {
  const out: Record<string, unknown> = {};
  for (const name of KERNEL_NAMES) {
    const fn = reference[name] as (h: Heap, ...args: number[]) => unknown;
    out[name] = (...args: number[]) => fn(heap, ...args);
  }
  return out as unknown as Kernels;
}
