/**
 * A pool of workers over one shared `WebAssembly.Memory`, each running the same kernels. An
 * elementwise kernel call over n elements is cut into aligned chunks (multiples of 16 elements,
 * so every chunk but the last runs whole SIMD iterations); the calling thread runs the first chunk
 * while the workers run the others, then waits for them with `Atomics`. Elementwise kernels give
 * the same bits however the range is cut, so results equal the single-thread path exactly.
 *
 * Failure: a kernel that throws in a worker, a worker that exited, or a worker that does not answer
 * within `timeoutMs` makes the call throw an Error; a pool that lost a worker refuses further work
 * (before touching memory) until the engine is disposed.
 */
import { ARG_SLOT, WORKER_SOURCE } from './worker-source.js';

interface WorkerHandle {
  terminate(): unknown;
}

type KernelFn = (...args: number[]) => unknown;

const isNode = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';

/** Whether this thread may block in Atomics.wait (browsers forbid it on the main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  /** The workers' handles (Node `Worker` or browser `Worker`). */
  readonly workers: WorkerHandle[] = [];
  readonly #ctl: Int32Array;
  readonly #argv: Float64Array;
  #seq = 0;
  #broken: string | null = null;
  readonly #block = canBlock();
  readonly timeoutMs: number;

  private constructor(count: number, timeoutMs: number) {
    this.#ctl = new Int32Array(new SharedArrayBuffer(16 * Math.max(1, count)));
    this.#argv = new Float64Array(new SharedArrayBuffer(8 * ARG_SLOT * Math.max(1, count)));
    this.timeoutMs = timeoutMs;
  }

  /** Starts `count` workers instantiating `module` on `memory`; resolves when all are ready. */
  static async start(module: WebAssembly.Module, memory: WebAssembly.Memory, names: readonly string[], count: number, timeoutMs = 30_000): Promise<ThreadPool> {
    const pool = new ThreadPool(count, timeoutMs);
    const init = (index: number) => ({ module, memory, names: [...names], control: pool.#ctl.buffer, args: pool.#argv.buffer, index });
    const ready: Array<Promise<void>> = [];
    for (let i = 0; i < count; i++) {
      ready.push(
        new Promise<void>((resolve, reject) => {
          const onMessage = (m: unknown) => (m === 'ready' ? resolve() : reject(new Error(`wasm-optim: worker ${i} failed to start: ${String(m)}`)));
          const onExit = (code: unknown) => {
            pool.#broken ??= `worker ${i} exited (code ${String(code)})`;
            reject(new Error(`wasm-optim: ${pool.#broken}`));
          };
          pool.#spawn(init(i), onMessage, onExit).then((w) => {
            pool.workers[i] = w;
          }, reject);
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      pool.terminate();
      throw e;
    }
    return pool;
  }

  async #spawn(init: object, onMessage: (m: unknown) => void, onExit: (code: unknown) => void): Promise<WorkerHandle> {
    if (isNode) {
      const spec = 'node:worker_threads';
      const { Worker } = (await import(/* @vite-ignore */ spec)) as typeof import('node:worker_threads');
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: init });
      w.on('message', (m) => {
        // Once running, a forgotten engine must not keep the process alive.
        if (m === 'ready') w.unref();
        onMessage(m);
      });
      w.on('error', (e) => onExit(`error: ${e.message}`));
      w.on('exit', onExit);
      return w;
    }
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new Worker(url);
    w.onmessage = (e) => onMessage(e.data);
    w.onerror = (e) => {
      e.preventDefault?.();
      onExit(`error: ${e.message}`);
    };
    w.postMessage(init);
    return w;
  }

  /** Number of worker threads (the calling thread works too). */
  get size(): number {
    return this.workers.length;
  }

  /** Why the pool refuses work, or null. */
  get broken(): string | null {
    return this.#broken;
  }

  /**
   * Runs kernel `index` (whose first `pointers` arguments are byte pointers, then `n`) over its
   * range cut into chunks: the first on this thread with `local`, the others on the workers.
   */
  run(index: number, pointers: number, args: number[], local: KernelFn): void {
    if (this.#broken) throw new Error(`wasm-optim: the thread pool is unusable: ${this.#broken}; dispose the engine`);
    const n = args[pointers]!;
    const parts = this.workers.length + 1;
    const chunk = Math.ceil(n / parts / 16) * 16;
    const seq = ++this.#seq;
    const used: number[] = [];
    for (let w = 0; w < this.workers.length; w++) {
      const start = (w + 1) * chunk;
      if (start >= n) break;
      const len = Math.min(chunk, n - start);
      const slot = w * ARG_SLOT;
      this.#argv[slot] = index;
      this.#argv[slot + 1] = args.length;
      for (let i = 0; i < args.length; i++) {
        this.#argv[slot + 2 + i] = i < pointers ? args[i]! + start * 4 : i === pointers ? len : args[i]!;
      }
      Atomics.store(this.#ctl, 4 * w, seq);
      Atomics.notify(this.#ctl, 4 * w);
      used.push(w);
    }
    let error: unknown = null;
    try {
      const mine = args.slice();
      mine[pointers] = Math.min(chunk, n);
      local(...mine);
    } catch (e) {
      error = e;
    }
    const failed = this.#wait(used, seq);
    if (error) throw error;
    if (failed) throw new Error(`wasm-optim: ${failed}`);
  }

  /** Waits for workers `used` to finish `seq`; returns a failure description or null. */
  #wait(used: number[], seq: number): string | null {
    const deadline = Date.now() + this.timeoutMs;
    let failure: string | null = null;
    for (const w of used) {
      const at = 4 * w + 1;
      for (;;) {
        const done = Atomics.load(this.#ctl, at);
        if (done === seq) break;
        if (Date.now() > deadline) {
          this.#broken ??= `worker ${w} did not answer within ${this.timeoutMs} ms`;
          return this.#broken;
        }
        if (this.#block) Atomics.wait(this.#ctl, at, done, 50);
      }
      if (Atomics.load(this.#ctl, 4 * w + 2) !== 0) failure ??= `a kernel threw in worker ${w}`;
    }
    return failure;
  }

  /** Ends every worker. */
  terminate(): void {
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.#ctl, 4 * w, -1);
      Atomics.notify(this.#ctl, 4 * w);
    }
    for (const w of this.workers) void w.terminate();
    this.#broken ??= 'the engine was disposed';
  }
}
