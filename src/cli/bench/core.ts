/**
 * The core measurement, run in its own process: for every case and size, the library's `step()`
 * on the `simd`, `scalar` and `js` engines, the hand-written JS loop, and the roofline kernel,
 * interleaved. Every engine's memory is sized up front for the largest case and nothing in this
 * process grows a memory or detaches a buffer (tfjs lives in other processes), so the typed-array
 * loops run at their best speed; the process checks it and, at the very end, measures how much
 * one detached buffer would have slowed the JS baseline.
 */
import { type Backend, createEngine, type Engine } from '../../engine.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { OPTIMIZERS } from '../../optim/registry.js';
import { type BenchCase, benchData } from './cases.js';
import { IDIOMATIC, idiomaticFor } from './idiomatic.js';
import { measureInterleaved, median, type Schedule, type Timed } from './measure.js';
import type { BenchRecord } from './records.js';

/** Most per-element blocks a case may need in one engine: params, grads, state, 4 roofline. */
const MAX_BLOCKS = 14;

type AnyOptimizer = Optimizer<object>;
type OptimizerClass = new (params: unknown, options?: object) => AnyOptimizer;

export interface LibraryCase {
  engine: Engine;
  opt: AnyOptimizer;
  /** Bytes read + written per parameter per step (4 per stream). */
  bytesPerParam: number;
  hyper: Record<string, unknown>;
  dispose(): void;
}

/** A library optimizer for `c` over one tensor of `data` in `engine`, warmed by one step. */
export function libraryCase(engine: Engine, c: BenchCase, data: { params: Float32Array; grads: Float32Array }): LibraryCase {
  const Cls = (OPTIMIZERS as Record<string, unknown>)[c.registry] as OptimizerClass;
  const shape = (Cls as unknown as { registration?: { shape?: (n: number, i: number) => readonly number[] } }).registration?.shape;
  const n = data.params.length;
  const [p] = engine.parameters([shape ? { shape: shape(n, 0) } : n]);
  p!.data.set(data.params);
  p!.grad.set(data.grads);
  const opt = new Cls([p!], c.options);
  opt.step();
  const state = opt.stateDict().state[0] ?? {};
  const buffers = Object.values(state).filter((x) => x instanceof Float32Array).length;
  const { params: _ps, ...hyper } = opt.paramGroups[0] as unknown as Record<string, unknown>;
  return {
    engine,
    opt,
    bytesPerParam: 4 * (2 + buffers + 1 + buffers),
    hyper,
    dispose() {
      opt.dispose();
      p!.dispose();
    },
  };
}

export interface CoreOptions {
  cases: BenchCase[];
  sizes: number[];
  largeOnly?: string[];
  /** Also time Adam at {@link STEP_OVERHEAD_SIZE}: a whole `step()` there is the fixed cost per step. */
  stepOverhead?: boolean;
  schedule: Schedule;
  log: (line: string) => void;
}

/** The size at which Adam's whole `step()` is recorded as the per-step overhead. */
export const STEP_OVERHEAD_SIZE = 16;

export interface CoreResult {
  records: BenchRecord[];
  /** Memory growths across the engines (must be 0 for an honest JS baseline). */
  grows: number;
  /** Idiomatic Adam at 1M before and after one ArrayBuffer detach, ns/param. */
  detachProbe: { before: number; after: number; n: number };
}

export async function runCore(o: CoreOptions): Promise<CoreResult> {
  const maxN = Math.max(...o.sizes);
  const initialBytes = maxN * 4 * MAX_BLOCKS + (16 << 20);
  const engines = new Map<Backend, Engine>();
  for (const b of ['simd', 'scalar', 'js'] as const) engines.set(b, await createEngine({ backend: b, initialBytes }));
  const simd = engines.get('simd')!;
  const records: BenchRecord[] = [];
  for (const c of o.cases) {
    const make = await idiomaticFor(c.name);
    // Adam also at 16 parameters: a whole step() there is the library's fixed cost per step.
    const sizes = o.stepOverhead && c.name === 'adam' && !o.sizes.includes(STEP_OVERHEAD_SIZE) ? [STEP_OVERHEAD_SIZE, ...o.sizes] : o.sizes;
    for (const n of sizes) {
      if (n > 1048576 && o.largeOnly && !o.largeOnly.includes(c.name)) continue;
      const data = benchData(n);
      const lib = (['simd', 'scalar', 'js'] as const).map((b) => libraryCase(engines.get(b)!, c, data));
      const timed: Timed[] = [
        { variant: 'simd', step: () => lib[0]!.opt.step() },
        { variant: 'scalar', step: () => lib[1]!.opt.step() },
        { variant: 'js-reference', step: () => lib[2]!.opt.step() },
      ];
      if (make) {
        const p = Float32Array.from(data.params), g = Float32Array.from(data.grads);
        const idiomatic = make(p, g, lib[0]!.hyper);
        idiomatic.step();
        timed.push({ variant: 'js-idiomatic', step: () => idiomatic.step() });
      }
      const blocks = [0, 1, 2, 3].map(() => simd.allocFloats(n));
      simd.heap.f32.set(data.params, blocks[0]! >> 2);
      simd.heap.f32.set(data.grads, blocks[1]! >> 2);
      const k = simd.kernels;
      const [rp, rg, rm, rv] = blocks as [number, number, number, number];
      const ra = k.roofline_f32.scalars();
      ra.a = 1e-7;
      timed.push({ variant: 'roofline', step: () => k.roofline_f32(rp, rg, rm, rv, n, ra) });
      const t0 = performance.now();
      const timings = measureInterleaved(timed, n, o.schedule);
      for (const t of timings) {
        records.push({
          optimizer: c.name,
          size: n,
          variant: t.variant as BenchRecord['variant'],
          nsPerParam: t.nsPerParam,
          samples: t.samples,
          bytesPerParam: t.variant === 'roofline' ? 28 : lib[0]!.bytesPerParam,
          roundMedians: t.roundMedians,
          process: 'core',
        });
      }
      o.log(
        `${c.name.padEnd(13)} ${String(n).padStart(9)}  ` +
          timings.map((t) => `${t.variant} ${t.nsPerParam.toFixed(3)}`).join('  ') +
          `  (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
      for (const l of lib) l.dispose();
      for (const b of blocks) simd.freeFloats(b);
    }
  }
  let grows = 0;
  for (const e of engines.values()) grows += e.growCount;
  const detachProbe = probeDetach(Math.min(maxN, 1048576));
  return { records, grows, detachProbe };
}

/**
 * Times the idiomatic Adam loop, detaches one ArrayBuffer (what any `memory.grow()` does), and
 * times it again. Run last: after it every typed-array loop in this process is slower.
 */
function probeDetach(n: number): { before: number; after: number; n: number } {
  const data = benchData(n);
  const opt = IDIOMATIC.adam!(data.params, data.grads, {});
  const time = () => {
    for (let i = 0; i < 3; i++) opt.step();
    const xs: number[] = [];
    for (let r = 0; r < 9; r++) {
      const t0 = performance.now();
      opt.step();
      xs.push(((performance.now() - t0) * 1e6) / n);
    }
    return median(xs);
  };
  const before = time();
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  const after = time();
  return { before, after, n };
}
