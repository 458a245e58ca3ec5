/**
 * The engine: one memory, one arena, one kernel table. Everything an optimizer touches lives in
 * the engine's memory; parameters, gradients and state are reached through zero-copy views.
 */
import { Arena } from './memory/arena.js';
import { Heap } from './memory/heap.js';
import { ArrayBufferMemory, type LinearMemory, MAX_PAGES, PAGE_BYTES } from './memory/linear-memory.js';
import { Parameter, ParameterBlock, type ParameterHost } from './memory/parameter.js';
import { jsKernels, type Kernels, wasmKernels } from './wasm/kernels.js';
import { hasSharedMemory, hasSimd, hasWebAssembly, instantiateKernels } from './wasm/loader.js';
import type { ThreadPool } from './threads/pool.js';
import { DEFAULT_THREAD_THRESHOLD } from './threads/split.js';
import { availableThreads, threadedKernels } from './threads/threaded.js';

/** Where the kernels run: WebAssembly SIMD, WebAssembly without SIMD, or pure JS. All three give the same bits. */
export type Backend = 'simd' | 'scalar' | 'js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /**
   * Which path runs the kernels. Default `'auto'`: SIMD where the runtime validates WebAssembly
   * SIMD, else the scalar WebAssembly build, else pure JS.
   */
  backend?: Backend | 'auto';
  /**
   * Bytes of memory to reserve up front (default 1 MiB). Growing the memory later detaches every
   * view handed out before, and slows typed-array code elsewhere in the process; size it here.
   */
  initialBytes?: number;
  /**
   * Threads that share each large update (default 1): a number, or `'auto'` for every core.
   * Above 1 the engine uses shared memory and `threads − 1` workers (Node `worker_threads`, Web
   * Workers in browsers, which need cross-origin isolation); results are bit-identical to one
   * thread. Needs the SIMD backend.
   */
  threads?: number | 'auto';
  /** Elements below which a kernel call stays on the calling thread. Default 524,288. */
  threadThreshold?: number;
}

/**
 * What `engine.parameters()` accepts per parameter: a length, a shape, or initial values (copied
 * once into the engine; the array itself is not kept). `{ shape, data, name }` gives all three.
 */
export type ParameterSpec =
  | number
  | readonly number[]
  | ArrayLike<number>
  | {
      /** Dimensions; default `[data.length]`. */
      shape?: readonly number[];
      /** Initial values (copied once), as many as the shape holds. Default zeros. */
      data?: ArrayLike<number>;
      /** Name, used for checkpoint tensors (`param.<name>`). */
      name?: string;
    };

/** Byte offset of the reductions' scratch space; the arena starts above it. */
export const SCRATCH_OFFSET = 64;
const ARENA_BASE = 256;

/** Picks the backend `'auto'` resolves to in this runtime. */
export function detectBackend(): Backend {
  if (!hasWebAssembly()) return 'js';
  return hasSimd() ? 'simd' : 'scalar';
}

function isShape(x: unknown): x is readonly number[] {
  return Array.isArray(x) && x.every((d) => typeof d === 'number');
}

