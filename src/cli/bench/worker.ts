/**
 * Child-process entry: `worker.ts <group> <config.json> <out.json>`. Each group runs in a fresh
 * process so that what one measures cannot slow another: `core` (library backends, idiomatic JS,
 * roofline; no memory growth), `tfjs-cpu`, `tfjs-wasm`, `extras` (many tensors, allocation).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchCase } from './cases.js';
import { runCore } from './core.js';
import { runExtras } from './extras.js';
import type { Schedule } from './measure.js';
import { runTfjs } from './tfjs-run.js';

export interface WorkerConfig {
  cases: BenchCase[];
  sizes: number[];
  tfjsCpuSizes: number[];
  /** When set, sizes above 1M run only for these cases (`--quick`: Adam, for the roofline). */
  largeOnly?: string[];
  /** Also time Adam at STEP_OVERHEAD_SIZE (the default sizes; not when --sizes is given). */
  stepOverhead?: boolean;
  schedule: Schedule;
}

const [group, configPath, outPath] = process.argv.slice(2);
if (!group || !configPath || !outPath) throw new TypeError('usage: worker.ts <group> <config.json> <out.json>');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as WorkerConfig;
const log = (line: string) => process.stdout.write(`  [${group}] ${line}\n`);

async function measure(): Promise<unknown> {
  if (group === 'core') return runCore({ ...config, log });
  if (group === 'tfjs-cpu') return runTfjs({ ...config, sizes: config.tfjsCpuSizes, backend: 'cpu', log });
  if (group === 'tfjs-wasm') return runTfjs({ ...config, backend: 'wasm', log });
  if (group === 'extras') return runExtras(config.cases, config.schedule);
  throw new RangeError(`worker: unknown group "${group}"`);
}

try {
  writeFileSync(outPath, JSON.stringify(await measure()));
} catch (e) {
  // One line for the user (the parent reports the failed group); the stack on request.
  process.stderr.write(`  [${group}] ${(e as Error)?.message ?? String(e)}\n`);
  if (process.env.WASM_OPTIM_DEBUG) process.stderr.write(`${(e as Error)?.stack}\n`);
  process.exitCode = 1;
}
