/**
 * The tfjs measurement, run in its own process per tfjs backend: `tf.train.*` against the
 * library's SIMD `step()` (the anchor), interleaved, so the ratio comes from one process under
 * the same conditions. WebAssembly code is not slowed by detached buffers, so the anchor is
 * unaffected by the tfjs-wasm backend's memory growth.
 */
import { createEngine } from '../../engine.js';
import { type BenchCase, benchData } from './cases.js';
import { libraryCase } from './core.js';
import { measureInterleaved, type Schedule } from './measure.js';
import type { BenchRecord } from './records.js';
import { loadTfjs, TFJS_CASES, type TfjsBackend } from './tfjs.js';

export interface TfjsOptions {
  backend: TfjsBackend;
  cases: BenchCase[];
  sizes: number[];
  largeOnly?: string[];
  schedule: Schedule;
  log: (line: string) => void;
}

export async function runTfjs(o: TfjsOptions): Promise<{ records: BenchRecord[]; version: string }> {
  const tf = await loadTfjs(o.backend);
  const cases = o.cases.filter((c) => TFJS_CASES.includes(c.name));
  const maxN = Math.max(...o.sizes, 1);
  const engine = await createEngine({ backend: 'simd', initialBytes: maxN * 4 * 8 + (16 << 20) });
  const records: BenchRecord[] = [];
  const variant = `tfjs-${o.backend}` as const;
  for (const c of cases) {
    for (const n of o.sizes) {
      if (n > 1048576 && o.largeOnly && !o.largeOnly.includes(c.name)) continue;
      const data = benchData(n);
      const lib = libraryCase(engine, c, data);
      const stepper = tf.make(c.name, data.params, data.grads, lib.hyper)!;
      stepper.step();
      const t0 = performance.now();
      const [anchor, t] = measureInterleaved(
        [
          { variant: 'simd', step: () => lib.opt.step() },
          { variant, step: () => stepper.step(), warmupMs: o.schedule.warmupMs * 4 },
        ],
        n,
        o.schedule,
      );
      records.push({
        optimizer: c.name,
        size: n,
        variant,
        nsPerParam: t!.nsPerParam,
        samples: t!.samples,
        bytesPerParam: lib.bytesPerParam,
        roundMedians: t!.roundMedians,
        process: variant,
        anchorSimdNsPerParam: anchor!.nsPerParam,
      });
      o.log(
        `${c.name.padEnd(13)} ${String(n).padStart(9)}  simd ${anchor!.nsPerParam.toFixed(3)}  ${variant} ${t!.nsPerParam.toFixed(3)}` +
          `  (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
      );
      stepper.dispose();
      lib.dispose();
    }
  }
  return { records, version: tf.version };
}