function checkShape(shape: readonly number[], where: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${where}: shape dimensions must be non-negative integers, got [${shape.join(', ')}]`);
    }
  }
}

interface Resolved {
  shape: readonly number[];
  length: number;
  data?: ArrayLike<number>;
  name?: string;
}

function resolveSpec(spec: ParameterSpec, i: number): Resolved {
  const where = `parameters: spec ${i}`;
  if (typeof spec === 'number') {
    checkShape([spec], where);
    return { shape: [spec], length: spec };
  }
  if (isShape(spec)) {
    checkShape(spec, where);
    return { shape: spec, length: spec.reduce((a, b) => a * b, 1) };
  }
  if (ArrayBuffer.isView(spec) && !(spec instanceof DataView)) {
    const data = spec as unknown as ArrayLike<number>;
    return { shape: [data.length], length: data.length, data };
  }
  if (typeof spec === 'object' && spec !== null) {
    const o = spec as { shape?: readonly number[]; data?: ArrayLike<number>; name?: string };
    for (const k of Object.keys(o)) {
      if (k !== 'shape' && k !== 'data' && k !== 'name') throw new TypeError(`${where}: unknown field "${k}"`);
    }
    if (o.name !== undefined && typeof o.name !== 'string') throw new TypeError(`${where}: name must be a string`);
    if (o.data !== undefined && (typeof o.data !== 'object' || typeof o.data.length !== 'number')) {
      throw new TypeError(`${where}: data must be an array-like of numbers`);
    }
    const shape = o.shape ?? (o.data ? [o.data.length] : undefined);
    if (!shape || !isShape(shape)) throw new TypeError(`${where}: expected a shape (number[]) or data`);
    checkShape(shape, where);
    const length = shape.reduce((a, b) => a * b, 1);
    if (o.data && o.data.length !== length) {
      throw new RangeError(`${where}: data has ${o.data.length} elements but shape [${shape.join(', ')}] needs ${length}`);
    }
    return { shape, length, data: o.data, name: o.name };
  }
  throw new TypeError(`${where}: expected a length, a shape, an array of values or { shape, data, name }`);
}

/** One memory, one arena and one kernel table: parameters, gradients and optimizer state live in its memory. Made by {@link createEngine}. */
export class Engine implements ParameterHost {
  /** The path the kernels run on. */
  readonly backend: Backend;
  /** @internal the linear memory (a `WebAssembly.Memory`, or an `ArrayBuffer` on the JS path) */
  readonly memory: LinearMemory;
  /** @internal allocator of the blocks in `memory` */
  readonly arena: Arena;
  /** @internal typed views of `memory`, renewed when it grows */
  readonly heap: Heap;
  /** @internal the kernel table of the backend */
  readonly kernels: Kernels;
  /** Threads that share large updates (1: the calling thread only). */
  readonly threads: number;
  /** @internal the worker pool when threads > 1 */
  readonly pool: ThreadPool | null;
  /** @internal parameters disposed so far */
  disposals = 0;
  #disposed = false;

  /** @internal use {@link createEngine} */
  constructor(backend: Backend, memory: LinearMemory, kernels: Kernels | null, pool: ThreadPool | null = null) {
    this.backend = backend;
    this.pool = pool;
    this.threads = pool ? pool.size + 1 : 1;
    this.memory = memory;
    this.arena = new Arena(memory, ARENA_BASE);
    this.heap = new Heap(memory);
    this.kernels = kernels ?? jsKernels(this.heap);
  }

  /** True after {@link Engine.dispose}: its parameters and optimizers can no longer be used. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Number of times this engine's memory has grown (each growth detached older views). */
  get growCount(): number {
    return this.arena.growCount;
  }

  /** Calls `fn` after every memory growth; returns a function that unsubscribes. */
  onGrow(fn: () => void): () => void {
    return this.arena.onGrow(fn);
  }

  #live(where: string): void {
    if (this.#disposed) throw new TypeError(`${where}: the engine has been disposed`);
  }

  /**
   * Allocates parameters together: values contiguous in one block and gradients in another, in
   * the order given, so an optimizer over them makes one kernel call. Values start at 0 unless
   * given; gradients start at 0.
   *
   * @example
   * const [w, b] = engine.parameters([[784, 128], [128]]);
   * w.data.set(initialWeights);
   */
  parameters(specs: readonly ParameterSpec[]): Parameter[] {
    this.#live('parameters');
    if (!Array.isArray(specs)) throw new TypeError('parameters: expected an array of specs');
    const resolved = specs.map(resolveSpec);
    for (const [i, r] of resolved.entries()) {
      if (r.data) {
        for (let k = 0; k < r.data.length; k++) {
          if (typeof r.data[k] !== 'number') throw new TypeError(`parameters: spec ${i}: data[${k}] is not a number`);
        }
      }
    }
    const total = resolved.reduce((a, r) => a + r.length, 0);
    if (total * 4 > MAX_PAGES * PAGE_BYTES) throw new RangeError(`parameters: ${total} elements exceed the 4 GiB memory limit`);
    const valueOffset = this.arena.alloc(total * 4);
    let gradOffset: number;
    try {
      gradOffset = this.arena.alloc(total * 4);
    } catch (e) {
      this.arena.free(valueOffset);
      throw e;
    }
    const block = new ParameterBlock(this, valueOffset, gradOffset, total, resolved.length);
    const f32 = this.heap.f32;
    let at = 0;
    return resolved.map((r) => {
      const p = new Parameter(block, r.shape, valueOffset + at * 4, gradOffset + at * 4, r.name);
      if (r.data) f32.set(r.data, (valueOffset >> 2) + at);
      at += r.length;
      return p;
    });
  }

  /** One parameter; see {@link Engine.parameters}. */
  parameter(spec: ParameterSpec): Parameter {
    return this.parameters([spec])[0]!;
  }

  /** Copies `values` into the engine once; from then on, work through the returned parameter. */
  adopt(values: ArrayLike<number>, shape?: readonly number[]): Parameter {
    return this.parameter(shape ? { shape, data: values } : { data: values });
  }

  /** Allocates a zeroed block of `length` floats (for optimizer state); returns its byte offset. */
  allocFloats(length: number): number {
    this.#live('allocFloats');
    return this.arena.alloc(length * 4);
  }

  /** Frees a block from {@link Engine.allocFloats}. */
  freeFloats(offset: number): void {
    if (!this.#disposed) this.arena.free(offset);
  }

  /** Releases everything (and ends the worker threads); parameters and optimizers of this engine become unusable. */
  dispose(): void {
    this.#disposed = true;
    this.pool?.terminate();
  }
}

/**
 * Creates an engine.
 *
 * @example
 * const engine = await createEngine();               // SIMD where supported
 * const engine = await createEngine({ backend: 'js', initialBytes: 64 << 20 });
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  if (typeof options !== 'object' || options === null) throw new TypeError('createEngine: options must be an object');
  for (const k of Object.keys(options)) {
    if (!['backend', 'initialBytes', 'threads', 'threadThreshold'].includes(k)) throw new TypeError(`createEngine: unknown option "${k}"`);
  }
  const requested = options.backend ?? 'auto';
  if (!['auto', 'simd', 'scalar', 'js'].includes(requested)) {
    throw new TypeError(`createEngine: backend must be "auto", "simd", "scalar" or "js", got ${JSON.stringify(requested)}`);
  }
  const initialBytes = options.initialBytes ?? 1 << 20;
  if (!Number.isInteger(initialBytes) || initialBytes < 0 || initialBytes > MAX_PAGES * PAGE_BYTES) {
    throw new RangeError(`createEngine: initialBytes must be an integer in [0, 4 GiB], got ${initialBytes}`);
  }
  const backend: Backend = requested === 'auto' ? detectBackend() : requested;
  const threadsOpt = options.threads ?? 1;
  if (threadsOpt !== 'auto' && (!Number.isInteger(threadsOpt) || threadsOpt < 1 || threadsOpt > 256)) {
    throw new RangeError(`createEngine: threads must be an integer in [1, 256] or "auto", got ${JSON.stringify(threadsOpt)}`);
  }
  const threshold = options.threadThreshold ?? DEFAULT_THREAD_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new RangeError(`createEngine: threadThreshold must be a non-negative integer, got ${threshold}`);
  }
  const threads = threadsOpt === 'auto' ? (backend === 'simd' && hasSharedMemory() ? await availableThreads() : 1) : threadsOpt;
  const pages = Math.max(1, Math.ceil(initialBytes / PAGE_BYTES));
  if (backend === 'js') {
    const memory = hasWebAssembly() ? new WebAssembly.Memory({ initial: pages }) : new ArrayBufferMemory(pages);
    return new Engine('js', memory, null);
  }
  if (!hasWebAssembly()) {
    throw new Error(`createEngine: backend "${backend}" needs WebAssembly, which is not available in this runtime; use backend "js"`);
  }
  if (threads > 1) {
    if (backend !== 'simd') throw new RangeError(`createEngine: threads > 1 needs the "simd" backend, got "${backend}"`);
    if (!hasSharedMemory()) {
      throw new Error('createEngine: threads > 1 needs shared WebAssembly memory (SharedArrayBuffer; in browsers, a cross-origin isolated page)');
    }
    const shared = new WebAssembly.Memory({ initial: pages, maximum: MAX_PAGES, shared: true });
    const { kernels, pool } = await threadedKernels(shared, threads, threshold);
    return new Engine(backend, shared, kernels, pool);
  }
  const memory = new WebAssembly.Memory({ initial: pages });
  const exports = await instantiateKernels(backend, memory);
  return new Engine(backend, memory, wasmKernels(exports, backend));
}
