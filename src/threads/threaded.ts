/**
 * Kernels over shared memory with a worker pool: the splittable (elementwise) kernels run on the
 * calling thread and the workers together above a size threshold; everything else runs on the
 * calling thread, so reductions keep their single-thread order and bits.
 */
import { type KernelName, type Kernels, KERNEL_NAMES, wasmKernels } from '../wasm/kernels.js';
import { compileKernels, instantiateKernels } from '../wasm/loader.js';
import { ThreadPool } from './pool.js';
import { SPLITTABLE } from './split.js';

/** Threads this machine offers (1 where it cannot tell). */
export async function availableThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  try {
    const spec = 'node:os';
    const os = (await import(/* @vite-ignore */ spec)) as typeof import('node:os');
    return os.availableParallelism?.() ?? os.cpus().length;
  } catch {
    return 1;
  }
}

export async function threadedKernels(
  memory: WebAssembly.Memory,
  threads: number,
  threshold: number,
  timeoutMs?: number,
): Promise<{ kernels: Kernels; pool: ThreadPool }> {
  const local = wasmKernels(await instantiateKernels('threads', memory), 'simd') as unknown as Record<string, (...a: number[]) => unknown>;
  const names = KERNEL_NAMES.map((n) => `${n}_simd`);
  const pool = await ThreadPool.start(await compileKernels('threads'), memory, names, threads - 1, timeoutMs);
  const out: Record<string, unknown> = {};
  KERNEL_NAMES.forEach((name: KernelName, index) => {
    const fn = local[name]!;
    const pointers = SPLITTABLE[name];
    out[name] =
      pointers === undefined
        ? fn
        : (...args: number[]) => (args[pointers]! < threshold ? fn(...args) : pool.run(index, pointers, args, fn));
  });
  return { kernels: out as unknown as Kernels, pool };
}
