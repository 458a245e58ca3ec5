/**
 * The live benchmark: one optimizer step over 1M parameters on each path (SIMD, scalar, pure JS)
 * in this browser, steps interleaved across paths, median of the timed steps after a warm-up.
 */
import { type Backend, createEngine, OPTIMIZERS, type OptimizerName } from 'wasm-optim';

export interface BenchRow {
  optimizer: string;
  msPerStep: Record<Backend, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const pause = () => new Promise((r) => setTimeout(r, 0));

export async function liveBenchmark(optimizers: string[], size = 1 << 20, timed = 9, onRow?: (r: BenchRow) => void): Promise<BenchRow[]> {
  const backends: Backend[] = ['simd', 'scalar', 'js'];
  const engines = await Promise.all(backends.map((backend) => createEngine({ backend, initialBytes: 64 * size })));
  const rows: BenchRow[] = [];
  for (const name of optimizers) {
    const rigs = engines.map((e) => {
      const [p] = e.parameters([size]);
      for (let i = 0; i < size; i++) p!.grad[i] = Math.sin(i) * 0.01;
      const opt = new OPTIMIZERS[name as OptimizerName]([p!] as never, { lr: 1e-3 } as never); // `as never`: checking an array against every class's params type at once grows as 2^(optimizers)
      return { p: p!, opt };
    });
    const times: number[][] = backends.map(() => []);
    for (let k = 0; k < timed + 2; k++) {
      rigs.forEach((r, b) => {
        const t0 = performance.now();
        r.opt.step();
        const dt = performance.now() - t0;
        if (k >= 2) times[b]!.push(dt);
      });
      await pause();
    }
    rigs.forEach((r) => {
      r.opt.dispose();
      r.p.dispose();
    });
    const row = { optimizer: name, msPerStep: Object.fromEntries(backends.map((b, i) => [b, median(times[i]!)])) as Record<Backend, number> };
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}
