/**
 * The engine: one memory, one arena, one kernel table. Everything an optimizer touches lives in
 * the engine's memory; parameters, gradients and state are reached through zero-copy views.
 */
import { Arena, OutOfMemoryError } from './memory/arena.js';
import { firstUnknownKey, unknownKey } from './validation/index.js';
import { type ParameterSpec, resolveSpec, show } from './memory/spec.js';
import { Heap } from './memory/heap.js';
import { ArrayBufferMemory, type LinearMemory, MAX_PAGES, PAGE_BYTES } from './memory/linear-memory.js';
import { Parameter, ParameterBlock, type ParameterHost } from './memory/parameter.js';
import { ARENA_BASE } from './wasm/kernel-table.js';
import { jsKernels, type Kernels, wasmKernels } from './wasm/kernels.js';
import { hasSharedMemory, hasSimd, hasWebAssembly, instantiateKernels } from './wasm/loader.js';
import type { ThreadPool } from './threads/pool.js';
import { DEFAULT_THREAD_THRESHOLD } from './threads/split.js';
import { availableThreads, threadedKernels } from './threads/threaded.js';

/** Where the kernels run: WebAssembly SIMD, WebAssembly without SIMD, or pure JS. All three give the same bits. */
export type Backend = 'simd' | 'scalar' | 'js';
export type { ParameterSpec } from './memory/spec.js';

