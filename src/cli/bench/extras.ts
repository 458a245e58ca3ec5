/**
 * Two checks beside the speed table, run in their own process (with `--expose-gc`):
 * - many tensors: a model of 1,000 tensors of mixed sizes (~1M parameters) against one flat
 *   tensor of the same size, to show what `step()` costs per tensor;
 * - allocation: JS heap in use (after a full GC) before and after 10,000 steps of each optimizer.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { createEngine, type Engine } from '../../engine.js';
import type { Parameter } from '../../memory/parameter.js';
import { OPTIMIZERS } from '../../optim/registry.js';
import { type BenchCase, benchData } from './cases.js';
import { measureInterleaved, type Schedule } from './measure.js';
import type { AllocationResult, ManyTensorResult } from './records.js';

type Stepper = { step(): void; dispose(): void };
type OptimizerClass = new (params: unknown, options?: object) => Stepper;

/** Sizes of a 1,000-tensor model: weight matrices and biases of mixed shapes, seeded. */
export function mixedSizes(count: number, total: number): number[] {
  let s = 12345;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) / 4294967296);
  const raw = Array.from({ length: count }, (_, i) => (i % 2 ? 1 + next() * 4 : 1 + next() * 60) ** 2);
  const scale = total / raw.reduce((a, b) => a + b, 0);
  const sizes = raw.map((r) => Math.max(1, Math.round(r * scale)));
  sizes[0]! += total - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

export function runManyTensors(cases: BenchCase[], schedule: Schedule, engine: Engine): ManyTensorResult[] {
  const sizes = mixedSizes(1000, 1048576);
  const total = sizes.reduce((a, b) => a + b, 0);
  const out: ManyTensorResult[] = [];
  for (const c of cases) {
    const Cls = (OPTIMIZERS as Record<string, unknown>)[c.registry] as OptimizerClass;
    const data = benchData(total);
    const fill = (ps: Parameter[]) => {
      let at = 0;
      for (const p of ps) {
        p.data.set(data.params.subarray(at, at + p.length));
        p.grad.set(data.grads.subarray(at, at + p.length));
        at += p.length;
      }
      return ps;
    };
    const flat = fill(engine.parameters([total]));
    const contiguous = fill(engine.parameters(sizes));
    const separate = fill(sizes.map((n) => engine.parameter(n)));
    const opts = [flat, contiguous, separate].map((ps) => new Cls(ps, c.options));
    const [a, b, d] = measureInterleaved(
      [
        { variant: 'flat', step: () => opts[0]!.step() },
        { variant: 'contiguous', step: () => opts[1]!.step() },
        { variant: 'separate', step: () => opts[2]!.step() },
      ],
      total,
      schedule,
    );
    out.push({ optimizer: c.name, tensors: sizes.length, totalParams: total, flat: a!.nsPerParam, contiguous: b!.nsPerParam, separate: d!.nsPerParam });
    for (const o of opts) o.dispose();
    for (const p of [...flat, ...contiguous, ...separate]) p.dispose();
  }
  return out;
}

export async function runAllocation(cases: BenchCase[], engine: Engine, steps: number, size: number): Promise<AllocationResult[]> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('allocation check: run node with --expose-gc');
  let gcCount = 0;
  const obs = new PerformanceObserver((list) => {
    gcCount += list.getEntries().length;
  });
  const out: AllocationResult[] = [];
  for (const c of cases) {
    const Cls = (OPTIMIZERS as Record<string, unknown>)[c.registry] as OptimizerClass;
    const data = benchData(size);
    const [p] = engine.parameters([size]);
    p!.data.set(data.params);
    p!.grad.set(data.grads);
    const opt = new Cls([p!], c.options);
    // Long enough for V8 to finish optimising step(): its code and feedback are not a leak.
    for (let i = 0; i < 5000; i++) opt.step();
    gc();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    gcCount = 0;
    obs.observe({ entryTypes: ['gc'] });
    for (let i = 0; i < steps; i++) opt.step();
    // GC entries are delivered on a later turn of the event loop.
    await new Promise((r) => setTimeout(r, 20));
    obs.disconnect();
    gc();
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    out.push({ optimizer: c.name, backend: engine.backend, steps, size, heapBefore, heapAfter, gcCount });
    opt.dispose();
    p!.dispose();
  }
  return out;
}

export async function runExtras(cases: BenchCase[], schedule: Schedule) {
  const engine = await createEngine({ backend: 'simd', initialBytes: 160 << 20 });
  // The many-tensor ratio is a ~1.0 vs 1.1 question: give it more rounds than --quick's default.
  const steady = { ...schedule, rounds: Math.max(schedule.rounds, 9), roundMs: Math.max(schedule.roundMs, 60) };
  const manyTensors = runManyTensors(cases, steady, engine);
  const allocation = await runAllocation(cases, engine, 10000, 1024);
  return { manyTensors, allocation, grows: engine.growCount };
}
