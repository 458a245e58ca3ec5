/**
 * Kernels over shared memory with a worker pool: the splittable kernels of the table (every
 * pointer elementwise) run on the calling thread and the workers together above a size threshold;
 * everything else runs on the calling thread, so reductions keep their single-thread order and
 * bits. A call's scalars are written into the parameter block (shared memory) before the workers
 * start; the caller blocks until they finish, so the block is not rewritten while they read it.
 */
import { KERNEL_TABLE } from '../wasm/kernel-table.js';
import { bindWasm, checkExport, kernelObject, type Kernels, ParamBlock } from '../wasm/kernels.js';
import { compileKernels, instantiateKernels } from '../wasm/loader.js';
import { ThreadPool } from './pool.js';

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
  const exports = await instantiateKernels('threads', memory);
  const block = new ParamBlock(memory);
  const names = KERNEL_TABLE.map((e) => e.name);
  const pool = await ThreadPool.start(await compileKernels('threads'), memory, names, threads - 1, timeoutMs);
  const kernels = kernelObject(
    KERNEL_TABLE.map(({ name, decl, splittable }, index) => {
      const fn = checkExport(name, decl, exports[name], 'threads') as (...a: number[]) => unknown;
      const pointers = decl.pointers.length;
      const split = (...args: number[]) => (args[pointers]! < threshold ? fn(...args) : pool.run(index, pointers, args, fn));
      return [name, bindWasm(name, decl, splittable ? split : fn, block)];
    }),
  );
  return { kernels, pool };
}