/** Options of {@link createEngine}. */
export interface EngineOptions {
  /**
   * Which path runs the kernels. Default `'auto'`: SIMD where the runtime validates WebAssembly
   * SIMD, else the scalar WebAssembly build, else pure JS.
   */
  backend?: Backend | 'auto';
  /**
   * Bytes of memory to reserve up front (default 4 MiB, enough for a 784×128 layer with Adam).
   * When more is needed the memory grows (to at least twice its size, up to `maximumBytes`), and
   * growing **detaches every view handed out before**: a `p.grad` taken earlier reads as length
   * 0 and writes to it are lost. Read `p.data` / `p.grad` again after allocating, or size the
   * memory here so it never grows. The engine warns once (`console.warn`) when its memory grows
   * after views were handed out, unless an `engine.onGrow()` listener is registered.
   */
  initialBytes?: number;
  /**
   * Cap on the engine's memory in bytes (default and upper limit 4 GiB, the wasm32 limit; at
   * least 64 KiB; rounded down to whole 64 KiB pages). An allocation that would pass it throws
   * an `OutOfMemoryError` (a `RangeError`) and changes nothing.
   */
  maximumBytes?: number;
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

/** Byte offset of the reductions' scratch space (64 bytes); the kernels' parameter block and the arena lie above it (src/wasm/kernel-table.ts). */
export const SCRATCH_OFFSET = 64;
/**
 * Default `initialBytes`: 4 MiB. The README's 784×128 + 128 network with Adam takes 1.54 MiB
 * (values, gradients, two moments), with `amsgrad` 1.92 MiB; 4 MiB leaves room for the
 * activations of a small training loop without growing.
 */
export const DEFAULT_INITIAL_BYTES = 4 << 20;
const MAX_BYTES = MAX_PAGES * PAGE_BYTES;

/** Picks the backend `'auto'` resolves to in this runtime. */
export function detectBackend(): Backend {
  if (!hasWebAssembly()) return 'js';
  return hasSimd() ? 'simd' : 'scalar';
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
  #viewsOut = false;
  #warned = false;

  /** @internal use {@link createEngine} */
  constructor(backend: Backend, memory: LinearMemory, kernels: Kernels | null, pool: ThreadPool | null = null, maximumBytes = MAX_BYTES) {
    this.backend = backend;
    this.pool = pool;
    this.threads = pool ? pool.size + 1 : 1;
    this.memory = memory;
    this.arena = new Arena(memory, ARENA_BASE, maximumBytes);
    this.heap = new Heap(memory);
    this.kernels = kernels ?? jsKernels(this.heap);
    this.arena.onGrow(() => this.#grew());
  }

  /** True after {@link Engine.dispose}: its parameters and optimizers can no longer be used. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Number of times this engine's memory has grown (each growth detached older views). */
  get growCount(): number {
    return this.arena.growCount;
  }

  /** The cap on this engine's memory, in bytes (`maximumBytes`, rounded down to 64 KiB pages). */
  get maximumBytes(): number {
    return this.arena.maximumBytes;
  }

  /**
   * Calls `fn` after every memory growth; returns a function that unsubscribes. Subscribing also
   * turns off the engine's one-time warning about growth after views were handed out.
   */
  onGrow(fn: () => void): () => void {
    if (typeof fn !== 'function') throw new TypeError(`onGrow: fn must be a function, got ${show(fn)}`);
    return this.arena.onGrow(fn);
  }

  /** @internal a parameter made views of the current buffer */
  viewsHandedOut(): void {
    this.#viewsOut = true;
  }

  #grew(): void {
    // The engine's own listener is the first; any other means the caller watches growth.
    if (!this.#viewsOut || this.#warned || this.arena.listenerCount > 1) return;
    this.#warned = true;
    console.warn(
      `wasm-optim: the engine's memory grew to ${this.memory.buffer.byteLength} bytes after parameter views were handed out; ` +
        'Float32Array views taken before (p.data, p.grad) are now detached and writes to them are lost. ' +
        'Read p.data / p.grad again after allocating, or size the memory with createEngine({ initialBytes }). (Warned once per engine.)',
    );
  }

  /** Blocks handed out by allocMany()/allocFloats() and not freed yet. */
  readonly #floatBlocks = new Set<number>();

  #live(where: string): void {
    if (this.#disposed) throw new TypeError(`${where}: the engine has been disposed`);
  }

  /**
   * Allocates parameters together: values contiguous in one block and gradients in another, in
   * the order given, so an optimizer over them makes one kernel call. Values start at 0 unless
   * given; gradients start at 0. A spec is a length, a shape (an array of non-negative integers),
   * values as a typed array, or `{ shape, data, name }`; a plain array is always a shape, never
   * values.
   *
   * @example
   * const [w, b] = engine.parameters([[784, 128], [128]]);
   * w.data.set(initialWeights);
   * const [c] = engine.parameters([{ data: [0.5, -0.3], name: 'c' }]);
   */
  parameters(specs: readonly ParameterSpec[]): Parameter[] {
    this.#live('parameters');
    if (!Array.isArray(specs)) throw new TypeError(`parameters: specs must be an array, got ${show(specs)}`);
    const resolved = Array.from(specs, (s, i) => resolveSpec(s, i)); // holes reach resolveSpec too
    for (const [i, r] of resolved.entries()) {
      if (r.data) {
        for (let k = 0; k < r.data.length; k++) {
          if (typeof r.data[k] !== 'number') throw new TypeError(`parameters: spec ${i}: data[${k}] must be a number, got ${show(r.data[k])}`);
        }
      }
    }
    const total = resolved.reduce((a, r) => a + r.length, 0);
    if (total * 8 > MAX_BYTES) throw new OutOfMemoryError(total * 8, this.arena.bytesInUse, this.maximumBytes, `: parameters: ${total} elements (values and gradients) exceed the 4 GiB wasm32 limit`);
    const [valueOffset, gradOffset] = this.arena.allocMany([total * 4, total * 4]) as [number, number];
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

  /** One parameter; see {@link Engine.parameters}. `engine.parameter([2, 3])` is a 2×3 shape. */
  parameter(spec: ParameterSpec): Parameter {
    return this.parameters([spec])[0]!;
  }

  /**
   * Copies `values` into the engine once; from then on, work through the returned parameter (your
   * array is never updated). To keep training your own arrays, bind them with `bindArrays(engine,
   * arrays)`, which copies both ways on request (`push()`, `pull()`).
   */
  adopt(values: ArrayLike<number>, shape?: readonly number[]): Parameter {
    return this.parameter(shape ? { shape, data: values } : { data: values });
  }

  /** Allocates a zeroed block of `length` floats (for optimizer state); returns its byte offset. */
  allocFloats(length: number): number {
    return this.allocMany([length])[0]!;
  }

  /**
   * Allocates zeroed blocks of `lengths[i]` floats, all or none: the memory grows at most once,
   * and when they do not fit an `OutOfMemoryError` (a `RangeError`) is thrown with nothing taken
   * and the memory unchanged. Returns their byte offsets.
   */
  allocMany(lengths: readonly number[]): number[] {
    this.#live('allocMany');
    if (!Array.isArray(lengths)) throw new TypeError(`allocMany: lengths must be an array of non-negative integers, got ${show(lengths)}`);
    for (const n of lengths) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`allocMany: lengths must be non-negative integers, got ${show(n)}`);
    }
    const offsets = this.arena.allocMany(lengths.map((n) => n * 4));
    for (const o of offsets) this.#floatBlocks.add(o);
    return offsets;
  }

  /**
   * Frees a block from {@link Engine.allocFloats} or {@link Engine.allocMany}; any other offset
   * (a parameter's, one freed already) is a RangeError, so no live block can be handed out twice.
   */
  freeFloats(offset: number): void {
    if (this.#disposed) return;
    if (!this.#floatBlocks.delete(offset)) {
      throw new RangeError(`freeFloats: offset must be a block from allocFloats() or allocMany() not freed yet, got ${show(offset)}`);
    }
    this.arena.free(offset);
  }

  /** Releases everything (and ends the worker threads); parameters and optimizers of this engine become unusable. */
  dispose(): void {
    this.#disposed = true;
    this.pool?.terminate();
  }
}

const OPTION_NAMES = ['backend', 'initialBytes', 'maximumBytes', 'threads', 'threadThreshold'];

/**
 * Creates an engine.
 *
 * @example
 * const engine = await createEngine();               // SIMD where supported
 * const engine = await createEngine({ backend: 'js', initialBytes: 64 << 20 });
 */
export async function createEngine(given: EngineOptions = {}): Promise<Engine> {
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new TypeError(`createEngine: options must be an object, got ${show(given)}`);
  }
  // Own properties only: an inherited `backend` (a polluted prototype) must not choose anything.
  const options: EngineOptions = Object.fromEntries(Object.keys(given).map((k) => [k, (given as Record<string, unknown>)[k]]));
  const unknown = firstUnknownKey(options, OPTION_NAMES);
  if (unknown !== undefined) throw unknownKey(unknown, OPTION_NAMES, 'createEngine');
  const requested = options.backend ?? 'auto';
  if (!['auto', 'simd', 'scalar', 'js'].includes(requested)) {
    throw new TypeError(`createEngine: backend must be "auto", "simd", "scalar" or "js", got ${show(requested)}`);
  }
  const maximumBytes = options.maximumBytes ?? MAX_BYTES;
  if (!Number.isInteger(maximumBytes) || maximumBytes < PAGE_BYTES || maximumBytes > MAX_BYTES) {
    throw new RangeError(`createEngine: maximumBytes must be an integer in [65536, 4 GiB], got ${show(maximumBytes)}`);
  }
  const initialBytes = options.initialBytes ?? Math.min(DEFAULT_INITIAL_BYTES, maximumBytes);
  if (!Number.isInteger(initialBytes) || initialBytes < 0 || initialBytes > MAX_BYTES) {
    throw new RangeError(`createEngine: initialBytes must be an integer in [0, 4 GiB], got ${show(initialBytes)}`);
  }
  const maxPages = Math.floor(maximumBytes / PAGE_BYTES);
  const pages = Math.max(1, Math.ceil(initialBytes / PAGE_BYTES));
  if (pages > maxPages) {
    throw new RangeError(`createEngine: initialBytes must be at most maximumBytes (${maximumBytes}), got ${initialBytes}`);
  }
  const backend: Backend = requested === 'auto' ? detectBackend() : requested;
  const threadsOpt = options.threads ?? 1;
  if (threadsOpt !== 'auto' && (!Number.isInteger(threadsOpt) || threadsOpt < 1 || threadsOpt > 256)) {
    throw new RangeError(`createEngine: threads must be an integer in [1, 256] or "auto", got ${show(threadsOpt)}`);
  }
  const threshold = options.threadThreshold ?? DEFAULT_THREAD_THRESHOLD;
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new RangeError(`createEngine: threadThreshold must be a non-negative integer, got ${show(threshold)}`);
  }
  if (threadsOpt !== 'auto' && threadsOpt > 1 && backend !== 'simd') {
    throw new RangeError(`createEngine: threads > 1 needs the "simd" backend, got "${backend}"`);
  }
  const threads = threadsOpt === 'auto' ? (backend === 'simd' && hasSharedMemory() ? await availableThreads() : 1) : threadsOpt;
  if (backend === 'js') {
    const memory = hasWebAssembly() ? new WebAssembly.Memory({ initial: pages, maximum: maxPages }) : new ArrayBufferMemory(pages, maxPages);
    return new Engine('js', memory, null, null, maximumBytes);
  }
  if (!hasWebAssembly()) {
    throw new Error(`createEngine: backend "${backend}" needs WebAssembly, which is not available in this runtime; use backend "js"`);
  }
  if (threads > 1) {
    if (!hasSharedMemory()) {
      throw new Error('createEngine: threads > 1 needs shared WebAssembly memory (SharedArrayBuffer; in browsers, a cross-origin isolated page)');
    }
    const shared = new WebAssembly.Memory({ initial: pages, maximum: maxPages, shared: true });
    const { kernels, pool } = await threadedKernels(shared, threads, threshold);
    return new Engine(backend, shared, kernels, pool, maximumBytes);
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: maxPages });
  const exports = await instantiateKernels(backend, memory);
  return new Engine(backend, memory, wasmKernels(exports, memory, backend), null, maximumBytes);
}
