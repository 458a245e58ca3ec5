/**
 * The kernel table: every kernel declared in src/reference/ (src/reference/index.ts is the one
 * list of families), in declaration order, with what the bindings, the thread split, the
 * argument-count checks and the typings derive from it. Values of the namespace that are not
 * kernel declarations (helpers) are not kernels.
 *
 * Memory layout below the arena (byte offsets): [64, 128) the reductions' scratch space
 * (`SCRATCH_OFFSET`, engine.ts), [128, 192) the parameter block the kernels read their scalars
 * from, the arena from 256.
 */
import * as reference from '../reference/index.js';
import { isKernel, type KernelDecl, MAX_SCALARS, type Scalars } from '../reference/kernel.js';

/** Byte offset of the parameter block: up to MAX_SCALARS float32, one kernel call's scalars. */
export const PARAMS_OFFSET = 128;
/** Size of the parameter block in bytes. */
export const PARAMS_BYTES = MAX_SCALARS * 4;
/** Lowest byte offset the arena may use: above the scratch space and the parameter block. */
export const ARENA_BASE = 256;

type Reference = typeof reference;
/** Names of the declared kernels. */
export type KernelName = { [K in keyof Reference]: Reference[K] extends KernelDecl ? K : never }[keyof Reference];
/** The scalar struct of kernel K. */
export type ScalarsOf<K extends KernelName> = Reference[K] extends KernelDecl<infer _A, infer _R, infer S> ? Scalars<S> : never;

export interface KernelEntry {
  readonly name: KernelName;
  readonly decl: KernelDecl;
  /** Cut across threads: every pointer elementwise, one size `n`, nothing returned. */
  readonly splittable: boolean;
}

export const KERNEL_TABLE: readonly KernelEntry[] = Object.entries(reference)
  .filter(([, v]) => isKernel(v))
  .map(([name, v]) => {
    const decl = v as unknown as KernelDecl;
    const splittable = decl.kinds.every((k) => k === 'elementwise') && decl.ints.length === 1 && decl.ints[0] === 'n' && decl.returns === 'void';
    return { name: name as KernelName, decl, splittable };
  });

export const KERNEL_NAMES: readonly KernelName[] = KERNEL_TABLE.map((e) => e.name);

const byName = new Map<string, KernelEntry>(KERNEL_TABLE.map((e) => [e.name, e]));

/** The table entry of `name`; throws a TypeError for a name that is not a kernel. */
export function kernelEntry(name: string): KernelEntry {
  const e = byName.get(name);
  if (!e) throw new TypeError(`wasm-optim: "${name}" is not a kernel`);
  return e;
}

/**
 * A new scalar struct for kernel `name` (all zero). Make one per call site, once, and fill it
 * before each call: `s.negLr = -lr; k.sgd_f32(p, g, n, s)`.
 */
export function scalars<K extends KernelName>(name: K): ScalarsOf<K> {
  return new (kernelEntry(name).decl.Scalars)() as ScalarsOf<K>;
}

/**
 * Where scalar `scalar` of kernel `name` lies in its struct's `values` (and in the parameter
 * block): for a hot path that writes a float32 there directly, without the struct's setter.
 */
export function scalarIndex<K extends KernelName>(name: K, scalar: keyof ScalarsOf<K> & string): number {
  const i = kernelEntry(name).decl.scalars.indexOf(scalar);
  if (i < 0) throw new TypeError(`wasm-optim: kernel ${name} has no scalar "${scalar}"`);
  return i;
}
