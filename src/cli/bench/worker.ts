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
  schedule: Schedule;
}

const [group, configPath, outPath] = process.argv.slice(2);
if (!group || !configPath || !outPath) throw new TypeError('usage: worker.ts <group> <config.json> <out.json>');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as WorkerConfig;
const log = (line: string) => process.stdout.write(`  [${group}] ${line}\n`);

let result: unknown;
if (group === 'core') result = await runCore({ ...config, log });
else if (group === 'tfjs-cpu') result = await runTfjs({ ...config, sizes: config.tfjsCpuSizes, backend: 'cpu', log });
else if (group === 'tfjs-wasm') result = await runTfjs({ ...config, backend: 'wasm', log });
else if (group === 'extras') result = await runExtras(config.cases, config.schedule);
else throw new RangeError(`worker: unknown group "${group}"`);
writeFileSync(outPath, JSON.stringify(result));
